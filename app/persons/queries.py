"""Lists and searches of the person library, shared by the pages and the API.

Every statement starts from `visible_persons_condition(user)`; filters are equalities or ranges
on indexed columns, the name query an `IN` over an index range of `person_name_keys`, and pages
are keyset pages (`app.core.pagination`) over the composite (region, sort column, id) indexes.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload, load_only

from app.codes import operations as codes
from app.codes.models import CodeList
from app.core.access.persons import visible_persons_condition
from app.core.pagination import Page, Sort, keyset_page
from app.core.validators import UNSAFE_TEXT_MESSAGE, has_unsafe_chars
from app.extensions import db
from app.persons.labels import SORT_LABELS
from app.persons.models import Intention, Person, PersonNameKey, PersonSource, PersonStatus
from app.persons.names import next_string, normalize_query
from app.regions.models import Region, RegionLevel

SORTS = {
    "name": Sort("name", Person.name_sort, label=SORT_LABELS["name"]),
    "returned": Sort("returned", Person.returned_on, descending=True, nullable=True, label=SORT_LABELS["returned"]),
    "updated": Sort("updated", Person.updated_at, descending=True, label=SORT_LABELS["updated"]),
}
DEFAULT_SORT = "name"
ARCHIVED_CHOICES = ("active", "archived", "all")
COUNT_CAP = 1000


@dataclass
class PersonFilters:
    regions: list[Region] = field(default_factory=list)  # each narrows (county, township, village)
    status: PersonStatus | None = None
    sanyou: bool | None = None
    intention: Intention | None = None
    industry: str | None = None  # intended industry or industry worked in
    return_year: int | None = None
    source: PersonSource | None = None
    q: str | None = None
    archived: str = "active"


def name_condition(q: str | None):
    """Condition for a name query, or None when the query is empty.

    Pinyin (`zw`, `zengwei`): prefix range over the pinyin keys. Chinese: one character ->
    range over the grams starting with it; two -> the gram; more -> the first gram and a
    substring check."""
    parsed = normalize_query(q)
    if parsed is None:
        return None
    kind, text = parsed
    keys = PersonNameKey.key
    if kind == "pinyin" or len(text) == 1:
        matching = select(PersonNameKey.person_id).where(keys >= text, keys < next_string(text))
        return Person.id.in_(matching)
    matching = select(PersonNameKey.person_id).where(keys == text[:2])
    condition = Person.id.in_(matching)
    if len(text) > 2:
        condition = condition & Person.name.contains(text, autoescape=True)
    return condition


def _region_condition(region: Region):
    if region.level == RegionLevel.COUNTY:
        return Person.county_id == region.id
    if region.level == RegionLevel.TOWNSHIP:
        return Person.township_id == region.id
    if region.level == RegionLevel.VILLAGE:
        return Person.village_id == region.id
    return None


def filtered(user, filters: PersonFilters) -> Select:
    stmt = select(Person).where(visible_persons_condition(user))
    for region in filters.regions:
        condition = _region_condition(region)
        if condition is not None:
            stmt = stmt.where(condition)
    if filters.archived == "active":
        stmt = stmt.where(Person.archived_at.is_(None))
    elif filters.archived == "archived":
        stmt = stmt.where(Person.archived_at.is_not(None))
    if filters.status is not None:
        stmt = stmt.where(Person.status == filters.status)
    if filters.sanyou is not None:
        stmt = stmt.where(Person.is_sanyou.is_(filters.sanyou))
    if filters.intention is not None:
        stmt = stmt.where(Person.intention == filters.intention)
    if filters.industry:
        stmt = stmt.where(or_(Person.intended_industry == filters.industry, Person.work_industry == filters.industry))
    if filters.source is not None:
        stmt = stmt.where(Person.source == filters.source)
    if filters.return_year:
        year = filters.return_year
        stmt = stmt.where(Person.returned_on >= date(year, 1, 1), Person.returned_on < date(year + 1, 1, 1))
    condition = name_condition(filters.q)
    if condition is not None:
        stmt = stmt.where(condition)
    return stmt


# What a row of the list page shows (persons/_macros.html `people_table`, the cursor): the page
# loads only these, not the ciphertexts, hashes and free texts of 50 people.
TABLE_COLUMNS = (Person.id, Person.version, Person.name, Person.name_sort, Person.gender, Person.birth_date,
                 Person.id_number_masked, Person.phone_masked, Person.village_id, Person.status, Person.is_sanyou,
                 Person.merged_into_id, Person.archived_at, Person.intention, Person.returned_on,
                 Person.updated_at)


def list_page(user, filters: PersonFilters, sort: str, cursor: str | None, limit: int, *,
              table_only: bool = False) -> Page[Person]:
    """One page of the filtered list. `table_only` (the HTML list): only `TABLE_COLUMNS` and the
    village and township names are loaded (other attributes would load one query per row)."""
    # A name query drives the page from person_name_keys: its matches cluster in pinyin order,
    # so walking a sort index to find them could read most of the table (see keyset_page).
    # Rows show "township village": load each village's township in the same statement (one
    # lazy load per distinct township cost more than the page's query at 1M people).
    village = joinedload(Person.village)
    township = village.joinedload(Region.township)
    if table_only:
        village = village.load_only(Region.name, Region.township_id)
        township = township.load_only(Region.name)
    stmt = filtered(user, filters).options(village, township)
    if table_only:
        stmt = stmt.options(load_only(*TABLE_COLUMNS))
    return keyset_page(stmt, SORTS.get(sort) or SORTS[DEFAULT_SORT], Person.id, cursor, limit,
                       driven_by_filter=normalize_query(filters.q) is not None)


def count_capped(user, filters: PersonFilters, cap: int = COUNT_CAP) -> int:
    """How many match, counting at most `cap + 1` rows (the page says "1,000+" beyond that)."""
    inner = filtered(user, filters).with_only_columns(Person.id).limit(cap + 1).subquery()
    return db.session.scalar(select(func.count()).select_from(inner)) or 0


# ---------------------------------------------------------------------------------------------
# Parsing filters from a query string (pages) or validated API arguments

REGION_PARAMS = {"county": RegionLevel.COUNTY, "township": RegionLevel.TOWNSHIP,
                 "village": RegionLevel.VILLAGE, "region": None}
_TRUE = {"1", "true", "yes", "是"}
_FALSE = {"0", "false", "no", "否"}


def parse_filters(args: Mapping[str, Any]) -> tuple[PersonFilters, dict[str, list[str]]]:
    """Filters from request arguments, and Chinese errors by parameter name for bad values."""
    filters = PersonFilters()
    errors: dict[str, list[str]] = {}

    def bad(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    def text(name: str) -> str:
        value = args.get(name)
        value = "" if value is None else str(value).strip()
        if has_unsafe_chars(value):
            bad(name, UNSAFE_TEXT_MESSAGE)
            return ""
        return value

    def region_code(values: list, name: str) -> str:
        """The region picker without JavaScript sends one value per level: the deepest counts."""
        chosen = [str(v).strip() for v in values if v is not None and str(v).strip()]
        if any(has_unsafe_chars(v) for v in chosen):
            bad(name, UNSAFE_TEXT_MESSAGE)
            return ""
        return chosen[-1] if chosen else ""

    for name, level in REGION_PARAMS.items():
        code = text(name) if not hasattr(args, "getlist") else region_code(args.getlist(name), name)
        if not code:
            continue
        region = db.session.scalar(select(Region).where(Region.code == code))
        if region is None:
            bad(name, "没有这个区划代码。")
        elif level is not None and region.level != level:
            bad(name, f"应为{level.label}一级的区划代码。")
        else:
            filters.regions.append(region)
    for name, enum_cls in (("status", PersonStatus), ("intention", Intention), ("source", PersonSource)):
        value = text(name)
        if value:
            try:
                setattr(filters, name, enum_cls(value))
            except ValueError:
                bad(name, f"取值应为 {enum_cls.describe()} 之一。")
    sanyou = args.get("sanyou")
    if isinstance(sanyou, bool):
        filters.sanyou = sanyou
    elif text("sanyou"):
        value = text("sanyou").lower()
        if value in _TRUE | _FALSE:
            filters.sanyou = value in _TRUE
        else:
            bad("sanyou", "取值应为 true 或 false。")
    industry = text("industry")
    if industry:
        if industry not in codes.labels(CodeList.INDUSTRY):
            bad("industry", "行业代码不在代码表中。")
        else:
            filters.industry = industry
    year = text("return_year")
    if year:
        if year.isdigit() and 1950 <= int(year) <= 2100:
            filters.return_year = int(year)
        else:
            bad("return_year", "返乡年份应为四位年份，如 2025。")
    archived = text("archived") or "active"
    if archived in ARCHIVED_CHOICES:
        filters.archived = archived
    else:
        bad("archived", "取值应为 在库人员（active）、已归档（archived）、全部（all） 之一。")
    q = text("q")
    if len(q) > 64:
        bad("q", "姓名查询不能超过 64 个字。")
    else:
        filters.q = q or None
    return filters, errors


# ---------------------------------------------------------------------------------------------
# Audit flag: many full-ID views in one day

REVEAL_FLAG_THRESHOLD = 20


def heavy_revealers(day: date, threshold: int = REVEAL_FLAG_THRESHOLD) -> list[tuple[str, int]]:
    """Users who revealed the full ID number of more than `threshold` different people on `day`
    (Asia/Shanghai), most first. Served by the (action, at) index of the audit log."""
    from datetime import timedelta

    from app.core import clock
    from app.core.audit import AuditEntry

    start, end = clock.local_day_start(day), clock.local_day_start(day + timedelta(days=1))
    people = func.count(AuditEntry.object_id.distinct())
    stmt = (select(AuditEntry.username, people)
            .where(AuditEntry.action == "person_reveal_id", AuditEntry.result == "ok",
                   AuditEntry.at >= start, AuditEntry.at < end)
            .group_by(AuditEntry.username).having(people > threshold)
            .order_by(people.desc(), AuditEntry.username))
    return [(username or "—", count) for username, count in db.session.execute(stmt)]
