"""The person library's operations: register, edit, reveal, look up, merge, move, correct the ID
number, archive and restore.

Operations take the acting user explicitly, check the access predicates
(`app.core.access.persons`), validate with Chinese messages naming each field (`FieldErrors`),
write their audit rows and `flush()` — the view or CLI commits once. Input uses the API's field
names (`village_code`, `willing` …) whether it comes from a form or from JSON.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from app.codes import operations as codes
from app.codes.models import CodeList
from app.core import audit, clock
from app.core.access import persons as access
from app.core.errors import Conflict, FieldErrorCollector, FieldErrors, Forbidden, check_version
from app.core.fields import parse_date, parse_enum, parse_reason
from app.core.masking import mask_id_number, mask_phone
from app.core.validators import (
    UNSAFE_TEXT_MESSAGE,
    InvalidIdNumber,
    InvalidName,
    InvalidPhone,
    has_unsafe_chars,
    is_blank,
    normalize_name,
    normalize_phone,
    parse_id_number,
)
from app.extensions import db
from app.persons import columns
from app.persons.fields import (
    AMOUNT,
    ASSESSMENT,
    ASSESSMENT_FIELDS,
    CODE,
    DATE,
    EDITABLE_FIELDS,
    ENUM,
    FIELD,
    MAX_CAPITAL_NEED,
    MAX_SKILL_LENGTH,
    MAX_SKILLS,
    NAME,
    PHONE,
    REQUIRED_ON_CREATE,
    SKILLS,
    TEXT,
    VILLAGE,
)
from app.persons.labels import DUPLICATE_ID_MESSAGE, FIELD_LABELS
from app.persons.models import Intention, Person, PersonNameKey
from app.regions.models import Region, RegionLevel

_EDITABLE_SET = frozenset(EDITABLE_FIELDS)
_REQUIRED_ON_CREATE_SET = frozenset(REQUIRED_ON_CREATE)

SKILL_SEPARATORS = re.compile(r"[,，、;；\n\r\t/]+")
REASON_LIMIT = 200

# Later domains register what must follow a merge (cases, businesses, applications of the
# archived record move to the survivor): fn(actor, survivor, other).
MERGE_HOOKS: list[Callable[[Any, Person, Person], None]] = []


# ---------------------------------------------------------------------------------------------
# Validation




def _text(value: Any) -> str | None:
    if is_blank(value):
        return None
    return str(value).strip()


def _enum(enum_cls: type[Enum], value: Any, name: str, errors: FieldErrorCollector, *, required: bool) -> Any:
    return parse_enum(enum_cls, value, name, FIELD_LABELS[name], errors, required=required)


def _date(value: Any, name: str, errors: FieldErrorCollector) -> date | None:
    return parse_date(value, name, FIELD_LABELS[name], errors, not_in_future=True, min_year=1900)


def _bool(value: Any, name: str, errors: FieldErrorCollector) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("", "none", "null"):
        return None
    if text in ("1", "true", "yes", "是", "有"):
        return True
    if text in ("0", "false", "no", "否", "无"):
        return False
    errors.add(name, f"{FIELD_LABELS[name]}应为“是”“否”或“未评估”。")
    return None


def parse_skills(value: Any) -> list[str]:
    if is_blank(value):
        return []
    items = value if isinstance(value, (list, tuple)) else SKILL_SEPARATORS.split(str(value))
    out: list[str] = []
    for item in items:
        text = str(item).strip() if item is not None else ""
        if text and text not in out:
            out.append(text)
    return out


@dataclass
class Lookups:
    """Preloaded reference data for validating many rows (the import): villages by code (rows
    with `id`, `level`, `township_id`, `county_id`) and the active codes of each code list, so
    that `clean` touches no database per row."""

    villages: dict[str, Any]
    codes: dict[CodeList, set[str]]

    @classmethod
    def load(cls) -> Lookups:
        from app.codes.models import CodeItem

        villages = {r.code: r for r in db.session.execute(
            select(Region.code, Region.id, Region.level, Region.township_id, Region.county_id))}
        active: dict[CodeList, set[str]] = {}
        for list_name, code in db.session.execute(
                select(CodeItem.list_name, CodeItem.code).where(CodeItem.is_active.is_(True))):
            active.setdefault(CodeList(list_name), set()).add(code)
        return cls(villages, active)


def _code(list_name: CodeList, value: Any, name: str, errors: FieldErrorCollector, current: str | None,
          lookups: Lookups | None = None) -> str | None:
    text = _text(value)
    if text is None:
        return None
    if text == current:  # a retired item stays on the records that already carry it
        return text
    if (text not in lookups.codes.get(list_name, set())) if lookups is not None \
            else codes.unknown_codes(list_name, [text]):
        errors.add(name, f"{FIELD_LABELS[name]}不在代码表中，请从列表中选择。")
        return None
    return text


def _village(value: Any, errors: FieldErrorCollector, lookups: Lookups | None = None) -> Region | None:
    code = _text(value)
    if code is None:
        errors.add("village_code", "请选择户籍所在村（社区）。")
        return None
    if lookups is not None:
        region = lookups.villages.get(code)
    else:
        region = db.session.scalar(select(Region).where(Region.code == code))
    if region is None:
        errors.add("village_code", "没有这个区划代码。")
        return None
    if region.level != RegionLevel.VILLAGE:
        errors.add("village_code", "请选择到村（社区）一级。")
        return None
    return region


def clean(values: dict[str, Any], *, current: Person | None, errors: FieldErrorCollector | None = None,
          lookups: Lookups | None = None) -> dict[str, Any]:
    """Validate and normalise the editable fields present in `values` (all of them on create).

    Returns attribute values (`village_code` becomes `village`, a Region — or a `Lookups`
    village row). Cross-field rules are checked on the record as it would be after the change.
    Raises FieldErrors naming every bad field at once. `lookups` (the import) replaces the
    per-row village and code-list queries with preloaded sets.
    """
    own_errors = errors is None
    errors = errors or FieldErrorCollector()
    creating = current is None
    out: dict[str, Any] = {}
    present = _EDITABLE_SET.intersection(values)
    if creating:
        present |= _REQUIRED_ON_CREATE_SET

    for name in sorted(present):
        value = values.get(name)
        texts = (value,) if isinstance(value, str) else value if isinstance(value, (list, tuple)) else ()
        if any(isinstance(t, str) and has_unsafe_chars(t, multiline=name == "remarks") for t in texts):
            errors.add(name, UNSAFE_TEXT_MESSAGE)
            continue
        spec = FIELD[name]
        kind = spec.kind
        if kind == NAME:
            try:
                out["name"] = normalize_name(value)
            except InvalidName as error:
                errors.add("name", str(error))
        elif kind == PHONE:
            if is_blank(value):
                out["phone"] = None
            else:
                try:
                    out["phone"] = normalize_phone(str(value))
                except InvalidPhone as error:
                    errors.add("phone", str(error))
        elif kind == VILLAGE:
            village = _village(value, errors, lookups)
            if village is not None:
                out["village"] = village
        elif kind == ENUM:
            out[name] = _enum(spec.enum, value, name, errors, required=spec.required_on_create) or spec.default
        elif kind == CODE:
            out[name] = _code(spec.code_list, value, name, errors, getattr(current, name, None), lookups)
        elif kind == DATE:
            out[name] = _date(value, name, errors)
        elif kind == SKILLS:
            skills = parse_skills(value)
            if len(skills) > MAX_SKILLS:
                errors.add(name, f"技能特长最多填写 {MAX_SKILLS} 项。")
            elif any(len(s) > MAX_SKILL_LENGTH for s in skills):
                errors.add(name, f"每项技能特长不超过 {MAX_SKILL_LENGTH} 个字，多项之间用顿号或逗号分隔。")
            else:
                out[name] = skills
        elif kind == AMOUNT:
            if is_blank(value):
                out[name] = None
            else:
                try:
                    amount = int(str(value).strip().replace(",", ""))
                except ValueError:
                    errors.add(name, "资金需求应为整数（元）。")
                else:
                    if not 0 <= amount <= MAX_CAPITAL_NEED:
                        errors.add(name, "资金需求应在 0 到 10 亿元之间。")
                    else:
                        out[name] = amount
        elif kind == ASSESSMENT:
            out[name] = _bool(value, name, errors)
        elif kind == TEXT:
            text = _text(value)
            if text is not None and len(text) > spec.limit:
                errors.add(name, f"{spec.label}不能超过 {spec.limit} 个字。")
            else:
                out[name] = text

    def after(name: str) -> Any:
        return out[name] if name in out else getattr(current, name, None)

    for name in ASSESSMENT_FIELDS:
        basis = f"{name}_basis"
        if name in errors.fields or basis in errors.fields:
            continue
        if after(name) is not None and not after(basis) and (name in out or basis in out):
            errors.add(basis, f"请简要填写“{FIELD_LABELS[name]}”的评估依据。")
    since, returned = after("outside_since"), after("returned_on")
    if since and returned and returned < since and "returned_on" not in errors.fields:
        errors.add("returned_on", "返乡日期不能早于外出务工起始日期。")
    if own_errors:
        errors.raise_if_any()
    return out


# ---------------------------------------------------------------------------------------------
# Near duplicates


@dataclass
class NearDuplicate:
    """Other records that may be the same person. Only those the actor may see are named;
    the rest are a count (nothing else about records outside the actor's scope)."""

    code: str  # same_name_birth_date | same_phone
    message: str
    persons: list[Person] = field(default_factory=list)
    hidden: int = 0


class NearDuplicatesFound(Conflict):
    code = "near_duplicate"
    default_message = "发现疑似重复的人员记录，请核对后确认是否仍要保存。"

    def __init__(self, warnings: list[NearDuplicate]):
        super().__init__()
        self.warnings = warnings


@dataclass
class SaveResult:
    person: Person
    warnings: list[NearDuplicate] = field(default_factory=list)


def near_duplicates(actor, *, name: str, birth_date: date, phone: str | None,
                    exclude_id: int | None = None) -> list[NearDuplicate]:
    """Active records with the same name and birth date, or the same phone (index lookups)."""
    checks = [("same_name_birth_date", "姓名和出生日期相同",
               (Person.name == name) & (Person.birth_date == birth_date))]
    if phone:
        checks.append(("same_phone", "联系电话相同", Person.phone_hash == columns.phone_hash(phone)))
    found = []
    for code, what, condition in checks:
        stmt = select(Person).where(condition, Person.archived_at.is_(None))
        if exclude_id is not None:
            stmt = stmt.where(Person.id != exclude_id)
        matches = list(db.session.scalars(stmt.order_by(Person.id).limit(50)))
        if not matches:
            continue
        visible = [p for p in matches if access.can_view_person(actor, p)]
        hidden = len(matches) - len(visible)
        message = f"库中已有 {len(matches)} 条{what}的记录"
        if hidden:
            message += f"（其中 {hidden} 条不在您的管辖范围内，如确为同一人请联系本乡镇（街道）服务站）"
        found.append(NearDuplicate(code=code, message=message + "。", persons=visible, hidden=hidden))
    return found


# ---------------------------------------------------------------------------------------------
# Writing


def _apply(person: Person, cleaned: dict[str, Any]) -> bool:
    """Set cleaned values on `person`; returns whether the name changed (search keys to rebuild)."""
    name_changed = False
    for name, value in cleaned.items():
        if name == "village":
            if person.village_id != value.id:
                person.set_village(value)
        elif name == "name":
            if person.name != value:
                name_changed = True
                for key, column_value in columns.name_columns(value).items():
                    setattr(person, key, column_value)
        elif name == "phone":
            if value != _current_phone(person):
                for key, column_value in columns.phone_columns(value).items():
                    setattr(person, key, column_value)
        else:
            setattr(person, name, value)
    person.is_sanyou = columns.is_sanyou(person.willing, person.capable, person.creditworthy)
    return name_changed


def _current_phone(person: Person) -> str | None:
    return columns.decrypt_phone(person) if person.phone_cipher is not None else None


def _replace_name_keys(person: Person) -> None:
    db.session.execute(delete(PersonNameKey).where(PersonNameKey.person_id == person.id))
    db.session.execute(insert(PersonNameKey), columns.name_key_rows(person.id, person.name))


def _flush_unique() -> None:
    """Flush; a unique-ID race lost to another transaction becomes the duplicate 409."""
    try:
        db.session.flush()
    except IntegrityError as error:
        if "id_number_hash" in str(error.orig):
            raise Conflict(DUPLICATE_ID_MESSAGE) from None
        raise


def _refuse_duplicate_id(actor, number: str, action: str, target: Person | None = None) -> None:
    existing = db.session.scalar(select(Person.id).where(Person.id_number_hash == columns.id_hash(number)))
    if existing is not None and (target is None or existing != target.id):
        audit.record_failure(action, target, actor=actor, object_type="person", result=audit.RESULT_DENIED,
                             changes={"id_number": mask_id_number(number)}, detail="身份证号码已在库中登记")
        raise Conflict(DUPLICATE_ID_MESSAGE)


def create_person(actor, values: dict[str, Any], *, allow_near_duplicates: bool = False) -> SaveResult:
    """Register a person in a village of the actor's scope.

    An ID number registered anywhere (any region, archived records included) is refused with a
    409 that names nothing about the other record. Records with the same name and birth date or
    the same phone are near duplicates: refused with `NearDuplicatesFound` unless
    `allow_near_duplicates`, and returned as warnings either way.
    """
    if not access.can_create_person(actor):
        raise Forbidden("您的角色不能登记人员。")
    errors = FieldErrorCollector()
    info = None
    try:
        info = parse_id_number(values.get("id_number"))
    except InvalidIdNumber as error:
        errors.add("id_number", str(error))
    cleaned = clean(values, current=None, errors=errors)
    errors.raise_if_any()
    village: Region = cleaned["village"]
    if not access.can_create_person(actor, village):
        raise FieldErrors.single("village_code", "只能登记您管辖范围内的村（社区）的人员。")
    _refuse_duplicate_id(actor, info.number, "person_create")

    warnings = near_duplicates(actor, name=cleaned["name"], birth_date=info.birth_date,
                               phone=cleaned.get("phone"))
    if warnings and not allow_near_duplicates:
        raise NearDuplicatesFound(warnings)

    person = Person(skills=[], intention=Intention.NONE, **columns.id_columns(info))
    _apply(person, cleaned)
    db.session.add(person)
    _flush_unique()
    db.session.execute(insert(PersonNameKey), columns.name_key_rows(person.id, person.name))
    audit.record("person_create", person, actor=actor, changes=audit.diff({}, audit.snapshot(person)))
    db.session.flush()
    return SaveResult(person, warnings)


def update_person(actor, person: Person, values: dict[str, Any], *, expected_version: int | None,
                  allow_near_duplicates: bool = False) -> SaveResult:
    """Change the editable fields present in `values` (the ID number and the village have their
    own operations). A stale `expected_version` answers 409."""
    if not access.can_edit_person(actor, person):
        if person.is_archived:
            raise Conflict("该人员记录已归档，不能修改。")
        raise Forbidden("您无权修改该人员的信息。")
    check_version(person, expected_version)
    errors = FieldErrorCollector()
    if "id_number" in values:
        errors.add("id_number", "身份证号码不能在此修改；如登记有误，请联系县级服务中心使用“更正身份证号”功能。")
    code = _text(values.get("village_code"))
    if code is not None and code != person.village.code:
        errors.add("village_code", "户籍所在村的变更请由县级服务中心使用“迁移”功能办理。")
    values = {k: v for k, v in values.items() if k != "village_code"}
    cleaned = clean(values, current=person, errors=errors)
    errors.raise_if_any()

    warnings: list[NearDuplicate] = []
    new_name = cleaned.get("name", person.name)
    phone_changed = "phone" in cleaned and cleaned["phone"] != _current_phone(person)
    if new_name != person.name or (phone_changed and cleaned["phone"]):
        warnings = near_duplicates(actor, name=new_name, birth_date=person.birth_date,
                                   phone=cleaned["phone"] if phone_changed else None, exclude_id=person.id)
        if warnings and not allow_near_duplicates:
            raise NearDuplicatesFound(warnings)

    before = audit.snapshot(person)
    name_changed = _apply(person, cleaned)
    db.session.flush()
    if name_changed:
        _replace_name_keys(person)
    changes = audit.diff(before, audit.snapshot(person))
    if changes:
        audit.record("person_update", person, actor=actor, changes=changes)
    db.session.flush()
    return SaveResult(person, warnings)


def reveal_id_number(actor, person: Person) -> tuple[str, str | None]:
    """The full ID number and phone, for region roles in scope; audited as `person_reveal_id`
    (the city admin's audit page flags users who do this more than 20 times a day)."""
    if not access.can_reveal_id(actor, person):
        raise Forbidden("您无权查看完整身份证号码。")
    number, phone = columns.decrypt_id_number(person), columns.decrypt_phone(person)
    audit.record("person_reveal_id", person, actor=actor, detail="查看完整身份证号码和联系电话")
    db.session.flush()
    return number, phone


def lookup(actor, *, id_number: str | None = None, phone: str | None = None) -> list[Person]:
    """People the actor may see with exactly this ID number or phone (hash lookups, archived
    records included). Audited with the masked value; the value itself is never stored."""
    errors = FieldErrorCollector()
    if is_blank(id_number) and is_blank(phone):
        errors.add("id_number", "请填写身份证号码或联系电话。")
        errors.raise_if_any()
    if not is_blank(id_number) and not is_blank(phone):
        errors.add("id_number", "身份证号码和联系电话只能填写一项。")
        errors.raise_if_any()
    if not is_blank(id_number):
        try:
            number = parse_id_number(id_number).number
        except InvalidIdNumber as error:
            raise FieldErrors.single("id_number", str(error)) from None
        condition = Person.id_number_hash == columns.id_hash(number)
        shown = f"身份证号码 {mask_id_number(number)}"
    else:
        try:
            normalized = normalize_phone(str(phone))
        except InvalidPhone as error:
            raise FieldErrors.single("phone", str(error)) from None
        condition = Person.phone_hash == columns.phone_hash(normalized)
        shown = f"联系电话 {mask_phone(normalized)}"
    stmt = select(Person).where(condition, access.visible_persons_condition(actor))
    found = list(db.session.scalars(stmt.order_by(Person.archived_at.is_not(None), Person.id).limit(50)))
    audit.record("person_lookup", actor=actor, object_type="person",
                 detail=f"按{shown}查询，找到 {len(found)} 条")
    db.session.flush()
    return found


def _require_reason(reason: str | None) -> str:
    return parse_reason(reason, limit=REASON_LIMIT)


def _person_label(person: Person) -> str:
    return f"#{person.id} {person.name}（{person.id_number_masked}）"


# Fields the survivor of a merge takes from the other record when its own are blank.
MERGE_FILL_FIELDS = (
    "work_region", "work_city", "work_industry", "occupation", "outside_since", "returned_on",
    "intended_industry", "intended_form", "capital_need", "willing", "willing_basis", "capable",
    "capable_basis", "creditworthy", "creditworthy_basis", "remarks",
)


def merge_persons(actor, survivor: Person, other: Person, *, reason: str, survivor_version: int | None,
                  other_version: int | None) -> Person:
    """Merge `other` into `survivor`: the survivor keeps its history and fills its blank fields
    from the other record (skills are united); the other record is archived with a pointer to
    the survivor and keeps its ID number, so that number stays taken. Both audited."""
    if not access.can_merge_persons(actor, survivor, other):
        raise Forbidden("只有县级服务中心或市级管理员可以合并本辖区的人员记录。")
    if survivor.id == other.id:
        raise FieldErrors.single("other_id", "不能与自身合并。")
    if survivor.is_archived or other.is_archived:
        raise Conflict("已归档的记录不能参与合并。")
    check_version(survivor, survivor_version)
    check_version(other, other_version)
    text = _require_reason(reason)

    before = audit.snapshot(survivor)
    for name in MERGE_FILL_FIELDS:
        mine, theirs = getattr(survivor, name), getattr(other, name)
        if is_blank(mine) and not is_blank(theirs):
            setattr(survivor, name, theirs)
    if survivor.intention == Intention.NONE and other.intention != Intention.NONE:
        survivor.intention = other.intention
    survivor.skills = parse_skills(list(survivor.skills or []) + list(other.skills or []))
    if survivor.phone_cipher is None and other.phone_cipher is not None:
        survivor.phone_cipher, survivor.phone_hash = other.phone_cipher, other.phone_hash
        survivor.phone_masked = other.phone_masked
    survivor.is_sanyou = columns.is_sanyou(survivor.willing, survivor.capable, survivor.creditworthy)

    other_before = audit.snapshot(other)
    other.archived_at = clock.now()
    other.archived_reason = f"已合并到 #{survivor.id}"[:REASON_LIMIT]
    other.merged_into_id = survivor.id
    db.session.flush()
    # Records merged earlier into `other` now point at the survivor (no chains).
    db.session.execute(update(Person).where(Person.merged_into_id == other.id, Person.id != other.id)
                       .values(merged_into_id=survivor.id).execution_options(synchronize_session=False))
    for hook in MERGE_HOOKS:
        hook(actor, survivor, other)

    audit.record("person_merge", survivor, actor=actor, changes=audit.diff(before, audit.snapshot(survivor)),
                 detail=f"并入 {_person_label(other)}：{text}"[:500])
    audit.record("person_merged_into", other, actor=actor,
                 changes=audit.diff(other_before, audit.snapshot(other)),
                 detail=f"并入 {_person_label(survivor)}：{text}"[:500])
    db.session.flush()
    return survivor


def move_person(actor, person: Person, village: Region, *, reason: str, expected_version: int | None) -> Person:
    """Move a person to another household village. Audited on the person (history shows old and
    new village) and on both villages (their region pages show who moved out and in)."""
    if not access.can_move_person(actor, person):
        raise Forbidden("只有县级服务中心或市级管理员可以迁移人员。")
    if person.is_archived:
        raise Conflict("已归档的记录不能迁移。")
    check_version(person, expected_version)
    if village.level != RegionLevel.VILLAGE:
        raise FieldErrors.single("village_code", "请选择到村（社区）一级。")
    if not access.can_move_person(actor, person, village):
        raise FieldErrors.single("village_code", "只能迁移到您管辖范围内的村（社区）。")
    if village.id == person.village_id:
        raise FieldErrors.single("village_code", "该人员已在所选村（社区）。")
    text = _require_reason(reason)
    old = person.village
    old_name, new_name = old.full_name, village.full_name
    person.set_village(village)
    person.village = village
    db.session.flush()
    label = _person_label(person)
    audit.record("person_move", person, actor=actor,
                 changes={"village": [f"{old.code} {old_name}", f"{village.code} {new_name}"]}, detail=text)
    audit.record("person_move_out", old, actor=actor, detail=f"{label} 迁往 {new_name}：{text}"[:500])
    audit.record("person_move_in", village, actor=actor, detail=f"{label} 自 {old_name} 迁入：{text}"[:500])
    db.session.flush()
    return person


def correct_id_number(actor, person: Person, new_number: str, *, reason: str,
                      expected_version: int | None) -> Person:
    """Replace a wrongly registered ID number (gender and birth date follow). Audited with the
    masked old and new numbers. The new number must not be registered to anyone else."""
    if not access.can_correct_id(actor, person):
        raise Forbidden("只有县级服务中心或市级管理员可以更正身份证号码。")
    if person.is_archived:
        raise Conflict("已归档的记录不能更正身份证号码。")
    check_version(person, expected_version)
    errors = FieldErrorCollector()
    info = None
    try:
        info = parse_id_number(new_number)
    except InvalidIdNumber as error:
        errors.add("id_number", str(error))
    if not (reason or "").strip():
        errors.add("reason", "请填写更正原因。")
    errors.raise_if_any()
    text = _require_reason(reason)
    if columns.id_hash(info.number) == person.id_number_hash:
        raise FieldErrors.single("id_number", "新号码与原号码相同。")
    _refuse_duplicate_id(actor, info.number, "person_correct_id", person)

    old_masked = person.id_number_masked
    before = audit.snapshot(person)
    for key, value in columns.id_columns(info).items():
        setattr(person, key, value)
    _flush_unique()
    changes = audit.diff(before, audit.snapshot(person))
    changes["id_number"] = [old_masked, person.id_number_masked]
    changes.pop("id_number_masked", None)
    audit.record("person_correct_id", person, actor=actor, changes=changes, detail=text)
    db.session.flush()
    return person


def archive_person(actor, person: Person, *, reason: str, expected_version: int | None) -> Person:
    """Archive (never delete): the record leaves the default lists; its ID number stays taken."""
    if not access.can_archive_person(actor, person):
        raise Forbidden("只有乡镇（街道）服务站及以上可以归档人员记录。")
    if person.is_archived:
        raise Conflict("该记录已经归档。")
    check_version(person, expected_version)
    text = _require_reason(reason)
    before = audit.snapshot(person)
    person.archived_at = clock.now()
    person.archived_reason = text
    db.session.flush()
    audit.record("person_archive", person, actor=actor, changes=audit.diff(before, audit.snapshot(person)),
                 detail=text)
    return person


def restore_person(actor, person: Person, *, expected_version: int | None) -> Person:
    if not access.can_archive_person(actor, person):
        raise Forbidden("只有乡镇（街道）服务站及以上可以恢复人员记录。")
    if not person.is_archived:
        raise Conflict("该记录未归档。")
    if person.merged_into_id is not None:
        raise Conflict("已合并的记录不能恢复，请查看合并后的记录。")
    check_version(person, expected_version)
    before = audit.snapshot(person)
    person.archived_at = None
    person.archived_reason = None
    db.session.flush()
    audit.record("person_restore", person, actor=actor, changes=audit.diff(before, audit.snapshot(person)))
    return person
