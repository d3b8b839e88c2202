"""The numbers of the targets dashboard (issue 7): the target table, drill-downs, record lists.

Every figure is computed on request from trigger-maintained counters or indexed columns, so a
write is visible on the next request and nothing scans the million-row person table:

- people / 三有人员: `village_person_counts` (≤ 1,650 rows) joined to `regions`;
- further sources (businesses, grants, loans, cases) add `Metric`s to `METRICS` with their own
  grouped counts and record lists.

A drill-down groups the children of a region: the city by county, a county by township, a
township by village. The record list behind a cell uses the same condition as the count, so the
list's total always equals the number clicked (tests/dashboard/test_drilldown.py).
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select

from app.core import clock
from app.core.errors import FieldErrors
from app.dashboard import sources
from app.dashboard.metrics import (  # noqa: F401 - the building blocks, also read as queries.*
    LIST_KINDS,
    METRICS,
    Context,
    ListKind,
    Metric,
    child_level,
    owned_condition,
    owned_grouping,
    regions_grouping,
    register_metric,
)
from app.dashboard.models import TargetYear, VillagePersonCount
from app.extensions import db
from app.persons.models import Person
from app.regions.models import Region, RegionLevel

FIRST_YEAR = 2020
TARGET_RATE_PERCENT = 2  # new returnee businesses ≥ 2% of the previous year-end baseline


# ---------------------------------------------------------------------------------------------
# Rules (pure)

def target_for(baseline: int | None) -> int | None:
    """2% of the baseline, rounded up to a whole business; None without a baseline."""
    if baseline is None:
        return None
    return -(-baseline * TARGET_RATE_PERCENT // 100)


def elapsed_share(year: int, today: date) -> float:
    """Share of `year` elapsed on `today` (0 before it starts, 1 once it is over)."""
    if year < today.year:
        return 1.0
    if year > today.year:
        return 0.0
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    return ((today - start).days + 1) / (end - start).days


# Progress may trail the share of the year elapsed by this much before the status turns amber,
# and by this much before it turns red (so no county is red in the first weeks of January).
AMBER_GAP = 0.05
RED_GAP = 0.20


def progress_status(progress: float | None, elapsed: float) -> str:
    """`ahead` (green), `behind` (amber), `late` (red), or `none` without a target."""
    if progress is None:
        return "none"
    gap = elapsed - progress
    if gap <= AMBER_GAP:
        return "ahead"
    if gap <= RED_GAP:
        return "behind"
    return "late"


def parse_year(value: Any) -> int:
    """The year asked for (default: this year); 422 on `year` when it is not a plausible year."""
    today = clock.today()
    if value in (None, ""):
        return today.year
    try:
        year = int(str(value).strip())
    except ValueError:
        raise FieldErrors.single("year", "年份应为四位数字，如 2026。") from None
    if not FIRST_YEAR <= year <= today.year + 1:
        raise FieldErrors.single("year", f"年份应在 {FIRST_YEAR} 至 {today.year + 1} 之间。")
    return year


def _person_counts(value_column: Any) -> Callable[[Region | None, Context], dict[int, int]]:
    def grouped(parent: Region | None, ctx: Context) -> dict[int, int]:
        column, condition = regions_grouping(parent)
        stmt = (select(column, func.coalesce(func.sum(value_column), 0))
                .join(Region, Region.id == VillagePersonCount.village_id)
                .where(condition).group_by(column))
        return {key: int(value) for key, value in db.session.execute(stmt) if key is not None}

    return grouped


def _person_records(sanyou: bool) -> Callable[[Any, Region, Context], Select]:
    def records(user: Any, region: Region, ctx: Context) -> Select:
        from app.core.access.dashboard import record_scope

        stmt = select(Person).where(record_scope(user, Person), owned_condition(Person, region),
                                    Person.archived_at.is_(None))
        if sanyou:
            stmt = stmt.where(Person.is_sanyou.is_(True))
        return stmt

    return records


register_metric(Metric("people", "信息库人数", _person_counts(VillagePersonCount.people),
                       _person_records(False), "persons", current=True, order=70))
register_metric(Metric("sanyou", "三有人员", _person_counts(VillagePersonCount.sanyou),
                       _person_records(True), "persons", current=True, order=80))


# ---------------------------------------------------------------------------------------------
# Settings and baselines

def settings_for(year: int) -> TargetYear:
    """The city's settings for `year` (an unsaved default when none were entered)."""
    found = db.session.get(TargetYear, year)
    return found if found is not None else TargetYear(year=year, count_incomers=False, loan_target=None)


