"""Case operations: open and request case files, assign the two "1"s, change the stage, write
visit logs and mentor notes, manage service items and the catalogue, keep each role's clock.

Operations take the acting user explicitly, validate with Chinese messages naming each field
(`FieldErrors`), write their audit rows and `flush()`; the caller commits once. Access is checked
here for the user-facing actions; `change_stage` and `ensure_service_item` are also called by
other domains (subsidies, businesses) and check only the business rules — their callers decide
who may trigger them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from typing import Any, TypeVar

from flask import current_app, has_app_context
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from app.auth.models import MentorLevel, MentorProfile, User, UserRole
from app.cases import workflow
from app.cases.labels import DEFAULT_SERVICE_TYPES, FIELD_LABELS
from app.cases.models import (
    OPEN_ITEM_STATUSES,
    AssignmentRole,
    Case,
    CaseAssignment,
    CaseLog,
    CaseRequest,
    CaseStage,
    CaseStageChange,
    ItemStatus,
    LogKind,
    NoteTopic,
    RequestStatus,
    ServiceItem,
    ServiceItemChange,
    ServiceType,
    VisitMethod,
)
from app.core import audit, clock
from app.core.access import cases as access
from app.core.access.roles import Role
from app.core.errors import Conflict, FieldErrorCollector, FieldErrors, Forbidden, check_version
from app.core.fields import parse_date, parse_enum
from app.core.validators import has_unsafe_chars, is_blank
from app.extensions import db
from app.persons.models import Person
from app.regions.models import Region, in_subtree

DEFAULT_CADENCE_DAYS = {"specialist": 30, "mentor": 60, "follow_up": 30}
DEFAULT_FOLLOW_UP_YEAR_DAYS = 365
REVISION_WINDOW = timedelta(hours=24)
TEXT_LIMIT = 2000
E = TypeVar("E", bound=Enum)
REASON_LIMIT = 500
MAX_NEEDS = 20


# ---------------------------------------------------------------------------------------------
# Validation helpers




def _text(values: dict, name: str, errors: FieldErrorCollector, *, required: bool = False, limit: int = TEXT_LIMIT) -> str | None:
    value = values.get(name)
    if is_blank(value):
        if required:
            errors.add(name, f"请填写{FIELD_LABELS[name]}。")
        return None
    if not isinstance(value, str):
        errors.add(name, f"{FIELD_LABELS[name]}应为文字。")
        return None
    value = value.strip()
    if has_unsafe_chars(value):
        errors.add(name, f"{FIELD_LABELS[name]}含有不允许的控制字符。")
        return None
    if len(value) > limit:
        errors.add(name, f"{FIELD_LABELS[name]}不能超过 {limit} 个字。")
        return None
    return value


def _enum(enum_cls, values: dict, name: str, errors: FieldErrorCollector, *, required: bool = False):
    return parse_enum(enum_cls, values.get(name), name, FIELD_LABELS[name], errors, required=required)


def _date(values: dict, name: str, errors: FieldErrorCollector, *, required: bool = False) -> date | None:
    return parse_date(values.get(name), name, FIELD_LABELS[name], errors, required=required)


def _needs(values: dict, errors: FieldErrorCollector, name: str = "needs") -> list[str]:
    value = values.get(name)
    if is_blank(value):
        return []
    if isinstance(value, str):
        value = [v for v in value.replace("，", ",").split(",") if v.strip()]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        errors.add(name, f"{FIELD_LABELS[name]}应为服务类型代码的列表。")
        return []
    codes = list(dict.fromkeys(v.strip() for v in value))
    if len(codes) > MAX_NEEDS:
        errors.add(name, f"{FIELD_LABELS[name]}最多 {MAX_NEEDS} 项。")
        return []
    active = active_type_codes()
    unknown = [c for c in codes if c not in active]
    if unknown:
        errors.add(name, f"{FIELD_LABELS[name]}中有未知的服务类型：{'、'.join(unknown[:5])[:100]}。")
        return []
    return codes


# ---------------------------------------------------------------------------------------------
# Service catalogue


def seed_service_types() -> int:
    """Add the default catalogue entries that are missing (idempotent); returns how many."""
    existing = set(db.session.scalars(select(ServiceType.code)))
    added = 0
    for order, (code, label, unit) in enumerate(DEFAULT_SERVICE_TYPES, start=1):
        if code not in existing:
            db.session.add(ServiceType(code=code, label=label, default_unit=unit, sort_order=order * 10))
            added += 1
    if added:
        db.session.flush()
    return added


def service_types(*, active_only: bool = True) -> list[ServiceType]:
    seed_service_types()
    stmt = select(ServiceType).order_by(ServiceType.sort_order, ServiceType.code)
    if active_only:
        stmt = stmt.where(ServiceType.is_active.is_(True))
    return list(db.session.scalars(stmt))


def active_type_codes() -> set[str]:
    return {t.code for t in service_types()}


def _service_type(code: str) -> ServiceType | None:
    found = db.session.get(ServiceType, code)
    if found is None and any(code == c for c, _, _ in DEFAULT_SERVICE_TYPES):
        seed_service_types()
        found = db.session.get(ServiceType, code)
    return found


def create_service_type(actor, values: dict) -> ServiceType:
    """City admins extend the catalogue (codes are permanent; retire with `is_active`)."""
    if not access.can_manage_catalogue(actor):
        raise Forbidden("只有市级管理员可以维护服务目录。")
    errors = FieldErrorCollector()
    code = _text(values, "code", errors, required=True, limit=32)
    label = _text(values, "label", errors, required=True, limit=32)
    unit = _text(values, "responsible_unit", errors, limit=64)
    if code and not all(ch.isascii() and (ch.isalnum() or ch == "_") for ch in code):
        errors.add("code", "代码只能包含英文字母、数字和下划线。")
    errors.raise_if_any()
    code = code.lower()
    seed_service_types()
    if db.session.get(ServiceType, code) is not None:
        raise FieldErrors.single("code", "该代码已存在。")
    order = (db.session.scalar(select(func.max(ServiceType.sort_order))) or 0) + 10
    item = ServiceType(code=code, label=label, default_unit=unit, sort_order=order, is_active=True)
    db.session.add(item)
    db.session.flush()
    audit.record("service_type_create", item, actor=actor, object_id=code, changes=audit.diff({}, audit.snapshot(item)))
    return item


def update_service_type(actor, item: ServiceType, values: dict) -> ServiceType:
    if not access.can_manage_catalogue(actor):
        raise Forbidden("只有市级管理员可以维护服务目录。")
    errors = FieldErrorCollector()
    label = _text(values, "label", errors, required=True, limit=32)
    unit = _text(values, "responsible_unit", errors, limit=64)
    errors.raise_if_any()
    before = audit.snapshot(item)
    item.label, item.default_unit = label, unit
    if "is_active" in values:
        item.is_active = bool(values["is_active"])
    db.session.flush()
    changes = audit.diff(before, audit.snapshot(item))
    if changes:
        audit.record("service_type_update", item, actor=actor, object_id=item.code, changes=changes)
    return item


# ---------------------------------------------------------------------------------------------
# Follow-up cadence: each role's own clock


def cadence() -> dict[str, int]:
    configured = current_app.config.get("CASE_CADENCE_DAYS", {}) if has_app_context() else {}
    return {**DEFAULT_CADENCE_DAYS, **configured}


def follow_up_year_days() -> int:
    if has_app_context():
        return int(current_app.config.get("CASE_FOLLOW_UP_DAYS", DEFAULT_FOLLOW_UP_YEAR_DAYS))
    return DEFAULT_FOLLOW_UP_YEAR_DAYS


def interval_days(stage: CaseStage, role: str) -> int | None:
    """Days between contacts a role owes in a stage (None: no clock runs)."""
    if stage == CaseStage.CLOSED:
        return None
    if stage == CaseStage.FOUNDED:
        return cadence()["follow_up"]
    return cadence()[role]


def _role_due(case: Case, role: str) -> date | None:
    if getattr(case, f"{role}_id") is None:
        return None
    days = interval_days(case.stage, role)
    base = getattr(case, f"{role}_last_contact_on") or getattr(case, f"{role}_assigned_on")
    if days is None or base is None:
        return None
    due = base + timedelta(days=days)
    planned = getattr(case, f"{role}_planned_on")
    return min(due, planned) if planned is not None else due


def recompute_due(case: Case) -> None:
    """Store each role's next-due date: from that role's last contact (or its assignment),
    plus the interval of the current stage, or earlier if the role planned an earlier contact.
    A stage change only changes the interval; other roles' contacts never move a clock."""
    case.specialist_due_on = _role_due(case, "specialist")
    case.mentor_due_on = _role_due(case, "mentor")
    dues = [d for d in (case.specialist_due_on, case.mentor_due_on) if d is not None]
    case.next_due_on = min(dues) if dues else None
    if case.stage == CaseStage.CLOSED:
        case.village_due_on = None


