"""Work queues tell the truth (issue 12 §7).

For each demo user, with the clock frozen on several days: every home queue and every case-list
filter holds exactly the cases that the stored dates and `clock.today()` say it should (computed
here independently, from the rows, not through app.cases.queries), and every due date and overdue
badge the pages show names its clock and matches the stored date of that clock."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.cases.models import (
    OPEN_ITEM_STATUSES,
    Case,
    CaseAssignment,
    CaseRequest,
    CaseStage,
    RequestStatus,
    ServiceItem,
)
from app.core import clock
from app.core.access.roles import REGION_ROLES, TOWNSHIP_AND_ABOVE, Role
from app.extensions import db
from app.regions.models import Region
from tests.cases.factories import user
from tests.cases.pages import Page, case_id_of

USERS = ["demo_city", "demo_county", "demo_county2", "demo_township", "demo_village", "demo_village2",
         "demo_specialist", "demo_mentor"]
# Days after the demo data's "today" to freeze the clock on: the data's own day, and later days on
# which more clocks and service items have run out.
SHIFTS = [0, 9, 40]
LABELS = {"specialist": "专员联系", "mentor": "导师辅导", "village": "村级走访"}
ONES = ("specialist", "mentor")


# ---------------------------------------------------------------------------------------------
# The expected sets, from the stored rows


def _in_scope(u: User, record) -> bool:
    if not u.roles & REGION_ROLES or u.region is None:
        return False
    return u.region.contains(db.session.get(Region, record.village_id))


def _own(u: User, case: Case) -> tuple[str, ...]:
    out = []
    if Role.SPECIALIST in u.roles and case.specialist_id == u.id:
        out.append("specialist")
    if Role.MENTOR in u.roles and case.mentor_id == u.id:
        out.append("mentor")
    return tuple(out)


def _visible(u: User, case: Case) -> bool:
    return _in_scope(u, case) or bool(_own(u, case))


def _due(case: Case, clock_name: str) -> date | None:
    return getattr(case, f"{clock_name}_due_on")


def _list_clocks(u: User, case: Case) -> tuple[str, ...]:
    return ONES if _in_scope(u, case) else _own(u, case)


def _overdue(u: User, case: Case, today: date) -> bool:
    return any((_due(case, c) or date.max) < today for c in _list_clocks(u, case))


def _cases() -> list[Case]:
    return list(db.session.scalars(select(Case)))


def _open_items(case: Case) -> list[ServiceItem]:
    return list(db.session.scalars(select(ServiceItem).where(ServiceItem.case_id == case.id,
                                                            ServiceItem.status.in_(OPEN_ITEM_STATUSES))))


def expected_queues(u: User, today: date) -> dict[str, set]:
    """Queue key -> the ids on it (case ids; request ids for "requests"; item ids for items)."""
    cases = _cases()
    open_cases = [c for c in cases if c.closed_on is None]
    soon = today + timedelta(days=7)
    out: dict[str, set] = {}
    region = u.roles & REGION_ROLES and u.region is not None
    if region and (Role.VILLAGE_STAFF in u.roles or u.roles & TOWNSHIP_AND_ABOVE):
        out["requests"] = {r.id for r in db.session.scalars(select(CaseRequest))
                           if r.status == RequestStatus.PENDING and _in_scope(u, r)}
    if region and Role.VILLAGE_STAFF in u.roles and not u.roles & TOWNSHIP_AND_ABOVE:
        out["village_followups"] = {c.id for c in open_cases if _in_scope(u, c) and (
            (c.village_due_on is not None and c.village_due_on <= soon) or _open_items(c))}
    if region and u.roles & TOWNSHIP_AND_ABOVE:
        scoped = [c for c in open_cases if _in_scope(u, c)]
        out["without_ones"] = {c.id for c in scoped if c.specialist_id is None or c.mentor_id is None}
        out["overdue"] = {c.id for c in scoped if any((_due(c, k) or date.max) < today for k in ONES)}
        out["items_past_due"] = {i.id for c in scoped for i in _open_items(c) if i.due_on and i.due_on < today}
        inactive = {x.id for x in db.session.scalars(select(User).where(User.is_active_account.is_(False)))}
        out["reassign"] = {c.id for c in scoped if c.specialist_id in inactive or c.mentor_id in inactive}
    if u.roles & {Role.SPECIALIST, Role.MENTOR}:
        out["my_due"] = {c.id for c in open_cases if any((_due(c, k) or date.max) <= soon for k in _own(u, c))}
        unseen = {(a.case_id, a.role.value) for a in db.session.scalars(
            select(CaseAssignment).where(CaseAssignment.user_id == u.id, CaseAssignment.seen_at.is_(None)))}
        out["new_assignments"] = {c.id for c in open_cases if any((c.id, k) in unseen for k in _own(u, c))}
    if Role.SPECIALIST in u.roles:
        out["my_items_past_due"] = {i.id for c in open_cases if c.specialist_id == u.id
                                    for i in _open_items(c) if i.due_on and i.due_on < today}
    return out


def queue_clocks(key: str, u: User, case: Case) -> tuple[str, ...]:
    """The clocks a queue's rows must show: the one(s) it filters on."""
    return {"my_due": _own(u, case), "village_followups": ("village",), "overdue": ONES}.get(key, _list_clocks(u, case))


