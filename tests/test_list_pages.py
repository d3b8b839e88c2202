"""The list pages at 50 rows (issue 12, Performance): at most 25 KB of HTML, and the same number
of statements whatever the number of rows (no statement per row).

The county officer's four lists — persons, cases, businesses, applications — are measured with
the demo's few rows, then again after 60 more records each (the page shows 50). bench/lists.py
measures their speed against the floor app; this test keeps what can be checked without timing.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import event, func, insert, select

from app.core import clock
from app.extensions import db

PAGES = ["/persons/", "/cases/", "/businesses/", "/subsidies/applications"]
MAX_BYTES = 25 * 1024
EXTRA = 60
VILLAGES = ["420506103202", "420506103203", "420506103204", "420506107201"]  # 夷陵区


def _rows(path: str, html: str) -> int:
    if path == "/cases/":
        return html.count('class="list-group-item list-group-item-action case-row"')
    return html.split("<tbody>")[1].split("</tbody>")[0].count("<tr")


def _measure(client, path: str) -> tuple[int, int, str]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(path)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200, path
    return len(statements), len(response.data), response.text


def _add_records(n: int) -> None:
    """n people, and for them n cases, n businesses and n applications, in 夷陵区 villages
    (persons, cases and businesses through their operations; applications as rows, as the bench
    generator writes them: their eligibility is not what this test is about)."""
    from app.subsidies.models import Application, Programme, RuleVersion
    from tests.cases.factories import create_case
    from tests.persons.factories import create_person, unique_name
    from tests.subsidies.factories import create_business, ensure_programmes, user

    ensure_programmes()
    admin = user("demo_city")
    people = []
    for i in range(n):
        # Long names too: a row must stay small with the longest names the library allows.
        name = unique_name() if i % 4 else "欧阳" + unique_name() + "·阿依古丽"
        people.append(create_person(admin, commit=False, village_code=VILLAGES[i % len(VILLAGES)], name=name))
    db.session.flush()
    businesses = [create_business(p, admin, commit=False, village_code=p.village.code) for p in people]
    for p in people:
        create_case(person=p, commit=False)
    programme_id, version_id = db.session.execute(
        select(Programme.id, func.min(RuleVersion.id)).join(RuleVersion, RuleVersion.programme_id == Programme.id)
        .group_by(Programme.id).order_by(Programme.id)).first()
    now, today = clock.now(), clock.today()
    db.session.execute(insert(Application), [
        {"village_id": b.village_id, "township_id": b.township_id, "county_id": b.county_id,
         "programme_id": programme_id, "rule_version_id": version_id, "person_id": b.founder_id,
         "business_id": b.id, "state": "submitted", "amount": 5000, "submitted_on": today - timedelta(days=i),
         "submitted_by_id": admin.id, "submission_check": {}, "created_at": now, "updated_at": now, "version": 1}
        for i, b in enumerate(businesses)])
    db.session.commit()


@pytest.fixture
def measured(demo, login_as) -> Callable[[], dict[str, tuple[int, int, str]]]:
    client = login_as("demo_county")

    def measure() -> dict[str, tuple[int, int, str]]:
        for path in PAGES:
            client.get(path)  # warm: code lists, compiled templates
        return {path: _measure(client, path) for path in PAGES}

    return measure


def test_list_pages_stay_small_and_their_statements_do_not_grow_with_rows(measured):
    few = measured()
    _add_records(EXTRA)
    full = measured()
    for path in PAGES:
        statements_few, _, html_few = few[path]
        statements, size, html = full[path]
        assert _rows(path, html) == 50, path
        assert _rows(path, html_few) < 50
        assert statements == statements_few, (path, statements_few, statements)
        # session + user, code lists, rows, count, and the region picker's choices of the filter
        assert statements <= 5, path
        assert size <= MAX_BYTES, f"{path}: {size:,} bytes for 50 rows"