# ---------------------------------------------------------------------------------------------
# Opening cases and requests


def open_case_of(person_id: int) -> Case | None:
    """The person's open case, if any."""
    return db.session.scalar(select(Case).where(Case.person_id == person_id, Case.closed_on.is_(None)))


def _insert_case(actor, person: Person) -> Case:
    case = Case(person_id=person.id, stage=CaseStage.PENDING_ASSIGNMENT, opened_on=clock.today(),
                opened_by_id=getattr(actor, "id", None))
    case.set_village(person.village)
    try:
        with db.session.begin_nested():
            db.session.add(case)
            db.session.flush()
    except IntegrityError:
        raise Conflict("该人员已有在办的档案。") from None
    return case


def open_case(actor, person: Person, *, reason: str | None = None, request: CaseRequest | None = None) -> Case:
    """Open a case file for a person in scope (township staff and above). At most one open case
    per person: the partial unique index decides when two requests race."""
    if not access.can_open_case(actor, person):
        raise Forbidden("只有乡镇服务站及以上可以为本辖区人员建档。")
    if person.is_archived:
        raise Conflict("该人员记录已归档，不能建档。")
    if open_case_of(person.id) is not None:
        raise Conflict("该人员已有在办的档案。")
    case = _insert_case(actor, person)
    db.session.add(CaseStageChange(case_id=case.id, from_stage=None, to_stage=case.stage,
                                   reason=reason or ("依村级申请建档" if request else "建档"),
                                   at=clock.now(), actor_id=actor.id))
    audit.record("case_open", case, actor=actor, changes=audit.diff({}, audit.snapshot(case)),
                 detail=f"人员 #{person.id}")
    db.session.flush()
    return case


