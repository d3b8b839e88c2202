"""The proactive list (主动服务, issue 6 §4): for a county or township, the businesses (and their
founders) that qualify for the one-time startup subsidy now and have not applied, and those that
will within 60 days, with the failing or missing criteria.

The candidates come from one indexed query (region column + `registered_on` range on
`ix_businesses_<level>_registered`, NOT EXISTS on the applications and grants indexes), never a
Python pass over every row; only the bounded candidate page is explained criterion by criterion.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import exists, or_, select

from app.businesses.models import Business, BusinessStatus
from app.cases.models import Case
from app.core.access.scope import region_scope
from app.extensions import db
from app.persons.models import Person
from app.subsidies import eligibility, rules, workflow
from app.subsidies.models import Application, Grant, ProgrammeKind

HORIZON_DAYS = 60
LIMIT = 500
NOW, SOON, MISSING = "now", "soon", "missing"
BUCKET_LABELS = {NOW: "现在符合", SOON: f"{HORIZON_DAYS} 天内符合", MISSING: "缺少数据"}


@dataclass
class Row:
    business: Business
    person: Person
    check: rules.CheckResult
    bucket: str
    holds_from: date | None
    has_case: bool

    @property
    def problems(self) -> list[rules.CriterionResult]:
        return [c for c in self.check.criteria if c.result != rules.PASSED]


def candidates_stmt(user: Any, today: date):
    programme = eligibility.programme_of_kind(ProgrammeKind.STARTUP_GRANT)
    params = eligibility.version_in_force(programme, today).params or {}
    months = int(params.get("min_operating_months") or 6)
    latest_registration = rules.add_months(today + timedelta(days=HORIZON_DAYS), -months)
    applied = exists().where(Application.programme_id == programme.id,
                             or_(Application.business_id == Business.id, Application.person_id == Business.founder_id),
                             Application.state.in_(workflow.BLOCKING_STATES))
    granted = exists().where(Grant.programme_id == programme.id,
                             or_(Grant.business_id == Business.id, Grant.person_id == Business.founder_id))
    return (select(Business).join(Person, Person.id == Business.founder_id)
            .where(region_scope(user, Business), Business.status == BusinessStatus.OPERATING,
                   Business.registered_on <= latest_registration,
                   or_(Business.is_first_registration.is_(None), Business.is_first_registration.is_(True)),
                   Person.status.in_(sorted(rules.RETURNEE_STATUSES)), Person.archived_at.is_(None),
                   ~applied, ~granted)
            .order_by(Business.registered_on, Business.id).limit(LIMIT)), programme


def rows(user: Any, today: date) -> list[Row]:
    if eligibility.programme_of_kind(ProgrammeKind.STARTUP_GRANT) is None:
        return []
    stmt, programme = candidates_stmt(user, today)
    businesses = list(db.session.scalars(stmt))
    founders = {b.founder_id for b in businesses}
    with_case = set(db.session.scalars(select(Case.person_id).where(Case.person_id.in_(founders),
                                                                    Case.closed_on.is_(None)))) if founders else set()
    horizon = today + timedelta(days=HORIZON_DAYS)
    out = []
    for business in businesses:
        check = eligibility.check(programme, business.founder, business, today)
        if check.status == rules.ELIGIBLE:
            bucket, holds = NOW, None
        elif check.status == rules.INCOMPLETE:
            bucket, holds = MISSING, None
        else:
            holds = check.holds_from
            if holds is None or holds > horizon:
                continue
            bucket = SOON
        out.append(Row(business, business.founder, check, bucket, holds, business.founder_id in with_case))
    order = {NOW: 0, SOON: 1, MISSING: 2}
    return sorted(out, key=lambda r: (order[r.bucket], r.holds_from or today, r.business.id))
