"""Applications: submission record, deciders, re-check at decision, reasons, payment, versions."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.core import clock
from app.core.access.roles import Role
from app.core.audit import AuditEntry
from app.core.errors import Conflict, FieldErrors, Forbidden
from app.extensions import db
from app.subsidies import eligibility
from app.subsidies import operations as ops
from app.subsidies.eligibility import programme_by_code
from app.subsidies.models import Application, AppState, Grant, RuleVersion
from tests.subsidies.factories import create_business, months_ago, submit, user

pytestmark = pytest.mark.usefixtures("programmes")


def test_submission_stores_the_check_as_decision_record():
    business = create_business(registered_on=months_ago(7).isoformat())
    application = submit(business)
    assert application.state == AppState.SUBMITTED
    record = application.submission_check
    assert record["status"] == "eligible" and record["amount"] == 5000
    assert record["rule_version"] == "一次性创业补贴 第1版（2020年1月1日起）"
    assert [c["code"] for c in record["criteria"]] == programme_by_code("startup_once").criteria
    assert application.county_id == business.county_id and application.village_id == business.village_id


def test_county_officer_approves_and_pays():
    application = submit(create_business())
    ops.decide(user("demo_county"), application, "approve", expected_version=application.version)
    db.session.commit()
    assert application.state == AppState.APPROVED and application.decided_on == clock.today()
    assert application.decision_check["status"] == "eligible"
    assert db.session.scalar(select(func.count()).select_from(Grant).where(Grant.application_id == application.id)) == 1
    ops.record_payment(user("demo_county"), application, paid_on=clock.today().isoformat(), amount=5000,
                       voucher_no="YL-2026-001", expected_version=application.version)
    db.session.commit()
    assert (application.state, application.paid_amount, application.voucher_no) == (AppState.PAID, 5000, "YL-2026-001")
    actions = set(db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "application")))
    assert {"application_submitted", "application_approved", "application_paid"} <= actions


@pytest.mark.parametrize("username", ["demo_township", "demo_village", "demo_city", "demo_mentor", "demo_specialist",
                                      "demo_county2"])
def test_only_the_county_officer_in_scope_decides_a_county_programme(username):
    application = submit(create_business())
    with pytest.raises(Forbidden):
        ops.decide(user(username), application, "approve", expected_version=application.version)


def test_the_submitter_cannot_approve_their_own(make_user):
    officer = make_user("officer_submitter", roles=(Role.COUNTY_OFFICER,), region_code="420506")
    application = submit(create_business(), actor="officer_submitter")
    with pytest.raises(Forbidden, match="自己提交"):
        ops.decide(officer, application, "approve", expected_version=application.version)
    ops.decide(user("demo_county"), application, "approve", expected_version=application.version)


def test_city_programmes_are_decided_by_the_city_admin():
    application = submit(create_business(), programme="yangui_yichang")
    with pytest.raises(Forbidden):
        ops.decide(user("demo_county"), application, "approve", expected_version=application.version)
    ops.decide(user("demo_city"), application, "approve", expected_version=application.version)
    db.session.commit()
    assert application.amount == 50000 and application.state == AppState.APPROVED


@pytest.mark.parametrize("decision", ["reject", "return"])
def test_reject_and_return_need_a_reason(decision):
    application = submit(create_business())
    with pytest.raises(FieldErrors) as error:
        ops.decide(user("demo_county"), application, decision, "  ", expected_version=application.version)
    assert "reason" in error.value.fields
    ops.decide(user("demo_county"), application, decision, "材料不全", expected_version=application.version)
    db.session.commit()
    assert application.state == (AppState.REJECTED if decision == "reject" else AppState.RETURNED)
    assert application.reason == "材料不全"


def test_returned_application_is_resubmitted_after_correction():
    business = create_business(jobs=None)
    application = submit(business)
    assert application.submission_check["status"] == "incomplete"
    with pytest.raises(Conflict, match="资料不全"):
        ops.decide(user("demo_county"), application, "approve", expected_version=application.version)
    db.session.rollback()
    ops.decide(user("demo_county"), application, "return", "请补充带动就业人数", expected_version=application.version)
    db.session.commit()
    business.jobs = 2
    db.session.commit()
    ops.resubmit(user("demo_township"), application, expected_version=application.version)
    db.session.commit()
    assert application.state == AppState.SUBMITTED and application.submission_check["status"] == "eligible"
    ops.decide(user("demo_county"), application, "approve", expected_version=application.version)


def test_recheck_judges_months_at_submission_and_closure_at_decision():
    business = create_business(registered_on=months_ago(6).isoformat())
    application = submit(business)
    with clock.frozen(clock.today() + timedelta(days=40)):
        # months were met at submission; the business is still operating: approvable later too
        business.status, business.closed_on = business.status.CLOSED, clock.today() - timedelta(days=1)
        db.session.commit()
        with pytest.raises(Conflict, match="已注销"):
            ops.decide(user("demo_county"), application, "approve", expected_version=application.version)


def test_an_ineligible_application_cannot_be_approved():
    application = submit(create_business(registered_on=months_ago(5, 25).isoformat()))
    assert application.submission_check["status"] == "ineligible"
    with pytest.raises(Conflict):
        ops.decide(user("demo_county"), application, "approve", expected_version=application.version)


def test_a_second_application_of_the_same_programme_is_refused():
    business = create_business()
    submit(business)
    with pytest.raises(Conflict):
        submit(business)


def test_approving_twice_is_a_conflict():
    application = submit(create_business())
    ops.decide(user("demo_county"), application, "approve", expected_version=application.version)
    db.session.commit()
    with pytest.raises(Conflict):
        ops.decide(user("demo_county"), application, "approve", expected_version=application.version)


def test_two_applications_of_one_person_give_one_grant():
    first = submit(create_business())
    # A second application that slipped past the pre-check (two clerks submitting at once).
    other = create_business(founder=first.person)
    second = Application(**{c: getattr(first, c) for c in (
        "programme_id", "rule_version_id", "person_id", "amount", "submitted_on", "submitted_by_id",
        "submission_check", "village_id", "township_id", "county_id")}, business_id=other.id, state=AppState.SUBMITTED)
    db.session.add(second)
    db.session.commit()
    ops.decide(user("demo_county"), first, "approve", expected_version=first.version)
    db.session.commit()
    with pytest.raises(Conflict):
        ops.decide(user("demo_county"), second, "approve", expected_version=second.version)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Grant).where(Grant.person_id == first.person_id)) == 1


def test_township_review_when_configured(make_user):
    programme = programme_by_code("startup_once")
    programme.township_review = True
    db.session.commit()
    make_user("reviewer", roles=(Role.TOWNSHIP_STAFF,), region_code="420506103")
    application = submit(create_business())
    with pytest.raises(Conflict):
        ops.decide(user("demo_county"), application, "approve", expected_version=application.version)
    db.session.rollback()
    with pytest.raises(Forbidden):
        ops.review(user("demo_township"), application, "pass", expected_version=application.version)  # the submitter
    ops.review(user("reviewer"), application, "pass", expected_version=application.version)
    db.session.commit()
    assert application.state == AppState.TOWNSHIP_REVIEWED
    ops.decide(user("demo_county"), application, "approve", expected_version=application.version)


def test_publicity_then_payment():
    programme = programme_by_code("startup_once")
    programme.publicity_days = 5
    db.session.commit()
    application = submit(create_business())
    ops.decide(user("demo_county"), application, "approve", expected_version=application.version)
    db.session.commit()
    with pytest.raises(Conflict, match="公示"):
        ops.record_payment(user("demo_county"), application, paid_on=clock.today(), amount=5000, voucher_no="V1", expected_version=application.version)
    ops.publicise(user("demo_county"), application, expected_version=application.version)
    db.session.commit()
    assert application.publicity_until > clock.today()
    with clock.frozen(application.publicity_until + timedelta(days=1)):
        ops.record_payment(user("demo_county"), application, paid_on=clock.today(), amount=5000, voucher_no="V1", expected_version=application.version)
        db.session.commit()
    assert application.state == AppState.PAID


def test_payment_fields_are_validated():
    application = submit(create_business())
    ops.decide(user("demo_county"), application, "approve", expected_version=application.version)
    db.session.commit()
    with pytest.raises(FieldErrors) as error:
        ops.record_payment(user("demo_county"), application, paid_on="2026-13-01", amount=6000, voucher_no="", expected_version=application.version)
    assert set(error.value.fields) == {"paid_on", "amount", "voucher_no"}


def test_a_parameter_change_creates_a_new_version_and_old_applications_keep_theirs():
    programme = programme_by_code("startup_once")
    old = submit(create_business())
    v1 = old.rule_version
    with pytest.raises(Forbidden):
        ops.set_parameters(user("demo_county"), programme, {"amount": 8000}, clock.today())
    # The date of a used version cannot be edited in place.
    with pytest.raises(Conflict):
        ops.set_parameters(user("demo_city"), programme, {"amount": 8000}, v1.effective_from)
    db.session.rollback()
    v2 = ops.set_parameters(user("demo_city"), programme, {"amount": 8000, "min_jobs": 3}, clock.today(),
                            note="2026 年标准")
    db.session.commit()
    assert (v2.version_no, v2.params["amount"], v2.params["min_operating_months"]) == (2, 8000, 6)
    assert db.session.scalar(select(func.count()).select_from(RuleVersion).where(
        RuleVersion.programme_id == programme.id)) == 2
    assert old.rule_version_id == v1.id and v1.params["amount"] == 5000
    new = submit(create_business(jobs=3))
    assert new.rule_version_id == v2.id and new.amount == 8000
    # The old application is decided under its own version (amount 5000, 2 jobs).
    ops.decide(user("demo_county"), old, "approve", expected_version=old.version)
    db.session.commit()
    assert old.decision_check["rule_version_id"] == v1.id and old.amount == 5000
    assert eligibility.version_in_force(programme, clock.today()).id == v2.id
    with pytest.raises(FieldErrors):
        ops.set_parameters(user("demo_city"), programme, {"nonsense": 1}, clock.today() + timedelta(days=1))


def test_a_person_merge_moves_businesses_and_applications_and_refuses_two_grants():
    from app.persons import operations as person_ops
    from tests.persons.factories import create_person

    survivor, other = create_person(), create_person()
    business = create_business(founder=other)
    application = submit(business)
    person_ops.merge_persons(user("demo_county"), survivor, other, reason="同一人", survivor_version=survivor.version,
                             other_version=other.version)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(type(business), business.id).founder_id == survivor.id
    assert db.session.get(Application, application.id).person_id == survivor.id
    # Both records granted the one-time subsidy: the merge is refused.
    a, b = create_person(), create_person()
    for p in (a, b):
        application = submit(create_business(founder=p))
        ops.decide(user("demo_county"), application, "approve", expected_version=application.version)
        db.session.commit()
    with pytest.raises(Conflict, match="同一项一次性补贴"):
        person_ops.merge_persons(user("demo_county"), a, b, reason="同一人", survivor_version=a.version,
                                 other_version=b.version)
