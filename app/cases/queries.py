"""Case lists and work queues, shared by the pages, the home panels and the API.

Every statement starts from `visible_cases_condition(user)` (or a stricter condition); queues
filter on the stored, indexed columns of `cases` (owner ids, due dates, region columns), so a
queue is one indexed query with a LIMIT and one COUNT, never a loop over cases.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, exists, false, func, or_, select, union
from sqlalchemy.orm import joinedload

from app.auth.models import User
from app.cases.models import OPEN_ITEM_STATUSES, Case, CaseRequest, CaseStage, RequestStatus, ServiceItem
from app.core import clock
from app.core.access import cases as access
from app.core.access.roles import REGION_ROLES, TOWNSHIP_AND_ABOVE, Role
from app.core.access.scope import region_scope, scope_region
from app.core.pagination import Page, Sort, keyset_page
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


def own_due_condition(user: Any, until: date) -> Any:
    """The user's own clocks that fall due by `until` (specialist and mentor roles)."""
    conditions = []
    if Role.SPECIALIST in user.roles:
        conditions.append(and_(Case.specialist_id == user.id, Case.specialist_due_on <= until))
    if Role.MENTOR in user.roles:
        conditions.append(and_(Case.mentor_id == user.id, Case.mentor_due_on <= until))
    return or_(*conditions) if conditions else false()


def overdue_condition(user: Any) -> Any:
    """Overdue for this viewer: an assignee's own clock, or either "1"'s clock for region roles."""
    day = today()
    conditions = [own_due_condition(user, day - timedelta(days=1))]
    if user.roles & REGION_ROLES:
        conditions.append(and_(region_scope(user, Case), Case.next_due_on < day))
    return or_(*conditions)


@dataclass
class CaseFilters:
    stage: CaseStage | None = None
    overdue: bool | None = None
    mine: bool = False
    errors: dict[str, list[str]] = field(default_factory=dict)


def parse_filters(args: Any) -> CaseFilters:
    from app.cases.labels import FIELD_LABELS

    out = CaseFilters()
    stage = (args.get("stage") or "").strip() if isinstance(args.get("stage"), str) else args.get("stage")
    if stage:
        try:
            out.stage = CaseStage(stage)
        except ValueError:
            out.errors["stage"] = [f"{FIELD_LABELS['stage']}的取值应为 {'、'.join(s.value for s in CaseStage)} 之一。"]
    overdue = args.get("overdue")
    if isinstance(overdue, bool):
        out.overdue = overdue
    elif overdue not in (None, ""):
        if str(overdue).lower() in ("1", "true", "yes"):
            out.overdue = True
        elif str(overdue).lower() in ("0", "false", "no"):
            out.overdue = False
        else:
            out.errors["overdue"] = ["overdue 应为 true 或 false。"]
    return out


LIST_SORT = Sort("due", Case.next_due_on, nullable=True, label="下次联系日期")


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
    """One page of the cases `user` may see, soonest next contact first (keyset on next_due_on, id)."""
    stmt = select(Case).where(access.visible_cases_condition(user)).options(*LIST_LOAD)
    if filters.stage is not None:
        stmt = stmt.where(Case.stage == filters.stage)
    else:
        stmt = stmt.where(is_open())
    if filters.overdue is True:
        stmt = stmt.where(overdue_condition(user))
    elif filters.overdue is False:
        stmt = stmt.where(~overdue_condition(user))
    return keyset_page(stmt, LIST_SORT, Case.id, cursor, limit)


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
        out.append(my_due(user))
    return out
