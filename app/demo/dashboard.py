"""Demo yearly targets (issue 7): this year's loan target and the other targets the city sets,
and this year's baselines (市外务工人数 per county, issue 4) so the 2% targets show on first run.
Idempotent: a year that already has settings, a county that already has a baseline, is left alone."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.core import audit, clock
from app.dashboard.models import TargetCode, TargetYear, YearlyTarget
from app.extensions import db
from app.persons.models import PersonBaseline
from app.regions.models import Region, RegionLevel

DEMO_TARGETS = {
    TargetCode.PROVINCIAL_PARKS: 2,
    TargetCode.MUNICIPAL_PARKS: 2,
    TargetCode.RECOGNISED_PROJECTS: 20,
    TargetCode.TRAINEES: 3000,
    TargetCode.LEADER_TRAINEES: 300,
    TargetCode.TYPICAL_CASES: 5,
}
DEMO_LOAN_TARGET = 80_000_000  # 元


def load_targets() -> str:
    year = clock.today().year
    if db.session.get(TargetYear, year) is not None:
        return f"{year} targets exist"
    db.session.add(TargetYear(year=year, count_incomers=False, loan_target=DEMO_LOAN_TARGET))
    for code, value in DEMO_TARGETS.items():
        db.session.add(YearlyTarget(year=year, code=code, county_id=None, value=value))
    audit.record("target_year_update", actor=None, object_type="target_year", object_id=year, detail="演示数据")
    db.session.flush()
    return f"set the {year} targets"


# 市外务工人数 at the end of last year per county (invented round figures of a plausible size):
# entered figures, so the demo dashboard shows targets and progress on first run.
DEMO_BASELINES = {
    "420502": 6_800, "420503": 5_900, "420504": 4_100, "420505": 2_300, "420506": 18_600, "420525": 9_700,
    "420526": 8_200, "420527": 21_400, "420528": 19_800, "420529": 10_300, "420581": 14_500,
    "420582": 16_900, "420583": 15_200,
}
DEMO_BASELINE_DEFAULT = 3_000  # a county-level unit not listed above (e.g. a development zone)
DEMO_BASELINE_SOURCE = "演示数据（虚构，非统计数字）"


def load_baselines() -> str:
    """This year's entered baseline for every county-level unit that has none (dated 15 January)."""
    year = clock.today().year
    have = set(db.session.scalars(select(PersonBaseline.county_id).where(PersonBaseline.year == year)))
    counties = db.session.execute(select(Region.id, Region.code, Region.name).where(Region.level == RegionLevel.COUNTY)
                                  .order_by(Region.code)).all()
    added = 0
    for county_id, code, name in counties:
        if county_id in have:
            continue
        baseline = PersonBaseline(county_id=county_id, year=year, value=DEMO_BASELINES.get(code, DEMO_BASELINE_DEFAULT),
                                  source=DEMO_BASELINE_SOURCE, source_date=date(year, 1, 15), entered_by=None)
        db.session.add(baseline)
        db.session.flush()
        audit.record("person_baseline_enter", baseline, actor=None,
                     changes={"value": [None, baseline.value]}, detail=f"{name} {year} 年基数（演示数据）")
        added += 1
    return f"entered {added} baselines for {year}"