def request_case(actor, person: Person, values: dict) -> CaseRequest:
    """A village clerk (or any region role in scope) asks the township to open a case."""
    if not access.can_request_case(actor, person):
        raise Forbidden("您无权为该人员申请建档。")
    errors = FieldErrorCollector()
    reason = _text(values, "reason", errors, required=True, limit=REASON_LIMIT)
    needs = _needs(values, errors)
    errors.raise_if_any()
    if person.is_archived:
        raise Conflict("该人员记录已归档，不能申请建档。")
    if open_case_of(person.id) is not None:
        raise Conflict("该人员已有在办的档案。")
    pending = db.session.scalar(select(CaseRequest.id).where(
        CaseRequest.person_id == person.id, CaseRequest.status == RequestStatus.PENDING))
    if pending is not None:
        raise Conflict("该人员已有待决定的建档申请。")
    req = CaseRequest(person_id=person.id, reason=reason, needs=needs, requested_by_id=actor.id,
                      status=RequestStatus.PENDING)
    req.set_village(person.village)
    try:
        with db.session.begin_nested():
            db.session.add(req)
            db.session.flush()
    except IntegrityError:
        raise Conflict("该人员已有待决定的建档申请。") from None
    audit.record("case_request", req, actor=actor, changes=audit.diff({}, audit.snapshot(req)))
    return req