@dataclass(frozen=True)
class BaselineFigure:
    value: int | None
    source: str | None  # "entered" | "computed" | None


def baselines(year: int) -> dict[int, BaselineFigure]:
    """{county id: baseline} for the target year `year` (people working outside the city at the
    previous year-end: entered by the county, else computed from the library; issue 4 §3)."""
    from app.persons.baselines import baselines_for_year

    return {county_id: BaselineFigure(b.value, b.source) for county_id, b in baselines_for_year(year).items()}


# ---------------------------------------------------------------------------------------------
# The target table

@dataclass
class TargetRow:
    region: Region | None  # None: the city total
    code: str
    name: str
    baseline: int | None = None
    baseline_source: str | None = None
    target: int | None = None
    progress: float | None = None
    status: str = "none"
    values: dict[str, int | None] = field(default_factory=dict)
    grants: dict[str, dict[str, int]] = field(default_factory=dict)  # by programme code
    drillable: bool = False
    context: Context | None = None  # on the total row: the computation's context (charts reuse it)

    @property
    def is_total(self) -> bool:
        return self.region is None


def counties() -> list[Region]:
    return list(db.session.scalars(select(Region).where(Region.level == RegionLevel.COUNTY).order_by(Region.code)))


def city() -> Region | None:
    return db.session.scalar(select(Region).where(Region.level == RegionLevel.CITY))


PROGRESS_METRIC = "new_entities"


def _finish(row: TargetRow, elapsed: float) -> None:
    row.target = target_for(row.baseline)
    achieved = row.values.get(PROGRESS_METRIC)
    if row.target and achieved is not None:
        row.progress = achieved / row.target
    row.status = progress_status(row.progress, elapsed)


def target_table(user: Any, year: int) -> list[TargetRow]:
    """One row per county-level unit and the city total (last), for `year`.

    Every county's totals are shown to every dashboard viewer (the county officer's exception,
    `app.core.access.dashboard.can_see_totals`); `drillable` says whose records the viewer may
    open."""
    from app.core.access.dashboard import can_drill, can_see_totals

    today = clock.today()
    ctx = Context(year, settings_for(year), today)
    elapsed = elapsed_share(year, today)
    figures = baselines(year)
    grouped = {key: metric.grouped(None, ctx) for key, metric in METRICS.items()}
    grants = sources.grants_by_programme(ctx)
    rows: list[TargetRow] = []
    total = TargetRow(None, (city().code if city() else ""), "全市合计", values={k: 0 for k in METRICS})
    baseline_sum, baseline_known = 0, False
    for county in counties():
        if not can_see_totals(user, county):
            continue
        figure = figures.get(county.id)
        row = TargetRow(county, county.code, county.name,
                        baseline=figure.value if figure else None,
                        baseline_source=figure.source if figure and figure.value is not None else None,
                        values={key: grouped[key].get(county.id, 0) for key in METRICS},
                        grants=grants.get(county.id, {}), drillable=can_drill(user, county))
        _finish(row, elapsed)
        rows.append(row)
        if row.baseline is not None:
            baseline_sum += row.baseline
            baseline_known = True
        for key, value in row.values.items():
            total.values[key] = (total.values[key] or 0) + (value or 0)
    if baseline_known:
        total.baseline = baseline_sum
        kinds = {r.baseline_source for r in rows if r.baseline_source}
        total.baseline_source = kinds.pop() if len(kinds) == 1 else "mixed"
    _finish(total, elapsed)
    # The city total's own target is the sum of the counties' targets (each rounded up).
    county_targets = [r.target for r in rows if r.target is not None]
    total.target = sum(county_targets) if county_targets else None
    total.progress = None
    if total.target and total.values.get(PROGRESS_METRIC) is not None:
        total.progress = total.values[PROGRESS_METRIC] / total.target
    total.status = progress_status(total.progress, elapsed)
    total.drillable = can_drill(user, city())
    total.grants = grants.get(None, {})
    total.context = ctx
    rows.append(total)
    return rows


