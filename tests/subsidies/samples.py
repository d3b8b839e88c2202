"""Access-test objects for businesses, applications, attachments, loans and programmes."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.auth import operations as auth_ops
from app.auth.models import User
from app.core import clock
from app.core.access.roles import Role
from app.extensions import db
from app.subsidies import operations as ops
from tests.access_samples import SCOPE_DAZHONGBA, Sample, sample
from tests.subsidies.factories import create_business, ensure_programmes, submit, user

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _submitter() -> str:
    """A township clerk of 分乡镇 other than demo_township, so demo users may review and decide."""
    name = "sample_township"
    if db.session.scalar(select(User).where(User.username == name)) is None:
        auth_ops.bootstrap_user(auth_ops.UserData(username=name, full_name="样例站员", region_code="420506103",
                                                  roles={Role.TOWNSHIP_STAFF}), "correct horse battery")
        db.session.commit()
    return name


@sample("business")
def business_sample(demo) -> Sample:
    ensure_programmes()
    b = create_business()
    return Sample({"business_id": b.id}, visible_to=SCOPE_DAZHONGBA, data={"version": b.version})


@sample("business_collect")
def business_collect_sample(demo) -> Sample:
    ensure_programmes()
    b = create_business(jobs=None)
    return Sample({"business_id": b.id, "programme": "startup_once"}, visible_to=SCOPE_DAZHONGBA)


@sample("application")
def application_sample(demo) -> Sample:
    ensure_programmes()
    a = submit(create_business(), actor=_submitter())
    return Sample({"application_id": a.id}, visible_to=SCOPE_DAZHONGBA)


@sample("attachment")
def attachment_sample(demo) -> Sample:
    ensure_programmes()
    a = submit(create_business(), actor=_submitter())
    f = ops.add_attachment(user("sample_township"), a, "license", ops.Upload("执照.png", PNG))
    db.session.commit()
    return Sample({"attachment_id": f.id}, visible_to=SCOPE_DAZHONGBA)


@sample("loan")
def loan_sample(demo) -> Sample:
    ensure_programmes()
    b = create_business()
    loan = ops.create_loan(user("demo_city"), b.founder, b, {
        "borrower_type": "individual", "amount": 150_000, "term_months": 24, "lender": "宜昌农商银行",
        "contract_on": (clock.today() - timedelta(days=90)).isoformat(), "rate_bp": 345})
    db.session.commit()
    return Sample({"loan_id": loan.id}, visible_to=SCOPE_DAZHONGBA, data={"version": loan.version})


@sample("programme")
def programme_sample(demo) -> Sample:
    ensure_programmes()
    return Sample({"code": "startup_once"})


def _application_with(data: dict) -> Sample:
    ensure_programmes()
    a = submit(create_business(), actor=_submitter())
    return Sample({"application_id": a.id}, visible_to=SCOPE_DAZHONGBA, data={**data, "version": a.version})


@sample("application_review")
def application_review_sample(demo) -> Sample:
    return _application_with({"decision": "pass"})


@sample("application_decision")
def application_decision_sample(demo) -> Sample:
    return _application_with({"decision": "return", "reason": "样例：请补充材料"})


@sample("application_payment")
def application_payment_sample(demo) -> Sample:
    return _application_with({"paid_on": clock.today().isoformat(), "amount": 5000, "voucher_no": "SAMPLE-1"})
