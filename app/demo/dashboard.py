"""Demo yearly targets (issue 7): this year's loan target and the other targets the city sets.
Idempotent: a year that already has settings is left alone."""
from __future__ import annotations

from app.core import audit, clock
from app.dashboard.models import TargetCode, TargetYear, YearlyTarget
from app.extensions import db

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
