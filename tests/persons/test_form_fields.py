"""The person form's dates in any common spelling, and the move form's village picker."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.persons.models import Person
from tests.form_pages import shown_again
from tests.persons.factories import create_person, unique_id


def body(response) -> str:
    return response.get_data(as_text=True)


@pytest.mark.parametrize("spelling", ["2025-12-31", "2025/12/31", "2025.12.31", "20251231", "2025年12月31日"])
def test_returned_on_in_every_spelling(demo, login_as, spelling):
    response = login_as("demo_village").post("/persons/new", data={
        "id_number": unique_id(), "name": "周春", "source": "survey", "status": "returned", "village_code": "420506103202",
        "outside_since": "2015/3/1", "returned_on": spelling})
    assert response.status_code == 302, body(response)[:2000]
    person = db.session.scalar(select(Person).where(Person.name == "周春"))
    assert person.returned_on == date(2025, 12, 31) and person.outside_since == date(2015, 3, 1)
    page = body(login_as("demo_village").get(f"/persons/{person.id}"))
    assert "2025年12月31日" in page


def test_bad_date_on_the_person_form(demo, login_as):
    client = login_as("demo_village")
    response = client.post("/persons/new", data={
        "id_number": unique_id(), "name": "周春", "source": "survey", "status": "returned", "village_code": "420506103202",
        "returned_on": "31/12/2025"})
    text = shown_again(client, response)
    assert "「返乡日期」日期格式不正确，例如 2025-12-31" in text and 'value="31/12/2025"' in text


def test_move_form_picks_a_village_in_scope(demo, login_as):
    person = create_person(name="谭嘉禾")
    client = login_as("demo_county")
    page = body(client.get(f"/persons/{person.id}/move"))
    assert 'class="mb-3 region-picker"' in page and "区划代码" not in page
    assert len(re.findall(r'<select[^>]*name="village_code"', page)) == 2  # township, then village
    moved = client.post(f"/persons/{person.id}/move", data={
        "village_code": ["420506103", "420506103203"], "reason": "迁户", "version": str(person.version)})
    assert moved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, person.id).village.code == "420506103203"