def _claim_request(req: CaseRequest, status: RequestStatus, actor, reason: str | None) -> None:
    """Conditional update: only one decision wins, even when two officers click at once."""
    result = db.session.execute(
        update(CaseRequest).where(CaseRequest.id == req.id, CaseRequest.status == RequestStatus.PENDING,
                                  CaseRequest.version == req.version)
        .values(status=status, decided_by_id=actor.id, decided_at=clock.now(), decision_reason=reason,
                version=CaseRequest.version + 1)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict("该申请已被处理。")
    db.session.refresh(req)


def decide_request(actor, req: CaseRequest, *, accept: bool, reason: str | None = None,
                   expected_version: int | None) -> Case | None:
    """Open the requested case (its needs become service items) or decline it with a reason.
    `expected_version` is the request's version the officer saw (missing 422, stale 409)."""
    if not access.can_decide_request(actor, req):
        raise Forbidden("只有乡镇服务站及以上可以决定建档申请。")
    check_version(req, expected_version)
    if req.status != RequestStatus.PENDING:
        raise Conflict("该申请已被处理。")
    errors = FieldErrorCollector()
    reason = _text({"reason": reason}, "reason", errors, required=not accept, limit=REASON_LIMIT)
    errors.raise_if_any()
    if not accept:
        _claim_request(req, RequestStatus.DECLINED, actor, reason)
        audit.record("case_request_decline", req, actor=actor, detail=reason)
        db.session.flush()
        return None
    _claim_request(req, RequestStatus.OPENED, actor, reason)
    case = open_case(actor, req.person, reason=reason, request=req)
    req.case_id = case.id
    for code in req.needs or []:
        if _service_type(code) is not None:
            ensure_service_item(case, service_type=code, source_key=f"need:{code}",
                                title=_service_type(code).label, actor=actor)
    db.session.flush()
    return case


# ---------------------------------------------------------------------------------------------
# Stages


def _required_enum(enum_cls: type[E], name: str, value: Any) -> E:
    """One required enum field on its own (422 naming it when blank or unknown)."""
    errors = FieldErrorCollector()
    member = _enum(enum_cls, {name: value}, name, errors, required=True)
    errors.raise_if_any()
    return member


def change_stage(case: Case, to_stage: str, actor, reason: str, *, expected_version: int | None) -> Case:
    """Move the case along the transition table (`workflow.TRANSITIONS`), recording who, when
    and why. A refused transition raises `Conflict` (409). Entering `founded` starts the follow-up
    year; entering `closed` closes the case. The clocks keep their base: only the interval changes.
    `expected_version` is the case version the actor saw (missing 422, stale 409)."""
    check_version(case, expected_version)
    stage = _required_enum(CaseStage, "stage", to_stage)
    errors = FieldErrorCollector()
    reason = _text({"reason": reason}, "reason", errors, required=True, limit=REASON_LIMIT)
    errors.raise_if_any()
    current = case.stage
    if not workflow.allowed(current, stage):
        raise Conflict(f"不能从「{current.label}」变更为「{stage.label}」。")
    if current == CaseStage.PENDING_ASSIGNMENT and stage in workflow.NEEDS_BOTH_ONES and \
            (case.specialist_id is None or case.mentor_id is None):
        raise Conflict("请先分配服务专员和创业导师，再开始服务。")
    before = audit.snapshot(case)
    case.stage = stage
    today = clock.today()
    if stage == CaseStage.FOUNDED:
        case.follow_up_until = today + timedelta(days=follow_up_year_days())
    if stage == CaseStage.CLOSED:
        case.closed_on = today
    recompute_due(case)
    db.session.add(CaseStageChange(case_id=case.id, from_stage=current, to_stage=stage, reason=reason,
                                   at=clock.now(), actor_id=getattr(actor, "id", None)))
    db.session.flush()
    audit.record("case_stage", case, actor=actor, changes=audit.diff(before, audit.snapshot(case)), detail=reason)
    return case


def business_registered(person_id: int, actor, reason: str = "经营主体已登记", *,
                        expected_version: int | None) -> Case | None:
    """Hook for the businesses domain: when a business of the person is registered, an open case
    in a stage that allows it moves to `founded` (at `expected_version`, the case version the
    actor saw). Returns the case moved, or None."""
    case = open_case_of(person_id)
    if case is None or not workflow.allowed(case.stage, CaseStage.FOUNDED):
        return None
    return change_stage(case, CaseStage.FOUNDED.value, actor, reason, expected_version=expected_version)


# ---------------------------------------------------------------------------------------------
# The two "1"s


@dataclass
class Candidate:
    user: User
    load: int
    capacity: int | None = None
    match: int = 0
    level: str | None = None
    category: str | None = None
    expertise: tuple[str, ...] = ()

    @property
    def load_ratio(self) -> float:
        return self.load / self.capacity if self.capacity else float(self.load)


def _county_of(case: Case) -> Region | None:
    return db.session.get(Region, case.county_id) if case.county_id else None


def _loads(column) -> dict[int, int]:
    rows = db.session.execute(select(column, func.count()).where(Case.closed_on.is_(None), column.is_not(None))
                              .group_by(column))
    return {user_id: count for user_id, count in rows}


def _users_with_role(role: Role):
    return (select(User).join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == role, User.is_active_account.is_(True)))