# ---------------------------------------------------------------------------------------------
# What the pages claim


BADGE = re.compile(r"^(专员联系|导师辅导|村级走访)(?:逾期 (\d+) 天|今天到期| (\d+) 天后到期)$")


def check_row_dues(u: User, case: Case, shown: dict[str, date], overdue: set[str], clocks: tuple[str, ...],
                   today: date, where: str) -> None:
    """A row shows exactly the set dates of `clocks`, each with its stored date, and an overdue
    badge exactly on those before today."""
    expected = {k: _due(case, k) for k in clocks if _due(case, k) is not None}
    assert shown == expected, (where, case.person.name, shown, expected)
    assert overdue == {k for k, d in expected.items() if d < today}, (where, case.person.name, overdue)


def check_badge_texts(page: Page, today: date, where: str) -> None:
    """Each overdue badge names its clock and counts the days right for the date beside it."""
    assert len(page.overdue) == sum(1 for _, d in page.dues if d < today), where
    overdue_dates = iter(d for _, d in page.dues if d < today)
    for clock_name, text in page.overdue:
        found = BADGE.match(text)
        assert found and found.group(1) == LABELS[clock_name], (where, text)
        assert int(found.group(2)) == (today - next(overdue_dates)).days, (where, text)


# ---------------------------------------------------------------------------------------------
# Tests


@pytest.fixture
def frozen_days(demo):
    start = clock.today()
    return [start + timedelta(days=s) for s in SHIFTS]


def _names(ids: set[int]) -> set[str]:
    return {db.session.get(Case, i).person.name for i in ids}


