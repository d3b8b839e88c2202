"""The business form: the founder is chosen by name in scope (or fixed from the person page), the
region with the picker, and dates in any common spelling."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.businesses.models import Business
from app.extensions import db
from tests.form_pages import shown_again
from tests.persons.factories import create_person
from tests.subsidies.factories import credit_code

ZIGUI_VILLAGE = "420527"  # prefix of 秭归县's villages


def body(response) -> str:
    return response.get_data(as_text=True)


def zigui_village_code() -> str:
    from app.regions.models import Region, RegionLevel

    return db.session.scalar(select(Region.code).where(Region.level == RegionLevel.VILLAGE,
                                                       Region.code.startswith(ZIGUI_VILLAGE)).limit(1))


def form(**overrides) -> dict:
    data = {"name": "谭记农庄", "kind": "family_farm", "credit_code": credit_code(), "registered_on": "2025-06-30",
            "is_first_registration": "true", "village_code": "420506103202", "industry": "", "jobs": "3",
            "park": "", "status": "operating", "closed_on": ""}
    data.update(overrides)
    return data


def test_founder_search_stays_in_scope_and_is_masked(demo, login_as):
    mine = create_person(name="谭嘉禾", village_code="420506103202", phone="13900001234")
    create_person(name="谭嘉禾", village_code=zigui_village_code())
    results = login_as("demo_village").get("/persons/pick", query_string={"q": "谭嘉"}).get_json()["results"]
    assert [r["id"] for r in results] == [mine.id]
    found = results[0]
    assert set(found) == {"id", "name", "id_number", "village"}
    assert found["name"] == "谭嘉禾" and "*" in found["id_number"] and "大中坝村" in found["village"]
    assert found["id_number"] == mine.id_number_masked
    both = login_as("demo_city").get("/persons/pick", query_string={"q": "tjh"}).get_json()["results"]
    assert len([r for r in both if r["name"] == "谭嘉禾"]) == 2
    assert login_as("demo_village").get("/persons/pick", query_string={"q": ""}).get_json() == {"results": []}
    assert login_as("demo_specialist").get("/persons/pick", query_string={"q": "谭"}).status_code == 403


def test_founder_is_fixed_when_coming_from_the_person_page(demo, login_as):
    person = create_person(name="谭嘉禾")
    page = body(login_as("demo_village").get("/businesses/new", query_string={"founder_id": person.id}))
    assert f'value="谭嘉禾（{person.id_number_masked}）" readonly' in page
    assert f'<input type="hidden" name="founder_id" value="{person.id}">' in page
    assert "人员编号" not in page and 'type="number"' not in page.split('name="founder_id"')[0][-300:]


def test_founder_by_exact_name_without_javascript(demo, login_as):
    person = create_person(name="谭嘉禾")
    response = login_as("demo_village").post("/businesses/new", data=form(founder_id="", founder_id_q="谭嘉禾"))
    assert response.status_code == 302, body(response)[:3000]
    business = db.session.scalar(select(Business).where(Business.name == "谭记农庄"))
    assert business.founder_id == person.id


def test_several_matches_are_listed_to_choose_from(demo, login_as):
    first = create_person(name="谭嘉禾")
    second = create_person(name="谭嘉树")
    client = login_as("demo_village")
    response = client.post("/businesses/new", data=form(founder_id="", founder_id_q="谭嘉"))
    text = shown_again(client, response)
    assert "请在下面选择「创办人」" in text
    for person in (first, second):
        assert f'type="radio" name="founder_id" value="{person.id}"' in text
    assert db.session.scalar(select(Business).where(Business.name == "谭记农庄")) is None
    chosen = client.post("/businesses/new", data=form(founder_id=["", str(second.id)], founder_id_q="谭嘉"))
    assert chosen.status_code == 302
    assert db.session.scalar(select(Business).where(Business.name == "谭记农庄")).founder_id == second.id


def test_nobody_found_and_out_of_scope_ids_are_refused(demo, login_as):
    stranger = create_person(name="谭嘉禾", village_code=zigui_village_code())
    client = login_as("demo_village")
    none = client.post("/businesses/new", data=form(founder_id="", founder_id_q="欧阳不存在"))
    assert "在您的管辖范围内没有找到姓名为「欧阳不存在」的人员。" in shown_again(client, none)
    outside = client.post("/businesses/new", data=form(founder_id=str(stranger.id)))
    outside_text = shown_again(client, outside)
    assert "没有找到该人员，或不在您的管辖范围内。" in outside_text
    assert "谭嘉禾" not in outside_text  # the out-of-scope person is not shown by name


@pytest.mark.parametrize("spelling", ["2025-06-30", "2025/06/30", "2025.06.30", "20250630", "2025年6月30日"])
def test_registered_on_in_every_spelling(demo, login_as, spelling):
    person = create_person()
    response = login_as("demo_village").post("/businesses/new", data=form(founder_id=str(person.id),
                                                                          registered_on=spelling))
    assert response.status_code == 302, body(response)[:2000]
    business = db.session.scalar(select(Business).where(Business.name == "谭记农庄"))
    assert business.registered_on == date(2025, 6, 30)
    page = body(login_as("demo_village").get(f"/businesses/{business.id}"))
    assert "2025年6月30日" in page


def test_bad_date_keeps_the_text_and_names_the_field(demo, login_as):
    person = create_person()
    client = login_as("demo_village")
    response = client.post("/businesses/new", data=form(founder_id=str(person.id), registered_on="2025/02/30"))
    text = shown_again(client, response)
    assert "「首次登记日期」日期格式不正确，例如 2025-12-31" in text and 'value="2025/02/30"' in text
