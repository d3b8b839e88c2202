"""Case lists and work queues, shared by the pages, the home panels and the API.

Every statement starts from `visible_cases_condition(user)` (or a stricter condition); queues
filter on the stored, indexed columns of `cases` (owner ids, due dates, region columns), so a
queue is one indexed query with a LIMIT and one COUNT, never a loop over cases.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import Enum
from typing import Any

from sqlalchemy import and_, exists, false, func, or_, select, union
from sqlalchemy.orm import joinedload

from app.auth.models import User
from app.cases.models import (
    OPEN_ITEM_STATUSES,
    AssignmentRole,
    Case,
    CaseAssignment,
    CaseRequest,
    CaseStage,
    RequestStatus,
    ServiceItem,
)
from app.core import clock
from app.core.access import cases as access
from app.core.access.roles import REGION_ROLES, TOWNSHIP_AND_ABOVE, Role
from app.core.access.scope import region_scope, scope_region
from app.core.pagination import Page, Sort, keyset_page
from app.core.validators import UNSAFE_TEXT_MESSAGE, has_unsafe_chars
from app.extensions import db
from app.persons.models import Person
from app.regions.models import Region

# "Due" on the home page: contacts due within this many days, or overdue.
DUE_SOON_DAYS = 7
QUEUE_LIMIT = 10
LIST_LIMIT = 200
PAGE_SIZE = 50


def today() -> date:
    return clock.today()


def is_open():
    return Case.closed_on.is_(None)


# ---------------------------------------------------------------------------------------------
# Whose clock: every due date and overdue badge names the clock it belongs to.


class Clock(str, Enum):
    """The follow-up clocks stored on `cases` (docs/cases.md "Follow-up cadence")."""

    SPECIALIST = "specialist"  # the service specialist's contacts
    MENTOR = "mentor"  # the mentor's coaching notes
    VILLAGE = "village"  # the visit the village / township staff planned

    @property
    def label(self) -> str:
        return CLOCK_LABELS[self]

    @property
    def attr(self) -> str:
        return f"{self.value}_due_on"

    @property
    def column(self) -> Any:
        return getattr(Case, self.attr)


CLOCK_LABELS = {Clock.SPECIALIST: "专员联系", Clock.MENTOR: "导师辅导", Clock.VILLAGE: "村级走访"}
# The "1+1" clocks: `cases.next_due_on` is the earlier of the two; region roles' overdue filter.
ONES_CLOCKS = (Clock.SPECIALIST, Clock.MENTOR)


@dataclass(frozen=True)
class Due:
    """One clock's due date on one case, as shown on a page."""

    clock: Clock
    on: date
    today: date

    @property
    def label(self) -> str:
        return self.clock.label

    @property
    def is_overdue(self) -> bool:
        return self.on < self.today

    @property
    def badge(self) -> str:
        """"专员联系逾期 3 天", "导师辅导今天到期", "村级走访 5 天后到期"."""
        if self.on < self.today:
            return f"{self.label}逾期 {(self.today - self.on).days} 天"
        if self.on == self.today:
            return f"{self.label}今天到期"
        return f"{self.label} {(self.on - self.today).days} 天后到期"

    @property
    def tone(self) -> str:
        return "danger" if self.on < self.today else ("warning" if self.on == self.today else "info")


def own_clocks(user: Any, case: Case) -> tuple[Clock, ...]:
    """The clocks the user runs on this case as its assigned specialist and/or mentor."""
    out = []
    if access.is_assigned_specialist(user, case):
        out.append(Clock.SPECIALIST)
    if access.is_assigned_mentor(user, case):
        out.append(Clock.MENTOR)
    return tuple(out)


def list_clocks(user: Any, case: Case) -> tuple[Clock, ...]:
    """The clocks of a case that the case list shows to `user` and its overdue filter reads:
    both "1"s' clocks for region roles in scope (`next_due_on`), otherwise the user's own."""
    if access.sees_region_fields(user, case):
        return ONES_CLOCKS
    return own_clocks(user, case)


def dues(case: Case, clocks: tuple[Clock, ...], day: date | None = None) -> list[Due]:
    """The set due dates of `clocks` on `case`, in the order given."""
    day = day or today()
    return [Due(c, getattr(case, c.attr), day) for c in clocks if getattr(case, c.attr) is not None]


def is_overdue(user: Any, case: Case, day: date | None = None) -> bool:
    """Python twin of `overdue_condition(user)` for one loaded case (pages and the API)."""
    return case.is_open and any(d.is_overdue for d in dues(case, list_clocks(user, case), day))


