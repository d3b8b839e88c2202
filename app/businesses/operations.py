"""Business operations: register and edit (issue 6 §1).

Input uses the API's field names (`founder_id`, `village_code`, `kind` …) whether it comes from a
form or JSON. Operations check the access predicates, raise `FieldErrors` naming each field in
Chinese, write the audit row and `flush()`; the caller commits.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.businesses.labels import FIELD_LABELS
from app.businesses.models import Business, BusinessKind, BusinessStatus
from app.codes import operations as codes
from app.codes.models import CodeList
from app.core import audit
from app.core.access import subsidies as access
from app.core.access.persons import can_view_person
from app.core.errors import Conflict, FieldErrorCollector, FieldErrors, Forbidden, check_version
from app.core.fields import parse_date
from app.core.validators import (
    UNSAFE_TEXT_MESSAGE,
    InvalidCreditCode,
    has_unsafe_chars,
    is_blank,
    normalize_credit_code,
)
from app.extensions import db
from app.persons.models import Person
from app.regions.models import Region, RegionLevel

FIELDS = ("founder_id", "name", "kind", "credit_code", "registered_on", "is_first_registration", "village_code",
          "industry", "jobs", "park", "status", "closed_on")
REQUIRED = ("founder_id", "name", "kind", "credit_code", "registered_on", "village_code")
MAX_JOBS = 100_000
DUPLICATE_CODE = "该统一社会信用代码已登记。"

# Hooks run after a business is registered: fn(actor, business) -> None (the cases domain offers
# to move the founder's case to `founded`).
CREATED_HOOKS: list[Callable[[Any, Business], None]] = []



def _bool(value: Any, name: str, errors: dict) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("", "none", "null", "unknown"):
        return None
    if text in ("1", "true", "yes", "是", "y"):
        return True
    if text in ("0", "false", "no", "否", "n"):
        return False
    errors.setdefault(name, []).append(f"{FIELD_LABELS[name]}应为“是”“否”或“未知”。")
    return None


def clean(actor: Any, values: dict[str, Any], current: Business | None) -> dict[str, Any]:
    """Validate the fields present in `values` (all required ones on create); attribute values out."""
    collector = FieldErrorCollector()
    errors, add = collector.fields, collector.add
    present = set(values) & set(FIELDS)
    if current is None:
        present |= set(REQUIRED)
    out: dict[str, Any] = {}
    for name in sorted(present):
        value = values.get(name)
        if isinstance(value, str) and has_unsafe_chars(value):
            add(name, UNSAFE_TEXT_MESSAGE)
            continue
        if name in REQUIRED and is_blank(value):
            add(name, f"请填写{FIELD_LABELS[name]}。")
            continue
        if name == "founder_id":
            try:
                founder_id = int(value)
            except (TypeError, ValueError):
                add(name, "创办人应为人员编号。")
                continue
            founder = db.session.get(Person, founder_id) if 0 < founder_id < 2**31 else None
            if founder is None or not can_view_person(actor, founder):
                add(name, "没有找到该人员，或不在您的管辖范围内。")
                continue
            if founder.is_archived:
                add(name, "该人员已归档，不能作为创办人。")
                continue
            out["founder"] = founder
        elif name == "name":
            text = str(value).strip()
            if len(text) > 100:
                add(name, "主体名称不能超过 100 个字。")
            else:
                out["name"] = text
        elif name == "kind":
            try:
                out["kind"] = BusinessKind(str(value).strip())
            except ValueError:
                add(name, f"主体类型的取值应为 {BusinessKind.describe()} 之一。")
        elif name == "credit_code":
            try:
                out["credit_code"] = normalize_credit_code(str(value))
            except InvalidCreditCode as error:
                add(name, str(error))
        elif name in ("registered_on", "closed_on"):
            parsed = parse_date(value, name, FIELD_LABELS[name], collector, not_in_future=True, min_year=1950)
            if parsed is not None or name == "closed_on":
                out[name] = parsed
        elif name == "is_first_registration":
            out[name] = _bool(value, name, errors)
        elif name == "village_code":
            region = db.session.scalar(select(Region).where(Region.code == str(value).strip()))
            if region is None:
                add(name, "没有这个区划代码。")
            elif region.level != RegionLevel.VILLAGE:
                add(name, "请选择到村（社区）一级。")
            elif not access.can_create_business(actor, region):
                add(name, "该村（社区）不在您的管辖范围内。")
            else:
                out["village"] = region
        elif name == "industry":
            text = None if is_blank(value) else str(value).strip()
            if text is not None and text != (current.industry if current else None) \
                    and codes.unknown_codes(CodeList.INDUSTRY, [text]):
                add(name, "行业不在代码表中，请从列表中选择。")
            else:
                out[name] = text
        elif name == "jobs":
            if is_blank(value):
                out[name] = None
                continue
            try:
                jobs = int(value)
            except (TypeError, ValueError):
                add(name, "带动就业人数应为整数（未知请留空）。")
                continue
            if isinstance(value, bool) or not 1 <= jobs <= MAX_JOBS:
                add(name, "带动就业人数应在 1 到 100000 之间（含创办人本人）。")
            else:
                out[name] = jobs
        elif name == "park":
            text = None if is_blank(value) else str(value).strip()
            if text and len(text) > 100:
                add(name, "园区名称不能超过 100 个字。")
            else:
                out[name] = text
        elif name == "status":
            if is_blank(value):
                out[name] = BusinessStatus.OPERATING
                continue
            try:
                out[name] = BusinessStatus(str(value).strip())
            except ValueError:
                add(name, f"经营状态的取值应为 {BusinessStatus.describe()} 之一。")
    # Cross-field: closed needs its date; the date not before registration.
    status = out.get("status", current.status if current else BusinessStatus.OPERATING)
    closed_on = out["closed_on"] if "closed_on" in out else (current.closed_on if current else None)
    registered = out.get("registered_on", current.registered_on if current else None)
    if "status" not in errors and "closed_on" not in errors:
        if status == BusinessStatus.CLOSED and closed_on is None:
            add("closed_on", "已注销的主体请填写注销日期。")
        elif status == BusinessStatus.OPERATING and closed_on is not None:
            out["closed_on"] = None
        elif closed_on is not None and registered is not None and closed_on < registered:
            add("closed_on", "注销日期不能早于首次登记日期。")
    if errors:
        raise FieldErrors(fields=errors)
    return out


def _apply(business: Business, values: dict[str, Any]) -> None:
    for key, value in values.items():
        if key == "village":
            business.set_village(value)
        elif key == "founder":
            business.founder = value
            business.founder_id = value.id
        else:
            setattr(business, key, value)


def _code_taken(code: str, exclude_id: int | None = None) -> bool:
    stmt = select(Business.id).where(Business.credit_code == code)
    if exclude_id is not None:
        stmt = stmt.where(Business.id != exclude_id)
    return db.session.scalar(stmt) is not None


def create_business(actor: Any, values: dict[str, Any]) -> Business:
    """Register a business entity. A duplicate credit code answers 409 (it names no other record)."""
    if not access.can_create_business(actor):
        raise Forbidden()
    cleaned = clean(actor, values, None)
    if _code_taken(cleaned["credit_code"]):
        raise Conflict(DUPLICATE_CODE, fields={"credit_code": [DUPLICATE_CODE]})
    business = Business()
    _apply(business, cleaned)
    if business.status is None:
        business.status = BusinessStatus.OPERATING
    db.session.add(business)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Conflict(DUPLICATE_CODE, fields={"credit_code": [DUPLICATE_CODE]}) from None
    audit.record("business_created", business, actor=actor, changes=audit.diff({}, audit.snapshot(business)))
    for hook in CREATED_HOOKS:
        hook(actor, business)
    db.session.flush()
    return business


def update_business(actor: Any, business: Business, values: dict[str, Any], *, expected_version: int | None) -> Business:
    if not access.can_edit_business(actor, business):
        raise Forbidden()
    check_version(business, expected_version)
    cleaned = clean(actor, {k: v for k, v in values.items() if k != "founder_id" or v is not None}, business)
    if "credit_code" in cleaned and _code_taken(cleaned["credit_code"], business.id):
        raise Conflict(DUPLICATE_CODE, fields={"credit_code": [DUPLICATE_CODE]})
    before = audit.snapshot(business)
    _apply(business, cleaned)
    changes = audit.diff(before, audit.snapshot(business))
    if changes:
        try:
            with db.session.begin_nested():
                db.session.flush()
        except IntegrityError:
            raise Conflict(DUPLICATE_CODE, fields={"credit_code": [DUPLICATE_CODE]}) from None
        audit.record("business_updated", business, actor=actor, changes=changes)
    db.session.flush()
    return business


def businesses_of(person_id: int) -> list[Business]:
    return list(db.session.scalars(select(Business).where(Business.founder_id == person_id).order_by(Business.id)))


def load(actor: Any, business_id: int) -> Business:
    """The business `actor` may see (the one loader: `access.load_business`)."""
    return access.load_business(actor, business_id)


def set_enterprise_kinds(actor: Any, kinds: set[str]) -> list[str]:
    """Which business kinds count as 企业类主体 (city admins; audited). Returns the new set."""
    from app.businesses.models import BusinessKindSetting
    from app.core.access import subsidies as sub_access

    if not sub_access.can_manage_programmes(actor):
        raise Forbidden()
    unknown = kinds - {k.value for k in BusinessKind}
    if unknown:
        raise FieldErrors.single("kinds", "主体类型不正确。")
    before, after = {}, {}
    for kind in BusinessKind:
        setting = db.session.get(BusinessKindSetting, kind.value)
        if setting is None:
            setting = BusinessKindSetting(code=kind.value, is_enterprise=False)
            db.session.add(setting)
        before[kind.value] = bool(setting.is_enterprise)
        setting.is_enterprise = kind.value in kinds
        after[kind.value] = setting.is_enterprise
    changes = audit.diff(before, after)
    if changes:
        audit.record("business_kinds_updated", actor=actor, object_type="business_kinds", object_id="all",
                     changes=changes)
    db.session.flush()
    return sorted(k for k, v in after.items() if v)