@pytest.mark.parametrize("username", USERS)
def test_home_queues_are_exact_sets_and_badges_name_their_clock(demo, frozen_days, login_as, username):
    from app.cases import queries
    from app.cases.views import QUEUE_TITLES

    u = user(username)
    for day in frozen_days:
        with clock.frozen(day):
            expected = expected_queues(u, day)
            found = {q.key: q for q in queries.queues_for(u)}
            assert set(found) == set(expected), (username, day)
            for key, ids in expected.items():
                queue = found[key]
                got = ({r.id for r in queue.requests} if key == "requests" else
                       {i.id for i in queue.items} if key.endswith("items_past_due") else {c.id for c in queue.cases})
                assert got == ids and queue.count == len(ids), (username, day, key)

            page = Page(login_as(username).get("/").get_data(as_text=True))
            panels = {p.title: p for p in page.panels}
            for key, ids in expected.items():
                panel = panels[QUEUE_TITLES[key]]
                assert panel.count == str(len(ids)), (username, day, key)
                if key in ("requests",) or key.endswith("items_past_due"):
                    continue
                shown = {case_id_of(i.href) for i in panel.items}
                assert shown == ids if len(ids) <= queries.QUEUE_LIMIT else shown <= ids, (username, day, key)
                for item in panel.items:
                    case = db.session.get(Case, case_id_of(item.href))
                    clocks = queue_clocks(key, u, case)
                    if key == "new_assignments":
                        assert item.badge == "新分派"
                        continue
                    if key in ("without_ones", "reassign") or not any(_due(case, k) for k in clocks):
                        continue
                    # The most urgent of the queue's own clocks, named and counted right.
                    first = min((k for k in clocks if _due(case, k)), key=lambda k: _due(case, k))
                    found_badge = BADGE.match(item.badge)
                    assert found_badge and found_badge.group(1) == LABELS[first], (username, key, item.badge)
                    days = (day - _due(case, first)).days
                    if days > 0:
                        assert int(found_badge.group(2)) == days, (username, key, item.badge)
                    elif days == 0:
                        assert "今天到期" in item.badge
                    else:
                        assert int(found_badge.group(3)) == -days, (username, key, item.badge)
            for key in ("items_past_due", "my_items_past_due"):
                if key in expected:
                    for item in panels[QUEUE_TITLES[key]].items:
                        assert re.fullmatch(r"办理超期 \d+ 天", item.badge), item.badge


def _list_filters() -> list[tuple[str, dict]]:
    out = [("all open", {}), ("overdue", {"overdue": "true"}), ("not overdue", {"overdue": "false"})]
    out += [(f"stage {s.value}", {"stage": s.value}) for s in CaseStage]
    out += [(f"stage {CaseStage.TRAINING.value} overdue", {"stage": "training", "overdue": "true"})]
    return out


def _expected_list(u: User, args: dict, today: date) -> set[int]:
    rows = [c for c in _cases() if _visible(u, c)]
    stage = args.get("stage")
    rows = [c for c in rows if c.stage.value == stage] if stage else [c for c in rows if c.closed_on is None]
    if args.get("overdue") == "true":
        rows = [c for c in rows if c.closed_on is None and _overdue(u, c, today)]
    elif args.get("overdue") == "false":
        rows = [c for c in rows if not (c.closed_on is None and _overdue(u, c, today))]
    return {c.id for c in rows}


@pytest.mark.parametrize("username", USERS)
def test_every_list_filter_and_queue_page_agrees_with_its_dates(demo, frozen_days, login_as, username):
    from app.cases.views import CASE_QUEUES

    u = user(username)
    for day in frozen_days:
        with clock.frozen(day):
            client = login_as(username)
            for name, args in _list_filters():
                response = client.get("/cases/", query_string=args)
                assert response.status_code == 200, (username, name)
                page = Page(response.get_data(as_text=True))
                expected = _expected_list(u, args, day)
                assert {r.case_id for r in page.rows} == expected, (username, day, name, _names(expected))
                for row in page.rows:
                    case = db.session.get(Case, row.case_id)
                    clocks = _list_clocks(u, case) if case.closed_on is None else ()
                    check_row_dues(u, case, row.dues, row.overdue, clocks, day, f"{username} {name}")
                    if args.get("overdue") == "true":
                        assert row.overdue, (username, name, case.person.name)  # in "逾期": shows it
                    if args.get("overdue") == "false":
                        assert not row.overdue, (username, name, case.person.name)  # shown 逾期: in "逾期"
                check_badge_texts(page, day, f"{username} {name}")

            expected_home = expected_queues(u, day)
            for key in CASE_QUEUES:
                response = client.get("/cases/", query_string={"queue": key})
                page = Page(response.get_data(as_text=True))
                expected = expected_home.get(key, set())
                if key in expected_home:
                    assert {r.case_id for r in page.rows} == expected, (username, day, key)
                else:  # a queue that is not the user's: nothing of anyone else's
                    assert {r.case_id for r in page.rows} <= {c.id for c in _cases() if _visible(u, c)}
                for row in page.rows:
                    case = db.session.get(Case, row.case_id)
                    check_row_dues(u, case, row.dues, row.overdue, queue_clocks(key, u, case), day,
                                   f"{username} queue {key}")
                check_badge_texts(page, day, f"{username} queue {key}")


