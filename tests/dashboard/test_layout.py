"""Dashboard layout (issue 12 §8): the target table scrolls in its own box with the county column
frozen, and the records behind a figure link to their pages (never to a page the viewer may not
open)."""
from __future__ import annotations

import re

from sqlalchemy import select

from app.businesses.models import Business
from app.cases.models import Case
from app.extensions import db
from app.regions.operations import by_code

CITY = "4205"


def _first_cells(html: str) -> list[str]:
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    return re.findall(r"<tr>\s*<td>(.*?)</td>", body, re.S)


def test_the_target_table_sits_in_a_scroll_box(demo, login_as):
    html = login_as("demo_city").get("/dashboard/").text
    assert re.search(r'<div class="target-scroll"[^>]*>\s*<table[^>]*id="target-table"', html)
    assert "css/dashboard.css" in html


def test_drill_down_rows_link_to_their_records(demo, login_as):
    client = login_as("demo_city")
    city = by_code(CITY)
    html = client.get(f"/dashboard/regions/{city.id}/open_cases").text
    cells = _first_cells(html)
    assert cells, "the demo has open cases"
    ids = [int(i) for cell in cells for i in re.findall(r'<a href="/cases/(\d+)">', cell)]
    assert len(ids) == len(cells)
    assert set(ids) <= set(db.session.scalars(select(Case.id)))
    assert client.get(f"/cases/{ids[0]}").status_code == 200

    year = max(b.registered_on.year for b in db.session.scalars(select(Business)))
    html = client.get(f"/dashboard/regions/{city.id}/new_entities?year={year}").text
    cells = _first_cells(html)
    assert cells and all(re.match(r'<a href="/businesses/\d+">', c) for c in cells)


def test_no_link_to_a_record_the_viewer_may_not_open(demo, login_as, monkeypatch):
    from app.dashboard import queries

    kind = queries.LIST_KINDS["cases"]
    monkeypatch.setitem(queries.LIST_KINDS, "cases", kind.__class__(
        kind.sort, kind.tiebreak, kind.header, kind.row, (kind.link[0], kind.link[1], lambda user, case: False)))
    html = login_as("demo_city").get(f"/dashboard/regions/{by_code(CITY).id}/open_cases").text
    cells = _first_cells(html)
    assert cells and not any("<a " in c for c in cells)