def specialist_candidates(case: Case) -> list[Candidate]:
    """Active specialists whose home region lies in the case's county, least loaded first."""
    county = _county_of(case)
    if county is None:
        return []
    users = db.session.scalars(_users_with_role(Role.SPECIALIST).join(Region, Region.id == User.region_id)
                               .where(in_subtree(Region.path, county.path)))
    loads = _loads(Case.specialist_id)
    out = [Candidate(user=u, load=loads.get(u.id, 0)) for u in users]
    return sorted(out, key=lambda c: (c.load, c.user.full_name, c.user.id))


def mentor_candidates(case: Case) -> list[Candidate]:
    """Active mentors of the city pool and of the case's county pool, best matches first: the
    person's intended industry among the mentor's expertise, then load against capacity."""
    county = _county_of(case)
    stmt = _users_with_role(Role.MENTOR).join(MentorProfile, MentorProfile.user_id == User.id) \
        .join(Region, Region.id == User.region_id, isouter=True)
    pool = MentorProfile.level == MentorLevel.CITY
    if county is not None:
        pool = or_(pool, and_(MentorProfile.level == MentorLevel.COUNTY,
                              in_subtree(Region.path, county.path)))
    users = db.session.scalars(stmt.where(pool))
    loads = _loads(Case.mentor_id)
    industry = case.person.intended_industry if case.person is not None else None
    out = []
    for u in users:
        profile = u.mentor_profile
        expertise = tuple(profile.expertise)
        out.append(Candidate(user=u, load=loads.get(u.id, 0), capacity=profile.capacity,
                             match=1 if industry and industry in expertise else 0,
                             level=profile.level.value, category=profile.category.value, expertise=expertise))
    return sorted(out, key=lambda c: (-c.match, c.load_ratio, c.load, c.user.full_name, c.user.id))


def _resolve_user(value: Any) -> User | None:
    if value is None or isinstance(value, User):
        return value
    if isinstance(value, str):
        name = value.strip().lower()
        return db.session.scalar(select(User).where(User.username == name)) if name else None
    return None


def assign(actor, case: Case, *, specialist: Any = None, mentor: Any = None, reason: str | None = None,
           expected_version: int | None) -> Case:
    """Assign or reassign the specialist and/or the mentor (User or username; None keeps the
    current one). A reassignment needs a reason; the history keeps every assignment."""
    if not access.can_assign(actor, case):
        raise Forbidden("只有乡镇服务站及以上可以分配服务专员和创业导师。")
    if not case.is_open:
        raise Conflict("该档案已结案。")
    check_version(case, expected_version)
    errors = FieldErrorCollector()
    wanted: dict[str, User] = {}
    for role, value, candidates in (("specialist", specialist, specialist_candidates),
                                    ("mentor", mentor, mentor_candidates)):
        if is_blank(value):
            continue
        user = _resolve_user(value)
        allowed_ids = {c.user.id for c in candidates(case)}
        if user is None or user.id not in allowed_ids:
            label = "本县（市、区）的服务专员" if role == "specialist" else "市级或本县（市、区）导师库中的创业导师"
            errors.add(role, f"{FIELD_LABELS[role]}应为在职的{label}。")
            continue
        wanted[role] = user
    if not wanted and not errors.fields:
        errors.add("specialist", "请选择服务专员或创业导师。")
    reason = _text({"reason": reason}, "reason", errors, limit=REASON_LIMIT)
    replacing = [r for r, u in wanted.items() if getattr(case, f"{r}_id") not in (None, u.id)]
    if replacing and not reason:
        errors.add("reason", "更换服务专员或创业导师时请填写原因。")
    errors.raise_if_any()
    before = audit.snapshot(case)
    today = clock.today()
    for role, user in wanted.items():
        previous = getattr(case, f"{role}_id")
        if previous == user.id:
            continue
        setattr(case, f"{role}_id", user.id)
        setattr(case, f"{role}_assigned_on", today)
        setattr(case, f"{role}_last_contact_on", None)
        setattr(case, f"{role}_planned_on", None)
        db.session.add(CaseAssignment(case_id=case.id, role=AssignmentRole(role), user_id=user.id,
                                      previous_user_id=previous, reason=reason, at=clock.now(), actor_id=actor.id))
    recompute_due(case)
    db.session.flush()
    changes = audit.diff(before, audit.snapshot(case))
    if changes:
        audit.record("case_assign", case, actor=actor, changes=changes, detail=reason)
    return case


