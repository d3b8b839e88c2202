"""Audit entries in Chinese (issue 12 §4): actions, objects, fields and values by their labels.

The log stores codes (`user_create`, `person`, `is_active_account`, `['village_staff']`); this
module is the one place that turns them into what the audit page and the change history of a
record show: 新建用户 · 用户 王芳（demo_city） · 账户启用：是 → 否 · 角色：村级服务点.

The audit domain reads every domain's labels, as `app/models.py` reads every model: the tables
below list them explicitly. Names of referenced records (people, users, regions, programmes,
service types) are loaded for a whole page at once, one query per kind.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Enum as SAEnum
from sqlalchemy import inspect, select

from app.auth import labels as auth_labels
from app.auth.models import ApiToken, MentorCategory, MentorLevel, User
from app.businesses import labels as business_labels
from app.businesses.models import Business, BusinessKind
from app.cases import labels as case_labels
from app.cases.models import Case, CaseLog, CaseRequest, ServiceItem, ServiceType
from app.codes import labels as code_labels
from app.codes import operations as codes
from app.codes.models import CodeItem, CodeList
from app.core.access.roles import Role
from app.core.audit import AuditEntry
from app.core.enums import LabeledEnum
from app.core.templating import date_cn, datetime_cn
from app.dashboard import labels as dashboard_labels
from app.dashboard.models import TargetCode, TargetYear
from app.extensions import db
from app.persons import labels as person_labels
from app.persons.models import Person, PersonBaseline, PersonImport
from app.regions import labels as region_labels
from app.regions.models import Region
from app.subsidies import labels as subsidy_labels
from app.subsidies import params as programme_params
from app.subsidies import rules
from app.subsidies.models import Application, Attachment, Loan, Programme, RuleVersion

EMPTY = "空"

ACTION_LABELS: dict[str, str] = {
    **auth_labels.AUDIT_ACTION_LABELS,
    **region_labels.AUDIT_ACTION_LABELS,
    **code_labels.AUDIT_ACTION_LABELS,
    **person_labels.AUDIT_ACTION_LABELS,
    **case_labels.AUDIT_ACTION_LABELS,
    **business_labels.AUDIT_ACTION_LABELS,
    **subsidy_labels.AUDIT_ACTION_LABELS,
    **dashboard_labels.AUDIT_ACTION_LABELS,
}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


# ---------------------------------------------------------------------------------------------
# Object types

Names = Callable[[list[str]], dict[str, str]]


def _pairs(stmt: Any) -> dict[str, str]:
    return {str(key): value for key, value in db.session.execute(stmt)}


def _ints(ids: Iterable[str]) -> list[int]:
    return [int(i) for i in ids if str(i).isdigit() and int(i) < 2**31]


def _by_id(column: Any, label: Any) -> Names:
    def names(ids: list[str]) -> dict[str, str]:
        wanted = _ints(ids)
        if not wanted:
            return {}
        return _pairs(select(column, label).where(column.in_(wanted)))

    return names


def _user_names(ids: list[str]) -> dict[str, str]:
    rows = db.session.execute(select(User.id, User.full_name, User.username).where(User.id.in_(_ints(ids))))
    return {str(i): f"{name}（{username}）" for i, name, username in rows}


def _via_person(model: Any) -> Names:
    def names(ids: list[str]) -> dict[str, str]:
        rows = db.session.execute(select(model.id, Person.name).join(Person, Person.id == model.person_id)
                                  .where(model.id.in_(_ints(ids))))
        return {str(i): name for i, name in rows}

    return names


def _application_names(ids: list[str]) -> dict[str, str]:
    rows = db.session.execute(select(Application.id, Person.name, Programme.name)
                              .join(Person, Person.id == Application.person_id)
                              .join(Programme, Programme.id == Application.programme_id)
                              .where(Application.id.in_(_ints(ids))))
    return {str(i): f"{person} · {programme}" for i, person, programme in rows}


def _rule_version_names(ids: list[str]) -> dict[str, str]:
    versions = db.session.scalars(select(RuleVersion).where(RuleVersion.id.in_(_ints(ids))))
    return {str(v.id): v.full_label for v in versions}


def _service_type_names(codes_: list[str]) -> dict[str, str]:
    return _pairs(select(ServiceType.code, ServiceType.label).where(ServiceType.code.in_(codes_)))


def _baseline_names(ids: list[str]) -> dict[str, str]:
    rows = db.session.execute(select(PersonBaseline.id, Region.name, PersonBaseline.year)
                              .join(Region, Region.id == PersonBaseline.county_id)
                              .where(PersonBaseline.id.in_(_ints(ids))))
    return {str(i): f"{name} {year} 年" for i, name, year in rows}


def _years(ids: list[str]) -> dict[str, str]:
    return {i: f"{i} 年" for i in ids if i.isdigit()}


def _nothing(ids: list[str]) -> dict[str, str]:
    return {}


@dataclass(frozen=True)
class ObjectType:
    label: str
    model: Any = None  # its enum columns are shown by label
    fields: dict[str, str] = field(default_factory=dict)
    names: Names = _nothing
    # Field keys that are themselves codes of an enum (business kinds, target codes).
    key_enum: type[LabeledEnum] | None = None
    show_id: bool = True


_PERSON_FIELDS = {**person_labels.FIELD_LABELS, **person_labels.AUDIT_FIELD_LABELS}
_CASE_FIELDS = {**case_labels.FIELD_LABELS, **case_labels.AUDIT_FIELD_LABELS}
_PARAM_FIELDS = {p.key: p.title for p in programme_params.PARAMETERS.values()}

OBJECT_TYPES: dict[str, ObjectType] = {
    "user": ObjectType("用户", User, auth_labels.FIELD_LABELS, _user_names),
    "api_token": ObjectType("接口令牌", ApiToken, auth_labels.FIELD_LABELS, _by_id(ApiToken.id, ApiToken.name)),
    "route": ObjectType("页面", show_id=False),
    "region": ObjectType("区划", Region, region_labels.FIELD_LABELS, _by_id(Region.id, Region.name)),
    "code_item": ObjectType("代码项", CodeItem, code_labels.FIELD_LABELS, _by_id(CodeItem.id, CodeItem.label)),
    "person": ObjectType("人员", Person, _PERSON_FIELDS, _by_id(Person.id, Person.name)),
    "person_import": ObjectType("导入批次", PersonImport, _PERSON_FIELDS,
                                _by_id(PersonImport.id, PersonImport.file_name)),
    "person_baseline": ObjectType("年度基数", PersonBaseline, _PERSON_FIELDS, _baseline_names),
    "case": ObjectType("服务档案", Case, _CASE_FIELDS, _via_person(Case)),
    "case_request": ObjectType("建档申请", CaseRequest, _CASE_FIELDS, _via_person(CaseRequest)),
    "case_log": ObjectType("走访 / 辅导记录", CaseLog, _CASE_FIELDS),
    "service_type": ObjectType("服务类型", ServiceType, _CASE_FIELDS, _service_type_names),
    "service_item": ObjectType("服务事项", ServiceItem, _CASE_FIELDS, _by_id(ServiceItem.id, ServiceItem.title)),
    "business": ObjectType("经营主体", Business,
                           {**business_labels.FIELD_LABELS, **business_labels.AUDIT_FIELD_LABELS},
                           _by_id(Business.id, Business.name)),
    "business_kinds": ObjectType("企业类主体类型", key_enum=BusinessKind, show_id=False),
    "programme": ObjectType("补贴项目", Programme, subsidy_labels.FIELD_LABELS, _by_id(Programme.id, Programme.name)),
    "rule_version": ObjectType("参数版本", RuleVersion, {**subsidy_labels.FIELD_LABELS, **_PARAM_FIELDS},
                               _rule_version_names),
    "application": ObjectType("补贴申请", Application, subsidy_labels.FIELD_LABELS, _application_names),
    "attachment": ObjectType("申请附件", Attachment, subsidy_labels.FIELD_LABELS),
    "loan": ObjectType("创业担保贷款", Loan, subsidy_labels.FIELD_LABELS, _via_person(Loan)),
    "proactive": ObjectType("主动服务名单", fields=subsidy_labels.FIELD_LABELS, show_id=False),
    "target_year": ObjectType("年度目标", TargetYear, dashboard_labels.FIELD_LABELS, _years, key_enum=TargetCode),
}


def object_type_label(object_type: str | None) -> str:
    if not object_type:
        return ""
    found = OBJECT_TYPES.get(object_type)
    return found.label if found else object_type


# ---------------------------------------------------------------------------------------------
# Values

# Field keys whose values refer to other records or code lists (the same meaning in every domain).
REFERENCES = {
    "village_id": "region", "township_id": "region", "county_id": "region", "region_id": "region",
    "parent_id": "region",
    "village_code": "region_code", "region_code": "region_code",
    "person_id": "person", "founder_id": "person", "merged_into_id": "person",
    "specialist_id": "user", "mentor_id": "user", "opened_by_id": "user", "requested_by_id": "user",
    "decided_by_id": "user", "created_by_id": "user", "submitted_by_id": "user", "reviewed_by_id": "user",
    "needs": "service_type", "service_type": "service_type",
    "programme": "programme_code", "programme_id": "programme_id",
    "business_id": "business",
}
CODE_LISTS = {"industry": CodeList.INDUSTRY, "work_industry": CodeList.INDUSTRY,
              "intended_industry": CodeList.INDUSTRY, "mentor_expertise": CodeList.INDUSTRY,
              "work_region": CodeList.WORK_REGION}
ENUM_FIELDS: dict[str, type[LabeledEnum]] = {"roles": Role, "mentor_level": MentorLevel,
                                              "mentor_category": MentorCategory}
CHECK_STATUS = {**rules.STATUS_LABELS}

_LOADERS: dict[str, Callable[[set[str]], dict[str, str]]] = {
    "region": lambda keys: _by_id(Region.id, Region.name)(list(keys)),
    "region_code": lambda keys: _pairs(select(Region.code, Region.name).where(Region.code.in_(list(keys)))),
    "person": lambda keys: _by_id(Person.id, Person.name)(list(keys)),
    "user": lambda keys: _user_names(list(keys)),
    "service_type": lambda keys: _service_type_names(list(keys)),
    "programme_code": lambda keys: _pairs(select(Programme.code, Programme.name)
                                          .where(Programme.code.in_(list(keys)))),
    "programme_id": lambda keys: _by_id(Programme.id, Programme.name)(list(keys)),
    "business": lambda keys: _by_id(Business.id, Business.name)(list(keys)),
}

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)?$")


def _enum_columns(model: Any) -> dict[str, type[LabeledEnum]]:
    if model is None:
        return {}
    out = {}
    for attr in inspect(model).column_attrs:
        column_type = attr.columns[0].type
        if isinstance(column_type, SAEnum) and column_type.enum_class is not None:
            out[attr.key] = column_type.enum_class
    return out


_ENUM_COLUMNS = {name: _enum_columns(t.model) for name, t in OBJECT_TYPES.items()}


@dataclass
class Change:
    field: str
    old: str | None  # None: a single value (no "before")
    new: str


@dataclass
class EntryView:
    entry: AuditEntry
    action: str
    object_label: str
    object_name: str | None
    object_id: str | None
    changes: list[Change]
    detail: str | None

    @property
    def address(self) -> str:
        """Where the action came from: the client address, or 命令行 for the command line."""
        address = self.entry.address or ""
        return "命令行" if address == "cli" else address


class _Resolver:
    """Collects the references of a page of entries, then loads their names in one query per kind."""

    def __init__(self) -> None:
        self.wanted: dict[str, set[str]] = {}
        self.names: dict[str, dict[str, str]] = {}

    def want(self, kind: str, value: Any) -> None:
        values = value if isinstance(value, list) else [value]
        self.wanted.setdefault(kind, set()).update(str(v) for v in values if v is not None)

    def load(self) -> None:
        for kind, keys in self.wanted.items():
            self.names[kind] = _LOADERS[kind](keys) if keys else {}

    def name(self, kind: str, value: Any) -> str:
        key = str(value)
        found = self.names.get(kind, {}).get(key)
        return found if found is not None else (f"#{key}" if key.isdigit() else key)


def _scalar(value: Any) -> str:
    if value is None:
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return datetime_cn(value)
    if isinstance(value, date):
        return date_cn(value)
    if isinstance(value, str):
        if _ISO_DATE.match(value):
            return date_cn(date.fromisoformat(value))
        if _ISO_DATETIME.match(value):
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return datetime_cn(parsed) if parsed.tzinfo else date_cn(parsed)
        return value if value else EMPTY
    if isinstance(value, (list, tuple)):
        return "、".join(_scalar(v) for v in value) if value else EMPTY
    if isinstance(value, dict):
        return "；".join(f"{k}：{_scalar(v)}" for k, v in value.items()) if value else EMPTY
    return str(value)


class _Formatter:
    def __init__(self, object_type: str | None, resolver: _Resolver) -> None:
        self.type = OBJECT_TYPES.get(object_type or "", ObjectType(""))
        self.object_type = object_type or ""
        self.enums = _ENUM_COLUMNS.get(self.object_type, {})
        self.resolver = resolver

    def field_label(self, key: str) -> str:
        if self.type.key_enum is not None and key in self.type.key_enum.choices():
            return self.type.key_enum(key).label
        return self.type.fields.get(key) or key

    def want(self, key: str, value: Any) -> None:
        kind = REFERENCES.get(key)
        if kind is not None and value is not None:
            self.resolver.want(kind, value)
        if self.object_type == "person_baseline" and key == "values" and isinstance(value, dict):
            self.resolver.want("region", list(value))

    def value(self, key: str, value: Any) -> str:
        if value is None:
            return EMPTY
        if self.object_type == "rule_version" and key in programme_params.PARAMETERS:
            return programme_params.PARAMETERS[key].display(value)
        enum_cls = self.enums.get(key) or ENUM_FIELDS.get(key)
        if enum_cls is not None:
            if isinstance(value, list):
                return "、".join(enum_cls.label_of(v) for v in value) if value else EMPTY
            return enum_cls.label_of(value)
        kind = REFERENCES.get(key)
        if kind is not None:
            if isinstance(value, list):
                return "、".join(self.resolver.name(kind, v) for v in value) if value else EMPTY
            return self.resolver.name(kind, value)
        if key in CODE_LISTS:
            labels = codes.labels(CODE_LISTS[key])
            items = value if isinstance(value, list) else [value]
            return "、".join(labels.get(v, v) for v in items) if items else EMPTY
        if key == "check":
            return CHECK_STATUS.get(value, value)
        if key == "criteria" and isinstance(value, list):
            return "、".join(rules.CRITERIA[c].label if c in rules.CRITERIA else c for c in value) or EMPTY
        if self.object_type == "person_baseline" and key == "values" and isinstance(value, dict):
            return "；".join(f"{self.resolver.name('region', k)}：{_scalar(v)}" for k, v in value.items()) or EMPTY
        return _scalar(value)

    def changes(self, changes: dict | None) -> list[Change]:
        out: list[Change] = []
        pairs = [v for v in (changes or {}).values() if isinstance(v, list) and len(v) == 2]
        # A new record (every pair starts empty): its values alone, without the empty ones.
        created = len(pairs) > 1 and len(pairs) == len(changes or {}) and all(v[0] is None for v in pairs)
        for key, raw in (changes or {}).items():
            if created:
                if raw[1] is not None and raw[1] != [] and raw[1] != "":
                    out.append(Change(self.field_label(key), None, self.value(key, raw[1])))
                continue
            if (self.object_type == "rule_version" and key == "params" and isinstance(raw, list) and len(raw) == 2
                    and all(isinstance(v, dict) or v is None for v in raw)):
                # Entries written before parameters were recorded one by one.
                before, after = raw[0] or {}, raw[1] or {}
                for name in [k for k in programme_params.PARAMETERS if before.get(k) != after.get(k)]:
                    out.append(Change(self.field_label(name), self.value(name, before.get(name)),
                                      self.value(name, after.get(name))))
                continue
            label = self.field_label(key)
            if isinstance(raw, list) and len(raw) == 2:
                out.append(Change(label, self.value(key, raw[0]), self.value(key, raw[1])))
            else:
                out.append(Change(label, None, self.value(key, raw)))
        return out

    def want_all(self, changes: dict | None) -> None:
        for key, raw in (changes or {}).items():
            if isinstance(raw, list) and len(raw) == 2:
                self.want(key, raw[0])
                self.want(key, raw[1])
            else:
                self.want(key, raw)


def present(entries: Iterable[AuditEntry], *, with_names: bool = True) -> list[EntryView]:
    """The entries as the audit page and the record histories show them."""
    entries = list(entries)
    resolver = _Resolver()
    formatters = [_Formatter(e.object_type, resolver) for e in entries]
    for e, f in zip(entries, formatters, strict=True):
        f.want_all(e.changes)
    object_names: dict[tuple[str, str], str] = {}
    if with_names:
        by_type: dict[str, set[str]] = {}
        for e in entries:
            if e.object_type in OBJECT_TYPES and e.object_id is not None:
                by_type.setdefault(e.object_type, set()).add(e.object_id)
        for object_type, ids in by_type.items():
            for key, name in OBJECT_TYPES[object_type].names(sorted(ids)).items():
                object_names[(object_type, key)] = name
    resolver.load()
    out = []
    for e, f in zip(entries, formatters, strict=True):
        show_id = f.type.show_id if e.object_type in OBJECT_TYPES else True
        out.append(EntryView(
            entry=e, action=action_label(e.action), object_label=object_type_label(e.object_type),
            object_name=object_names.get((e.object_type or "", e.object_id or "")),
            object_id=e.object_id if show_id else None, changes=f.changes(e.changes), detail=e.detail))
    return out
