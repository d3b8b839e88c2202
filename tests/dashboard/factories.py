"""Businesses, loans and applications for dashboard tests (synthetic credit codes and people)."""
from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from app.businesses import operations as business_ops
from app.businesses.models import Business
from app.core.validators import credit_code_check_char
from app.extensions import db
from app.subsidies.models import Application, AppState, BorrowerType, Loan, LoanStatus, Programme, RuleVersion
from tests.persons.factories import city_admin, create_person

_serial = itertools.count(1)


def credit_code(n: int) -> str:
    first17 = f"92420506MA{n:07d}"
    return first17 + credit_code_check_char(first17)


def create_business(*, village_code: str = "420506103202", registered_on: date, kind: str = "individual",
                    founder=None, founder_status: str = "returned", commit: bool = True, **values: Any) -> Business:
    """A business registered through the operation (its founder: a new person unless given)."""
    n = next(_serial)
    founder = founder or create_person(village_code=village_code, status=founder_status)
    data = {"founder_id": founder.id, "name": f"测试经营主体{n}", "kind": kind, "credit_code": credit_code(n),
            "registered_on": registered_on.isoformat(), "village_code": village_code, "jobs": 2}
    data.update(values)
    business = business_ops.create_business(city_admin(), data)
    if commit:
        db.session.commit()
    return business


def create_loan(person, *, contract_on: date, amount: int, status: LoanStatus = LoanStatus.DISBURSED) -> Loan:
    loan = Loan(person_id=person.id, borrower_type=BorrowerType.INDIVIDUAL, partners=1, amount=amount,
                term_months=24, lender="测试银行", contract_on=contract_on, rate_bp=345, lpr_bp=345, status=status)
    loan.set_village(person.village)
    db.session.add(loan)
    db.session.commit()
    return loan


def create_application(person, programme: Programme, *, state: AppState, submitted_on: date,
                       decided_on: date | None = None, paid_on: date | None = None, amount: int = 5000) -> Application:
    version = db.session.query(RuleVersion).filter_by(programme_id=programme.id).first()
    application = Application(programme_id=programme.id, rule_version_id=version.id, person_id=person.id,
                              state=state, amount=amount, submitted_on=submitted_on,
                              submitted_by_id=city_admin().id, submission_check={}, decided_on=decided_on,
                              decided_by_id=city_admin().id if decided_on else None, paid_on=paid_on,
                              paid_amount=amount if paid_on else None)
    application.set_village(person.village)
    db.session.add(application)
    db.session.commit()
    return application