@pytest.mark.parametrize("username", USERS)
def test_case_page_labels_every_clock(demo, frozen_days, login_as, username):
    u = user(username)
    day = frozen_days[1]
    with clock.frozen(day):
        client = login_as(username)
        for case in [c for c in _cases() if _visible(u, c)]:
            page = Page(client.get(f"/cases/{case.id}").get_data(as_text=True))
            expected = {(k, _due(case, k)) for k in ("specialist", "mentor", "village")
                        if case.closed_on is None and _due(case, k) is not None}
            assert set(page.dues) == expected and len(page.dues) == len(expected), (username, case.person.name)
            check_badge_texts(page, day, f"{username} case {case.person.name}")


def test_api_overdue_flag_is_the_viewers_filter(demo, frozen_days, login_as):
    for username in ("demo_specialist", "demo_mentor", "demo_township", "demo_village"):
        u = user(username)
        for day in frozen_days:
            with clock.frozen(day):
                client = login_as(username)
                items = client.get("/api/v1/cases").get_json()["items"]
                for item in items:
                    case = db.session.get(Case, item["id"])
                    assert item["overdue"] == _overdue(u, case, day), (username, case.person.name)
                    assert {d["clock"] for d in item["dues"]} == {k for k in _list_clocks(u, case) if _due(case, k)}
                flagged = {i["id"] for i in client.get("/api/v1/cases?overdue=true").get_json()["items"]}
                assert flagged == {i["id"] for i in items if i["overdue"]}, (username, day)


def test_specialist_sees_own_clock_not_the_mentors(demo, login_as):
    """The case reported in issue 12: the mentor's overdue clock showed as the specialist's
    "下次联系 …（逾期）" on a case not in the specialist's overdue filter."""
    wang = db.session.scalar(select(Case).where(Case.person.has(name="王芳")))
    assert wang.mentor_due_on < clock.today() <= wang.specialist_due_on  # the demo story
    client = login_as("demo_specialist")
    row = next(r for r in Page(client.get("/cases/").get_data(as_text=True)).rows if r.case_id == wang.id)
    assert row.dues == {"specialist": wang.specialist_due_on} and not row.overdue
    assert "逾期" not in row.text
    overdue_page = Page(client.get("/cases/?overdue=true").get_data(as_text=True))
    assert wang.id not in {r.case_id for r in overdue_page.rows}
    # The township sees both clocks, each named, and the mentor's is the overdue one.
    row = next(r for r in Page(login_as("demo_township").get("/cases/").get_data(as_text=True)).rows
               if r.case_id == wang.id)
    assert row.dues == {"specialist": wang.specialist_due_on, "mentor": wang.mentor_due_on}
    assert row.overdue == {"mentor"} and "导师辅导逾期" in row.text


def test_village_and_township_pages_name_different_clocks(demo, login_as):
    """单丽华: 逾期 on the village's planned visit and on the specialist's clock — each page says whose."""
    shan = db.session.scalar(select(Case).where(Case.person.has(name="单丽华")))
    today = clock.today()
    village = Page(login_as("demo_village").get("/").get_data(as_text=True))
    item = next(i for p in village.panels for i in p.items if case_id_of(i.href) == shan.id)
    assert item.badge == f"村级走访逾期 {(today - shan.village_due_on).days} 天"
    township = Page(login_as("demo_township").get("/").get_data(as_text=True))
    item = next(i for p in township.panels if p.title == "逾期未跟进的档案" for i in p.items
                if case_id_of(i.href) == shan.id)
    assert item.badge == f"专员联系逾期 {(today - shan.specialist_due_on).days} 天"
