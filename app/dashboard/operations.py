"""Yearly targets and settings the city office enters (issue 7 §1). Views call these; they
validate, write the audit row and flush, never commit."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from app.core import audit
from app.core.access.dashboard import can_set_targets
from app.core.errors import FieldErrors, Forbidden, check_version
from app.dashboard.models import TargetCode, TargetYear, YearlyTarget
from app.extensions import db

MAX_LOAN_TARGET = 10**12  # 元: a sanity bound, not a policy figure
MAX_COUNT_TARGET = 10**7


@dataclass
class YearSettings:
    count_incomers: bool = False
    loan_target: int | None = None  # 元
    targets: dict[TargetCode, int | None] = field(default_factory=dict)


def other_targets(year: int) -> dict[TargetCode, int]:
    """The other yearly targets entered for `year` (city-wide values)."""
    rows = db.session.scalars(select(YearlyTarget).where(YearlyTarget.year == year,
                                                         YearlyTarget.county_id.is_(None)))
    return {row.code: row.value for row in rows}


def save_year_settings(actor: Any, year: int, settings: YearSettings, *, expected_version: int | None) -> TargetYear:
    """Set the loan target, the 入乡 setting and the other targets of `year` (city admins).
    `expected_version` is the settings' version the page showed (0 when none were saved)."""
    if not can_set_targets(actor):
        raise Forbidden("只有市级管理员可以设置年度目标。")
    errors: dict[str, list[str]] = {}
    if settings.loan_target is not None and not 0 <= settings.loan_target <= MAX_LOAN_TARGET:
        errors["loan_target"] = ["创业担保贷款目标应为不小于 0 的金额（元）。"]
    for code, value in settings.targets.items():
        if value is not None and not 0 <= value <= MAX_COUNT_TARGET:
            errors[code.value] = [f"{code.label}应为不小于 0 的整数。"]
    if errors:
        raise FieldErrors(errors)

    row = db.session.get(TargetYear, year)
    check_version(row, expected_version)  # VERSION_NEW (0) when the page showed no saved settings
    before = audit.snapshot(row) if row is not None else {}
    if row is None:
        row = TargetYear(year=year)
        db.session.add(row)
    row.count_incomers = settings.count_incomers
    row.loan_target = settings.loan_target
    db.session.flush()
    changes = audit.diff(before, audit.snapshot(row))

    existing = {t.code: t for t in db.session.scalars(
        select(YearlyTarget).where(YearlyTarget.year == year, YearlyTarget.county_id.is_(None)))}
    for code, value in settings.targets.items():
        current = existing.get(code)
        old = current.value if current is not None else None
        if old == value:
            continue
        if value is None:
            db.session.delete(current)
        elif current is None:
            db.session.add(YearlyTarget(year=year, code=code, county_id=None, value=value))
        else:
            current.value = value
        changes[code.value] = [old, value]
    db.session.flush()
    if changes:
        audit.record("target_year_update", row, actor=actor, object_type="target_year", object_id=year,
                     changes=changes)
    return row