def _set_and(column: Any, condition: Any) -> Any:
    # `IS NOT NULL AND …` keeps the condition two-valued, so that its negation (the list's
    # "not overdue") also holds the cases whose clock is not running.
    return and_(column.is_not(None), condition)


def own_due_condition(user: Any, until: date) -> Any:
    """The user's own clocks that fall due by `until` (specialist and mentor roles)."""
    conditions = []
    if Role.SPECIALIST in user.roles:
        conditions.append(and_(Case.specialist_id == user.id,
                               _set_and(Case.specialist_due_on, Case.specialist_due_on <= until)))
    if Role.MENTOR in user.roles:
        conditions.append(and_(Case.mentor_id == user.id, _set_and(Case.mentor_due_on, Case.mentor_due_on <= until)))
    return or_(*conditions) if conditions else false()


def overdue_condition(user: Any) -> Any:
    """Overdue for this viewer: an assignee's own clock, or either "1"'s clock for region roles
    (`next_due_on`, the earlier of the two). `is_overdue` is its twin for one loaded case."""
    day = today()
    conditions = [own_due_condition(user, day - timedelta(days=1))]
    if user.roles & REGION_ROLES:
        conditions.append(and_(region_scope(user, Case), _set_and(Case.next_due_on, Case.next_due_on < day)))
    return or_(*conditions)


@dataclass
class CaseFilters:
    stage: CaseStage | None = None
    overdue: bool | None = None
    mine: bool = False
    q: str | None = None  # the person's name: Chinese characters or pinyin (persons.queries)
    errors: dict[str, list[str]] = field(default_factory=dict)


Q_LIMIT = 64


def parse_filters(args: Any) -> CaseFilters:
    from app.cases.labels import FIELD_LABELS

    out = CaseFilters()
    stage = (args.get("stage") or "").strip() if isinstance(args.get("stage"), str) else args.get("stage")
    if stage:
        try:
            out.stage = CaseStage(stage)
        except ValueError:
            out.errors["stage"] = [f"{FIELD_LABELS['stage']}的取值应为 {CaseStage.describe()} 之一。"]
    overdue = args.get("overdue")
    if isinstance(overdue, bool):
        out.overdue = overdue
    elif overdue not in (None, ""):
        if str(overdue).lower() in ("1", "true", "yes"):
            out.overdue = True
        elif str(overdue).lower() in ("0", "false", "no"):
            out.overdue = False
        else:
            out.errors["overdue"] = ["逾期筛选应为 true 或 false。"]
    q = args.get("q")
    q = "" if q is None else str(q).strip()
    if len(q) > Q_LIMIT:
        out.errors["q"] = [f"姓名查询不能超过 {Q_LIMIT} 个字。"]
    elif has_unsafe_chars(q):
        out.errors["q"] = [UNSAFE_TEXT_MESSAGE]
    else:
        out.q = q or None
    return out


LIST_SORT = Sort("due", Case.next_due_on, nullable=True, label="专员或导师下次联系日期")
OWN_SORTS = {
    frozenset({Role.SPECIALIST}): Sort("due", Case.specialist_due_on, nullable=True, label="专员下次联系日期"),
    frozenset({Role.MENTOR}): Sort("due", Case.mentor_due_on, nullable=True, label="导师下次辅导日期"),
}


def list_sort(user: Any) -> Sort:
    """Soonest due first, on the clock the viewer's list shows: a specialist's or a mentor's own
    clock for a pure assignee, otherwise the earlier of the two "1"s' clocks."""
    if scope_region(user) is None:
        own = OWN_SORTS.get(frozenset(user.roles & {Role.SPECIALIST, Role.MENTOR}))
        if own is not None:
            return own
    return LIST_SORT


def overdue_label(user: Any) -> str:
    """Whose clocks the list's overdue filter reads, in words (beside the checkbox)."""
    if scope_region(user) is not None:
        return "专员或导师联系"
    return "或".join(c.label for c, role in ((Clock.SPECIALIST, Role.SPECIALIST), (Clock.MENTOR, Role.MENTOR))
                    if role in user.roles) or "无"


def _name_condition(q: str | None) -> Any:
    from app.persons.models import Person
    from app.persons.queries import name_condition

    condition = name_condition(q)
    return None if condition is None else Case.person_id.in_(select(Person.id).where(condition))


def _names_only(relationship: Any) -> Any:
    """A case's specialist or mentor for a list row: the name only, in the rows' statement (a
    whole User loads its roles and mentor profile in two more statements per person)."""
    return joinedload(relationship).load_only(User.full_name).lazyload("*")


