"""Year-end baselines for the 2% target (issue 4 §3): 市外务工人数 per county.

For target year Y the baseline date is 31 December of Y-1. Two figures per county:

- **entered** by the county officer (`PersonBaseline`: value, where it comes from, as of which
  date; audited, versioned);
- **computed** from the library (`PersonBaselineSnapshot`): the active people whose
  `outside_since` is on or before the baseline date and who had not returned by then
  (`returned_on` empty or after it). A person without `outside_since` is not counted (the
  library does not know when they left). It is a dated snapshot — stored with the moment it was
  computed — not today's status, so a return registered later does not change last year's figure
  until someone recomputes it.

The entered figure drives the target when present, else the computed one
(`Baseline.value` / `Baseline.source`). `baselines_for_year(year)` answers for every county in
three small indexed queries (the dashboard calls it on every request).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select

from app.core import audit, clock
from app.core.access import person_scale as access
from app.core.errors import FieldErrorCollector, FieldErrors, Forbidden, check_version
from app.core.fields import parse_date
from app.core.templating import date_cn
from app.core.validators import UNSAFE_TEXT_MESSAGE, has_unsafe_chars
from app.extensions import db
from app.persons.models import Person, PersonBaseline, PersonBaselineSnapshot
from app.regions.models import Region, RegionLevel

MIN_YEAR = 2000
MAX_VALUE = 10_000_000
SOURCE_LIMIT = 200

SOURCE_LABELS = {"entered": "县级填报", "computed": "信息库统计"}


@dataclass(frozen=True)
class Baseline:
    county_id: int
    year: int
    entered: int | None = None
    entered_source: str | None = None  # where the entered figure comes from (e.g. 统计年鉴)
    entered_source_date: date | None = None
    entered_by: str | None = None
    entered_version: int | None = None
    computed: int | None = None
    computed_at: datetime | None = None

    @property
    def value(self) -> int | None:
        return self.entered if self.entered is not None else self.computed

    @property
    def source(self) -> str | None:
        """"entered" | "computed" | None: which figure `value` is."""
        if self.entered is not None:
            return "entered"
        if self.computed is not None:
            return "computed"
        return None

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS.get(self.source or "", "暂无")


def baseline_date(year: int) -> date:
    """The baseline date of target year `year`: 31 December of the year before."""
    return date(year - 1, 12, 31)


def county_ids() -> list[int]:
    return list(db.session.scalars(select(Region.id).where(Region.level == RegionLevel.COUNTY).order_by(Region.code)))


def baselines_for_year(year: int) -> dict[int, Baseline]:
    """{county region id: Baseline} for every county-level unit (entered and computed figures)."""
    entered = {b.county_id: b for b in db.session.scalars(select(PersonBaseline).where(PersonBaseline.year == year))}
    computed = {s.county_id: s for s in db.session.scalars(
        select(PersonBaselineSnapshot).where(PersonBaselineSnapshot.year == year))}
    out = {}
    for county_id in county_ids():
        e, c = entered.get(county_id), computed.get(county_id)
        out[county_id] = Baseline(
            county_id=county_id, year=year,
            entered=e.value if e else None, entered_source=e.source if e else None,
            entered_source_date=e.source_date if e else None, entered_by=e.entered_by if e else None,
            entered_version=e.version if e else None,
            computed=c.value if c else None, computed_at=c.computed_at if c else None)
    return out


def outside_on(day: date):
    """SQL condition: the person was working outside the city on `day`."""
    return and_(Person.archived_at.is_(None), Person.outside_since.is_not(None), Person.outside_since <= day,
                or_(Person.returned_on.is_(None), Person.returned_on > day))


def count_outside(day: date) -> dict[int, int]:
    """{county id: people outside the city on `day`} (one grouped scan of the library)."""
    stmt = select(Person.county_id, func.count()).where(outside_on(day)).group_by(Person.county_id)
    return {county_id: n for county_id, n in db.session.execute(stmt) if county_id is not None}


def compute_snapshots(actor, year: int) -> dict[int, int]:
    """Recompute the library figure of `year` for every county the actor may see and store it
    with the time; audited. Returns {county id: value}."""
    if not access.can_compute_baselines(actor):
        raise Forbidden("只有县级服务中心和市级管理员可以重新统计基数。")
    check_year(year)
    counts = count_outside(baseline_date(year))
    visible = set(db.session.scalars(select(Region.id).where(
        Region.level == RegionLevel.COUNTY, access.baseline_counties_condition(actor, Region.id))))
    return _store_snapshots(year, {cid: counts.get(cid, 0) for cid in visible}, actor)


def refresh_all(year: int) -> dict[int, int]:
    """Recompute every county (CLI, benchmark generator); audited without an actor."""
    check_year(year)
    counts = count_outside(baseline_date(year))
    return _store_snapshots(year, {cid: counts.get(cid, 0) for cid in county_ids()}, None)


def _store_snapshots(year: int, values: dict[int, int], actor) -> dict[int, int]:
    now = clock.now()
    existing = {s.county_id: s for s in db.session.scalars(
        select(PersonBaselineSnapshot).where(PersonBaselineSnapshot.year == year))}
    for county_id, value in values.items():
        snapshot = existing.get(county_id)
        if snapshot is None:
            db.session.add(PersonBaselineSnapshot(county_id=county_id, year=year, value=value, computed_at=now))
        else:
            snapshot.value, snapshot.computed_at = value, now
    audit.record("person_baseline_compute", actor=actor, object_type="person_baseline",
                 changes={"year": year, "values": {str(k): v for k, v in sorted(values.items())}},
                 detail=f"按信息库重新统计 {year} 年基数（{date_cn(baseline_date(year))}市外务工人数），{len(values)} 个县市区")
    db.session.flush()
    return values


def check_year(year: int) -> int:
    latest = clock.today().year + 1
    if not MIN_YEAR <= year <= latest:
        raise FieldErrors.single("year", f"目标年度应在 {MIN_YEAR} 到 {latest} 年之间。")
    return year


def enter_baseline(actor, county: Region, year: int, *, value, source: str | None, source_date,
                   expected_version: int | None) -> PersonBaseline:
    """Record (or correct) the county's entered figure for target year `year`. Audited with the
    old and new values; `expected_version` is the figure's version the page showed (0 when none
    was entered): missing answers 422, stale 409."""
    if not access.can_enter_baseline(actor, county):
        raise Forbidden("只有本县级服务中心可以填报本县的基数。")
    errors: dict[str, list[str]] = {}
    try:
        check_year(year)
    except FieldErrors as error:
        errors.update(error.fields)
    number = None
    try:
        number = int(str(value).strip().replace(",", ""))
        if not 0 <= number <= MAX_VALUE:
            errors["value"] = [f"人数应在 0 到 {MAX_VALUE:,} 之间。"]
    except (TypeError, ValueError):
        errors["value"] = ["请填写整数人数。"]
    text = (source or "").strip()
    if not text:
        errors["source"] = ["请填写数据来源（如：县统计局 2025 年末外出务工统计）。"]
    elif has_unsafe_chars(text):
        errors["source"] = [UNSAFE_TEXT_MESSAGE]
    elif len(text) > SOURCE_LIMIT:
        errors["source"] = [f"数据来源不能超过 {SOURCE_LIMIT} 个字。"]
    dates = FieldErrorCollector()
    as_of = parse_date(source_date, "source_date", "数据日期", dates, required=True, not_in_future=True)
    errors.update(dates.fields)
    if errors:
        raise FieldErrors(fields=errors)
    baseline = db.session.scalar(select(PersonBaseline).where(PersonBaseline.year == year,
                                                              PersonBaseline.county_id == county.id))
    check_version(baseline, expected_version)  # VERSION_NEW (0) when the page showed no entered figure
    if baseline is None:
        baseline = PersonBaseline(county_id=county.id, year=year, value=number, source=text, source_date=as_of,
                                  entered_by=actor.username)
        db.session.add(baseline)
        db.session.flush()
        audit.record("person_baseline_enter", baseline, actor=actor,
                     changes={"value": [None, number], "source": [None, text], "source_date": [None, as_of]},
                     detail=f"{county.name} {year} 年基数")
    else:
        before = audit.snapshot(baseline)
        baseline.value, baseline.source, baseline.source_date = number, text, as_of
        baseline.entered_by = actor.username
        db.session.flush()
        changes = audit.diff(before, audit.snapshot(baseline))
        if changes:
            audit.record("person_baseline_enter", baseline, actor=actor, changes=changes,
                         detail=f"{county.name} {year} 年基数")
    db.session.flush()
    return baseline