# ---------------------------------------------------------------------------------------------
# Visit logs and mentor notes


def _author_role(actor, case: Case, kind: LogKind) -> str:
    if kind == LogKind.MENTOR_NOTE:
        return Role.MENTOR.value
    if access.is_assigned_specialist(actor, case):
        return Role.SPECIALIST.value
    for role in (Role.VILLAGE_STAFF, Role.TOWNSHIP_STAFF):
        if role in actor.roles:
            return role.value
    return sorted(r.value for r in actor.roles)[0]


def _clean_log(values: dict, kind: LogKind) -> dict:
    errors = FieldErrorCollector()
    out: dict[str, Any] = {}
    out["contact_on"] = _date(values, "date", errors, required=True)
    if out["contact_on"] is not None and out["contact_on"] > clock.today():
        errors.add("date", "日期不能晚于今天。")
    out["content"] = _text(values, "content", errors, required=True)
    out["next_follow_up"] = _date(values, "next_follow_up", errors)
    if out["next_follow_up"] is not None and out["contact_on"] is not None and out["next_follow_up"] < out["contact_on"]:
        errors.add("next_follow_up", "下次跟进日期不能早于本次日期。")
    out["needs"] = _needs(values, errors)
    if kind == LogKind.VISIT:
        out["method"] = _enum(VisitMethod, values, "method", errors, required=True)
        out["topic"] = None
        out["advice"] = _text(values, "advice", errors)
        out["next_steps"] = _text(values, "next_steps", errors)
    else:
        out["method"] = None
        out["topic"] = _enum(NoteTopic, values, "topic", errors, required=True)
        out["advice"] = _text(values, "advice", errors)
        out["next_steps"] = _text(values, "next_steps", errors)
    errors.raise_if_any()
    return out


def _raise_needs(actor, case: Case, log: CaseLog) -> None:
    for code in log.needs or []:
        service_type = _service_type(code)
        ensure_service_item(case, service_type=code, source_key=f"need:{code}", title=service_type.label,
                            actor=actor, log_id=log.id)


def _apply_contact(case: Case, role: str, contact_on: date, next_follow_up: date | None) -> None:
    if role in ("specialist", "mentor"):
        last = getattr(case, f"{role}_last_contact_on")
        if last is None or contact_on >= last:
            setattr(case, f"{role}_last_contact_on", contact_on)
            setattr(case, f"{role}_planned_on", next_follow_up)
    else:
        case.village_due_on = next_follow_up
    recompute_due(case)


def add_log(actor, case: Case, values: dict) -> CaseLog:
    """Write a visit log (village / township staff, the assigned specialist) or a mentor note
    (the assigned mentor). The contact satisfies only the author's own clock; needs raised
    become service items (one open item per need type)."""
    kind = _required_enum(LogKind, "kind", values.get("kind"))
    if not access.can_write_log(actor, case, kind.value):
        raise Forbidden("只有指派的创业导师可以填写辅导记录。" if kind == LogKind.MENTOR_NOTE
                        else "您无权为该档案填写走访记录。")
    if not case.is_open:
        raise Conflict("该档案已结案。")
    cleaned = _clean_log(values, kind)
    role = _author_role(actor, case, kind)
    log = CaseLog(case_id=case.id, kind=kind, author_id=actor.id, author_role=role, created_at=clock.now(),
                  **cleaned)
    db.session.add(log)
    db.session.flush()
    _apply_contact(case, role, log.contact_on, log.next_follow_up)
    _raise_needs(actor, case, log)
    db.session.flush()
    audit.record("case_log", case, actor=actor, detail=f"{kind.label} #{log.id}",
                 changes={"log": [None, log.id]})
    return log


def latest_version(log: CaseLog) -> bool:
    return db.session.scalar(select(CaseLog.id).where(CaseLog.supersedes_id == log.id)) is None


def can_revise(actor, log: CaseLog) -> bool:
    if log.author_id != getattr(actor, "id", None) or not latest_version(log):
        return False
    if log.kind == LogKind.MENTOR_NOTE:
        original = log
        while original.supersedes is not None:
            original = original.supersedes
        return clock.now() - original.created_at <= REVISION_WINDOW
    return True