# ---------------------------------------------------------------------------------------------
# Drill-down

@dataclass
class DrillRow:
    region: Region
    values: dict[str, int]


def children(parent: Region) -> list[Region]:
    level = child_level(parent)
    column = {RegionLevel.COUNTY: Region.parent_id, RegionLevel.TOWNSHIP: Region.county_id,
              RegionLevel.VILLAGE: Region.township_id}[level]
    return list(db.session.scalars(select(Region).where(column == parent.id, Region.level == level)
                                   .order_by(Region.code)))


def drill(parent: Region, year: int) -> tuple[list[DrillRow], dict[str, int]]:
    """The children of `parent` with every metric, and the parent's own totals."""
    ctx = Context(year, settings_for(year), clock.today())
    grouped = {key: metric.grouped(parent, ctx) for key, metric in METRICS.items()}
    rows = [DrillRow(child, {key: grouped[key].get(child.id, 0) for key in METRICS}) for child in children(parent)]
    totals = {key: sum(values.values()) for key, values in grouped.items()}
    return rows, totals


def records(user: Any, region: Region, metric: Metric, year: int) -> Select:
    ctx = Context(year, settings_for(year), clock.today())
    assert metric.records is not None
    return metric.records(user, region, ctx)


def amount_total(stmt: Select, column: Any) -> int:
    inner = stmt.order_by(None).with_only_columns(column.label("amount")).subquery()
    return int(db.session.scalar(select(func.coalesce(func.sum(inner.c.amount), 0))) or 0)


def count(stmt: Select) -> int:
    inner = stmt.order_by(None).subquery()
    return int(db.session.scalar(select(func.count()).select_from(inner)) or 0)


def percent(value: float | None) -> str:
    return "—" if value is None else f"{math.floor(value * 1000) / 10:.1f}%"


def _person_row(p: Person) -> list[Any]:
    from app.persons.views import place

    return [p.name, p.id_number_masked, p.phone_masked, place(p.village), p.status.label,
            "是" if p.is_sanyou else "否", p.returned_on.isoformat() if p.returned_on else None]




def _register_person_list() -> None:
    from app.core.pagination import Sort

    LIST_KINDS["persons"] = ListKind(Sort("name", Person.name_sort), Person.id,
                                     ["姓名", "身份证号码（脱敏）", "联系电话（脱敏）", "户籍村（社区）", "状态", "三有人员",
                                      "返乡日期"], _person_row)


_register_person_list()



def record_page(metric: Metric, stmt: Select, cursor: str | None, limit: int):
    from app.core.pagination import keyset_page

    kind = LIST_KINDS[metric.list_kind]
    return keyset_page(stmt, kind.sort, kind.tiebreak, cursor, limit)


EXPORT_BATCH = 2000


def record_rows(metric: Metric, stmt: Select) -> tuple[list[str], Any]:
    """Header and every row of a record list (streamed in keyset batches, no OFFSET)."""
    kind = LIST_KINDS[metric.list_kind]

    def rows():
        cursor = None
        while True:
            page = record_page(metric, stmt, cursor, EXPORT_BATCH)
            for item in page.items:
                yield kind.row(item)
            if not page.next_cursor:
                return
            cursor = page.next_cursor

    return kind.header, rows()
