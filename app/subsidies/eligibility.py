"""`check(programme, person, business, as_of)`: explained eligibility (issue 6 §3).

Reads only (no writes): the rule version in force on `as_of`, whether the programme was already
granted to the person or the business, the year's approvals for quota programmes. The criteria
themselves are the pure functions of `app.subsidies.rules`.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select

from app.core import clock
from app.core.errors import Conflict
from app.core.templating import date_cn
from app.extensions import db
from app.subsidies import rules, workflow
from app.subsidies.models import Application, Grant, Loan, Programme, ProgrammeKind, RuleVersion


def programme_by_code(code: str) -> Programme | None:
    return db.session.scalar(select(Programme).where(Programme.code == code))


def programmes_of_kind(*kinds: ProgrammeKind) -> list[Programme]:
    """The programmes of these kinds, in display order."""
    stmt = select(Programme).where(Programme.kind.in_(kinds)).order_by(Programme.sort_order, Programme.id)
    return list(db.session.scalars(stmt))


def programme_of_kind(kind: ProgrammeKind) -> Programme | None:
    """The (first) programme of a kind: the startup grant, the guaranteed loan, the interest subsidy."""
    found = programmes_of_kind(kind)
    return found[0] if found else None


def version_in_force(programme: Programme, on: date) -> RuleVersion:
    version = db.session.scalar(
        select(RuleVersion).where(RuleVersion.programme_id == programme.id, RuleVersion.effective_from <= on)
        .order_by(RuleVersion.effective_from.desc()).limit(1))
    if version is None:
        raise Conflict(f"{programme.name}在 {date_cn(on)} 没有生效的参数版本。")
    return version


def person_facts(person) -> rules.PersonFacts:
    return rules.PersonFacts(id=person.id, status=person.status.value, creditworthy=person.creditworthy)


def business_facts(business) -> rules.BusinessFacts | None:
    if business is None:
        return None
    return rules.BusinessFacts(id=business.id, registered_on=business.registered_on,
                               is_first_registration=business.is_first_registration, jobs=business.jobs,
                               status=business.status.value, closed_on=business.closed_on)


def loan_facts(loan: Loan | None) -> rules.LoanFacts | None:
    if loan is None:
        return None
    return rules.LoanFacts(borrower_type=loan.borrower_type.value, amount=loan.amount,
                           term_months=loan.term_months, partners=loan.partners, status=loan.status.value)


def already_granted(programme: Programme, person_id: int | None, business_id: int | None) -> bool:
    if not programme.is_one_time:
        return False
    conditions = []
    if person_id is not None:
        conditions.append(Grant.person_id == person_id)
    if business_id is not None:
        conditions.append(Grant.business_id == business_id)
    if not conditions:
        return False
    return db.session.scalar(select(Grant.id).where(Grant.programme_id == programme.id, or_(*conditions))
                             .limit(1)) is not None


def quota_used(programme: Programme, year: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Application).where(
        Application.programme_id == programme.id, Application.state.in_(workflow.GRANTED_STATES),
        Application.decided_on >= date(year, 1, 1), Application.decided_on <= date(year, 12, 31))) or 0


def check(programme: Programme, person, business=None, as_of: date | None = None, *,
          state_on: date | None = None, loan: Loan | None = None,
          loan_data: rules.LoanFacts | None = None, version: RuleVersion | None = None) -> rules.CheckResult:
    """Explain whether `person` (with `business`) qualifies for `programme` on `as_of` (default
    today). `state_on` judges "still operating" and "not already granted" (the decision date when
    an application is re-checked); `version` pins the rule version (the submission's)."""
    as_of = as_of or clock.today()
    state_on = state_on or as_of
    version = version or version_in_force(programme, as_of)
    params = dict(version.params or {})
    facts = rules.Facts(
        person=person_facts(person),
        business=business_facts(business),
        as_of=as_of,
        state_on=state_on,
        already_granted=already_granted(programme, person.id, business.id if business is not None else None),
        quota_used=quota_used(programme, as_of.year) if "within_quota" in programme.criteria else 0,
        loan=loan_data or loan_facts(loan),
    )
    amount = params.get("amount")
    if programme.kind == ProgrammeKind.GUARANTEED_LOAN and facts.loan is not None:
        amount = rules.loan_cap(params, facts.loan.borrower_type, facts.loan.partners)
    return rules.evaluate(programme.criteria, facts, params, version.sources or {},
                          seed_clause=programme.seed_clause or "", rule_version=version.full_label,
                          rule_version_id=version.id, amount=amount)