def revise_log(actor, log: CaseLog, values: dict) -> CaseLog:
    """A new entry superseding `log` (the original is kept). A mentor may revise a note within
    24 hours of writing it; the author of a visit log may correct it with a reason."""
    case = db.session.get(Case, log.case_id)
    if log.author_id != actor.id:
        raise Forbidden("只有记录的填写人可以修订。")
    if not latest_version(log):
        raise Conflict("该记录已有更新的修订，请修订最新的版本。")
    if not can_revise(actor, log):
        raise Conflict("辅导记录只能在填写后 24 小时内修订。")
    if not access.can_write_log(actor, case, log.kind.value):
        raise Forbidden("您已不是该档案的服务人员。")
    cleaned = _clean_log(values, log.kind)
    errors = FieldErrorCollector()
    reason = _text(values, "reason", errors, required=log.kind == LogKind.VISIT, limit=REASON_LIMIT)
    errors.raise_if_any()
    new = CaseLog(case_id=log.case_id, kind=log.kind, author_id=actor.id, author_role=log.author_role,
                  created_at=clock.now(), supersedes_id=log.id, correction_reason=reason, **cleaned)
    db.session.add(new)
    db.session.flush()
    _apply_contact(case, log.author_role, new.contact_on, new.next_follow_up)
    _raise_needs(actor, case, new)
    db.session.flush()
    audit.record("case_log_revise", case, actor=actor, detail=f"#{log.id} → #{new.id}",
                 changes={"log": [log.id, new.id]})
    return new


# ---------------------------------------------------------------------------------------------
# Service items (the "N")


ITEM_TRANSITIONS = {
    ItemStatus.TODO: {ItemStatus.IN_PROGRESS, ItemStatus.DONE, ItemStatus.CANNOT},
    ItemStatus.IN_PROGRESS: {ItemStatus.TODO, ItemStatus.DONE, ItemStatus.CANNOT},
    ItemStatus.DONE: set(),
    ItemStatus.CANNOT: set(),
}


def _add_item(case: Case, service_type: ServiceType, *, title: str, actor, responsible_unit: str | None = None,
              due_on: date | None = None, source_key: str | None = None, log_id: int | None = None,
              note: str | None = None) -> ServiceItem:
    item = ServiceItem(case_id=case.id, service_type=service_type.code, title=title,
                       responsible_unit=responsible_unit or service_type.default_unit, due_on=due_on,
                       status=ItemStatus.TODO, source_key=source_key, log_id=log_id,
                       created_by_id=getattr(actor, "id", None))
    item.type = service_type
    db.session.add(item)
    db.session.flush()
    db.session.add(ServiceItemChange(item_id=item.id, case_id=case.id, from_status=None, to_status=item.status,
                                     note=note, at=clock.now(), actor_id=getattr(actor, "id", None)))
    audit.record("service_item_create", item, actor=actor, changes=audit.diff({}, audit.snapshot(item)))
    return item


def ensure_service_item(case: Case, *, service_type: str, source_key: str, title: str, actor,
                        due_on: date | None = None, log_id: int | None = None) -> ServiceItem:
    """The open item of this case with `source_key`, created if there is none (idempotent; a
    partial unique index keeps it at one open item per key, even under concurrent calls)."""
    stmt = select(ServiceItem).where(ServiceItem.case_id == case.id, ServiceItem.source_key == source_key,
                                     ServiceItem.status.in_(OPEN_ITEM_STATUSES))
    existing = db.session.scalar(stmt)
    if existing is not None:
        return existing
    found = _service_type(service_type)
    if found is None:
        raise FieldErrors.single("service_type", f"未知的服务类型：{service_type[:32]}。")
    try:
        with db.session.begin_nested():
            return _add_item(case, found, title=title, actor=actor, due_on=due_on, source_key=source_key,
                             log_id=log_id)
    except IntegrityError:
        existing = db.session.scalar(stmt)
        if existing is None:
            raise
        return existing