# What a list row shows — the person's township and village, the specialist's and the mentor's
# names — loaded with the rows: the statement count does not grow with the page.
LIST_LOAD = (
    joinedload(Case.person).joinedload(Person.village).joinedload(Region.township).load_only(Region.name),
    _names_only(Case.specialist), _names_only(Case.mentor),
)


def list_cases(user: Any, filters: CaseFilters, cursor: str | None = None, limit: int = PAGE_SIZE) -> Page[Case]:
    """One page of the cases `user` may see, soonest due first on the viewer's clock (`list_sort`),
    optionally only those whose person's name matches `filters.q` (the person library's search)."""
    stmt = select(Case).where(access.visible_cases_condition(user)).options(*LIST_LOAD)
    named = _name_condition(filters.q)
    if named is not None:
        stmt = stmt.where(named)
    if filters.stage is not None:
        stmt = stmt.where(Case.stage == filters.stage)
    else:
        stmt = stmt.where(is_open())
    if filters.overdue is True:
        stmt = stmt.where(overdue_condition(user))
    elif filters.overdue is False:
        stmt = stmt.where(~overdue_condition(user))
    return keyset_page(stmt, list_sort(user), Case.id, cursor, limit)


# ---------------------------------------------------------------------------------------------
# Work queues


@dataclass
class Queue:
    key: str
    count: int
    cases: list[Case] = field(default_factory=list)
    requests: list[CaseRequest] = field(default_factory=list)
    items: list[ServiceItem] = field(default_factory=list)


def _case_queue(key: str, condition: Any, order: Any, limit: int) -> Queue:
    count = db.session.scalar(select(func.count()).select_from(Case).where(condition)) or 0
    cases = list(db.session.scalars(select(Case).where(condition).order_by(*order, Case.id).limit(limit)))
    return Queue(key, count, cases=cases)


def pending_requests(user: Any, limit: int = QUEUE_LIMIT) -> Queue:
    condition = and_(CaseRequest.status == RequestStatus.PENDING, region_scope(user, CaseRequest))
    count = db.session.scalar(select(func.count()).select_from(CaseRequest).where(condition)) or 0
    rows = list(db.session.scalars(select(CaseRequest).where(condition).order_by(CaseRequest.id).limit(limit)))
    return Queue("requests", count, requests=rows)


def _open_item_exists():
    return exists().where(ServiceItem.case_id == Case.id, ServiceItem.status.in_(OPEN_ITEM_STATUSES))


def village_followups(user: Any, limit: int = QUEUE_LIMIT) -> Queue:
    """Cases in the village with a planned visit due (within DUE_SOON_DAYS) or an open service item."""
    until = today() + timedelta(days=DUE_SOON_DAYS)
    condition = and_(region_scope(user, Case), is_open(), or_(Case.village_due_on <= until, _open_item_exists()))
    return _case_queue("village_followups", condition, (Case.village_due_on.is_(None), Case.village_due_on), limit)


def my_due(user: Any, limit: int = QUEUE_LIMIT) -> Queue:
    """The assignee's cases whose own contact is due within DUE_SOON_DAYS or overdue."""
    until = today() + timedelta(days=DUE_SOON_DAYS)
    condition = and_(is_open(), own_due_condition(user, until))
    return _case_queue("my_due", condition, (Case.next_due_on,), limit)


def new_assignments(user: Any, limit: int = QUEUE_LIMIT) -> Queue:
    """新分派给我: the open cases assigned to the user (as specialist or mentor) whose current
    assignment they have not yet opened: an assignment row to them on that case with `seen_at`
    still empty. Opening the case page sets it (`operations.mark_assignment_seen`); a new
    assignment (also a re-assignment back to them) is a new row, so it is new again."""
    roles = []
    if Role.SPECIALIST in user.roles:
        roles.append(and_(CaseAssignment.role == AssignmentRole.SPECIALIST, Case.specialist_id == user.id))
    if Role.MENTOR in user.roles:
        roles.append(and_(CaseAssignment.role == AssignmentRole.MENTOR, Case.mentor_id == user.id))
    if not roles:
        return Queue("new_assignments", 0)
    unseen = exists().where(CaseAssignment.case_id == Case.id, CaseAssignment.user_id == user.id,
                            CaseAssignment.seen_at.is_(None), or_(*roles))
    mine = or_(Case.specialist_id == user.id, Case.mentor_id == user.id)
    return _case_queue("new_assignments", and_(mine, is_open(), unseen), (Case.opened_on.desc(),), limit)


