"""No link to a page the viewer may not open (issue 12 §7): every link on the case pages (home,
lists, queues, requests, each visible case page and its print view) answers neither 403 nor 404
for each demo user; the timeline shows another domain's link only to a viewer who may open it."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from flask import url_for

from app.cases import timeline
from app.cases.models import Case
from app.cases.views import CASE_QUEUES
from app.core.access import cases as case_access
from app.core.access.links import can_open
from app.extensions import db
from tests.cases.factories import create_case, user
from tests.cases.pages import Page

USERS = ["demo_city", "demo_county", "demo_county2", "demo_township", "demo_village", "demo_village2",
         "demo_specialist", "demo_mentor"]


def _internal(href: str) -> str | None:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("/static/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.mark.parametrize("username", USERS)
def test_every_link_on_the_case_pages_opens(demo, login_as, username):
    u = user(username)
    client = login_as(username)
    pages = ["/", "/cases/", *[f"/cases/?queue={k}" for k in CASE_QUEUES]]
    if case_access.can_view_requests(u):
        pages.append("/cases/requests")
    visible = [c for c in db.session.scalars(db.select(Case)) if case_access.can_view_case(u, c)]
    for case in visible:
        pages += [f"/cases/{case.id}", f"/cases/{case.id}/print"]
    links: dict[str, str] = {}
    for page_url in pages:
        response = client.get(page_url)
        assert response.status_code == 200, (username, page_url, response.status_code)
        for href in Page(response.get_data(as_text=True)).links:
            target = _internal(href)
            if target is not None:
                links.setdefault(target, page_url)
    assert links
    for target, source in sorted(links.items()):
        status = client.get(target).status_code
        assert status not in (403, 404) and status < 500, (username, source, target, status)


def test_timeline_links_only_for_viewers_who_may_open_them(demo, login_as):
    case = create_case(specialist="demo_specialist", mentor="demo_mentor")
    person = case.person

    def source(c):
        if c.id != case.id:
            return []
        at = c.created_at
        return [timeline.TimelineEntry(at=at, kind="test", title="人员库记录", url=url_for("persons.detail", person_id=person.id),
                                       opens=("persons.detail", person)),
                timeline.TimelineEntry(at=at, kind="test", title="未声明目标", url="/persons/?from=timeline"),
                timeline.TimelineEntry(at=at, kind="test", title="本档案打印", url=url_for("cases.print_view", case_id=c.id),
                                       opens=("cases.print_view", c))]

    timeline.register_source(source)
    try:
        mentor = Page(login_as("demo_mentor").get(f"/cases/{case.id}").get_data(as_text=True))
        township = Page(login_as("demo_township").get(f"/cases/{case.id}").get_data(as_text=True))
        api = login_as("demo_mentor").get(f"/api/v1/cases/{case.id}").get_json()
    finally:
        timeline._SOURCES.remove(source)
    person_url = f"/persons/{person.id}"
    assert person_url not in mentor.links and person_url in township.links
    # No declared target: never a link.
    assert "/persons/?from=timeline" not in mentor.links and "/persons/?from=timeline" not in township.links
    assert f"/cases/{case.id}/print" in mentor.links
    urls = {e["title"]: e["url"] for e in api["timeline"] if e["kind"] == "test"}
    assert urls["人员库记录"] is None and urls["未声明目标"] is None and urls["本档案打印"] is not None


def test_can_open_follows_route_roles_and_predicates(demo, app):
    case = create_case(specialist="demo_specialist", mentor="demo_mentor")
    with app.test_request_context():
        assert can_open(user("demo_township"), "persons.detail", case.person)
        assert not can_open(user("demo_mentor"), "persons.detail", case.person)
        assert can_open(user("demo_mentor"), "cases.detail", case)
        assert not can_open(user("demo_county2"), "cases.detail", case)  # another county
        assert not can_open(user("demo_township"), "no.such_endpoint", case)
        assert not can_open(None, "cases.detail", case)


def test_mentor_sees_application_entries_but_no_link(demo, login_as):
    """The report of issue 12: the mentor's timeline linked to an application page (403)."""
    zhao = db.session.scalar(db.select(Case).where(Case.person.has(name="赵敏")))
    mentor = login_as("demo_mentor").get(f"/cases/{zhao.id}").get_data(as_text=True)
    township = login_as("demo_township").get(f"/cases/{zhao.id}").get_data(as_text=True)
    assert "提交补贴申请" in mentor and "提交补贴申请" in township  # the demo story has the application
    assert "/subsidies/applications/" not in mentor
    assert "/subsidies/applications/" in township