def add_service_item(actor, case: Case, values: dict) -> ServiceItem:
    if not access.can_manage_services(actor, case):
        raise Forbidden("您无权为该档案新增服务事项。")
    if not case.is_open:
        raise Conflict("该档案已结案。")
    errors = FieldErrorCollector()
    code = _text(values, "service_type", errors, required=True, limit=32)
    found = None
    if code:
        found = _service_type(code)
        if found is None or not found.is_active:
            errors.add("service_type", "请选择服务目录中的服务类型。")
    title = _text(values, "title", errors, limit=200)
    unit = _text(values, "responsible_unit", errors, limit=64)
    due_on = _date(values, "due_on", errors)
    errors.raise_if_any()
    return _add_item(case, found, title=title or found.label, actor=actor, responsible_unit=unit, due_on=due_on)


def update_service_item(actor, item: ServiceItem, values: dict, *, expected_version: int | None) -> ServiceItem:
    """Change an item's status (todo → in_progress → done + outcome / cannot + reason), outcome,
    unit or due date. Done and cannot are final. `expected_version` is the item's version the actor saw."""
    case = db.session.get(Case, item.case_id)
    if not access.can_manage_services(actor, case):
        raise Forbidden("您无权办理该服务事项。")
    check_version(item, expected_version)
    errors = FieldErrorCollector()
    status = _enum(ItemStatus, values, "status", errors) if "status" in values else None
    outcome = _text(values, "outcome", errors) if "outcome" in values else item.outcome
    cannot_reason = _text(values, "cannot_reason", errors, limit=REASON_LIMIT) \
        if "cannot_reason" in values else item.cannot_reason
    unit = _text(values, "responsible_unit", errors, limit=64) if "responsible_unit" in values else item.responsible_unit
    due_on = _date(values, "due_on", errors) if "due_on" in values else item.due_on
    if status == ItemStatus.CANNOT and not cannot_reason:
        errors.add("cannot_reason", "请填写无法办理的原因。")
    if status == ItemStatus.DONE and not outcome:
        errors.add("outcome", f"办结前请填写{FIELD_LABELS['outcome']}。")
    errors.raise_if_any()
    if not item.is_open:
        raise Conflict("该服务事项已办结，不能再修改。")
    if status is not None and status != item.status and status not in ITEM_TRANSITIONS[item.status]:
        raise Conflict("该服务事项的状态不能这样变更。")
    before = audit.snapshot(item)
    previous = item.status
    if status is not None:
        item.status = status
    item.outcome, item.cannot_reason, item.responsible_unit, item.due_on = outcome, cannot_reason, unit, due_on
    db.session.flush()
    changes = audit.diff(before, audit.snapshot(item))
    if changes:
        note = cannot_reason if item.status == ItemStatus.CANNOT else outcome
        db.session.add(ServiceItemChange(item_id=item.id, case_id=item.case_id, from_status=previous,
                                         to_status=item.status, note=note, at=clock.now(), actor_id=actor.id))
        audit.record("service_item_update", item, actor=actor, changes=changes)
        db.session.flush()
    return item


# ---------------------------------------------------------------------------------------------
# Personal data for the assignees


def reveal_phone(actor, case: Case) -> str | None:
    """The person's full phone for the assigned specialist or mentor (they must call); audited."""
    if not access.can_view_full_phone(actor, case):
        raise Forbidden("只有指派的服务专员和创业导师可以查看完整电话。")
    from app.persons import columns

    person = case.person
    phone = columns.decrypt_phone(person) if person.phone_cipher is not None else None
    audit.record("case_phone_view", case, actor=actor, detail=f"人员 #{person.id} 完整电话")
    db.session.flush()
    return phone



# ---------------------------------------------------------------------------------------------
# "新分派给我": the assignee has opened the case


def mark_assignment_seen(actor, case: Case) -> int:
    """The assigned specialist or mentor opened the case: their assignments to it stop being new
    (the home queue "新分派给我"). Returns how many assignment rows this marked (0 for anyone
    else, or when already seen). A read receipt on the assignment rows, not a change to the case:
    no audit row, and the case's version is untouched (a conditional UPDATE, so two tabs opening
    the case at once mark it once)."""
    if not access.is_assignee(actor, case):
        return 0
    result = db.session.execute(
        update(CaseAssignment)
        .where(CaseAssignment.case_id == case.id, CaseAssignment.user_id == actor.id, CaseAssignment.seen_at.is_(None))
        .values(seen_at=clock.now())
        .execution_options(synchronize_session=False))
    return result.rowcount or 0