def assigned_on(user: Any, case: Case) -> date | None:
    """When the user's current assignment on the case began (the later one if they hold both)."""
    days = [getattr(case, f"{c.value}_assigned_on") for c in own_clocks(user, case)]
    return max((d for d in days if d is not None), default=None)


def without_both_ones(user: Any, limit: int = QUEUE_LIMIT) -> Queue:
    # Exactly the predicate of the partial indexes ix_cases_unstaffed_* (models.UNSTAFFED), so
    # that the planners use them.
    condition = and_(region_scope(user, Case), Case.closed_on.is_(None),
                     or_(Case.specialist_id.is_(None), Case.mentor_id.is_(None)))
    return _case_queue("without_ones", condition, (Case.opened_on,), limit)


def overdue_cases(user: Any, limit: int = QUEUE_LIMIT) -> Queue:
    condition = and_(region_scope(user, Case), is_open(), Case.next_due_on < today())
    return _case_queue("overdue", condition, (Case.next_due_on,), limit)


def reassignment_queue(user: Any, limit: int = QUEUE_LIMIT) -> Queue:
    """Open cases whose specialist or mentor account is deactivated (auth marks deactivated users
    inactive; their cases need a new assignee). Inactive accounts are few: the cases are found
    through the owner indexes."""
    inactive = select(User.id).where(User.is_active_account.is_(False))
    assigned_to_inactive = union(select(Case.id).where(Case.specialist_id.in_(inactive), is_open()),
                                 select(Case.id).where(Case.mentor_id.in_(inactive), is_open()))
    condition = and_(region_scope(user, Case), is_open(), Case.id.in_(assigned_to_inactive))
    return _case_queue("reassign", condition, (Case.opened_on,), limit)


def items_past_due(user: Any, limit: int = QUEUE_LIMIT) -> Queue:
    condition = and_(ServiceItem.status.in_(OPEN_ITEM_STATUSES), ServiceItem.due_on < today(),
                     ServiceItem.case_id.in_(select(Case.id).where(region_scope(user, Case), is_open())))
    count = db.session.scalar(select(func.count()).select_from(ServiceItem).where(condition)) or 0
    rows = list(db.session.scalars(select(ServiceItem).where(condition)
                                   .order_by(ServiceItem.due_on, ServiceItem.id).limit(limit)))
    return Queue("items_past_due", count, items=rows)


def my_items_past_due(user: Any, limit: int = QUEUE_LIMIT) -> Queue:
    """Open service items past their due date on the open cases the user is the specialist of."""
    condition = and_(ServiceItem.status.in_(OPEN_ITEM_STATUSES), ServiceItem.due_on < today(),
                     ServiceItem.case_id.in_(select(Case.id).where(Case.specialist_id == user.id, is_open())))
    count = db.session.scalar(select(func.count()).select_from(ServiceItem).where(condition)) or 0
    rows = list(db.session.scalars(select(ServiceItem).where(condition)
                                   .order_by(ServiceItem.due_on, ServiceItem.id).limit(limit)))
    return Queue("my_items_past_due", count, items=rows)


def queue_clocks(key: str, user: Any, case: Case) -> tuple[Clock, ...]:
    """The clocks a queue's rows show: the clock(s) the queue filters on, or, for queues not
    chosen by a date, the clocks of the case list (`list_clocks`)."""
    if key == "my_due":
        return own_clocks(user, case)
    if key == "village_followups":
        return (Clock.VILLAGE,)
    if key == "overdue":
        return ONES_CLOCKS
    return list_clocks(user, case)


def queues_for(user: Any) -> list[Queue]:
    """The work queues of the home page for this user, by role (issue 5 §6)."""
    out: list[Queue] = []
    if user is None or not getattr(user, "is_authenticated", False):
        return out
    roles = user.roles
    has_region = scope_region(user) is not None
    if has_region and Role.VILLAGE_STAFF in roles and not roles & TOWNSHIP_AND_ABOVE:
        out += [pending_requests(user), village_followups(user)]
    if has_region and roles & TOWNSHIP_AND_ABOVE:
        out += [pending_requests(user), without_both_ones(user), overdue_cases(user), items_past_due(user),
                reassignment_queue(user)]
    if roles & {Role.SPECIALIST, Role.MENTOR}:
        out += [new_assignments(user), my_due(user)]
    if Role.SPECIALIST in roles:
        out.append(my_items_past_due(user))
    return out
