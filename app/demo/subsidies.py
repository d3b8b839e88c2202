"""Demo businesses, applications in every state and guaranteed loans (issue 6 §8).

Founders are demo people of 分乡镇 (大中坝村, 高家堰村) who have come back; every date is
relative to `clock.today()`: a business eligible now (not applied: try the one-time subsidy), one
eligible in about two months, one missing the jobs figure, failing ones (second registration,
closed), and applications submitted / 乡镇初审 / approved / rejected / returned / 公示 / paid.
Idempotent: businesses are keyed by their (synthetic) credit codes.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.auth.models import User
from app.businesses import operations as business_ops
from app.businesses.models import Business
from app.core import audit, clock
from app.core.validators import credit_code_check_char
from app.extensions import db
from app.persons.models import Person, PersonStatus
from app.regions.models import Region
from app.subsidies import operations as ops
from app.subsidies.eligibility import programme_by_code
from app.subsidies.models import AppState
from app.subsidies.rules import add_months
from app.subsidies.seed import seed

VILLAGES = ("420506103202", "420506103203")

# name, kind, months since registration (negative days allowed via extra), first registration,
# jobs, closed days ago, what to do with it
BUSINESSES = [
    ("鑫源生态农庄", "family_farm", 8, True, 4, None, None),  # eligible now, not applied
    ("山里红民宿", "individual", 4, True, 3, None, None),  # eligible in about two months
    ("柑橘电商小店", "individual", 9, True, None, None, None),  # jobs unknown: incomplete
    ("大中坝茶叶合作社", "cooperative", 10, False, 6, None, None),  # second registration: fails
    ("乡味农产品加工坊", "llc", 14, True, 5, 20, None),  # closed 20 days ago
    ("竹编工艺工作室", "individual", 7, True, 2, None, "submitted"),
    ("高家堰生猪养殖场", "family_farm", 9, True, 3, None, "township_reviewed"),
    ("清江鱼庄", "individual", 11, True, 4, None, "approved"),
    ("绿野家庭林场", "family_forest", 12, True, 1, None, "rejected"),
    ("山货直播间", "individual", 8, True, None, None, "returned"),
    ("乡创咖啡屋", "sole_proprietorship", 13, True, 3, None, "publicised"),
    ("田园汽修店", "individual", 15, True, 2, None, "paid"),
    ("宜昌返乡创客科技有限公司", "llc", 16, True, 12, None, "yangui"),
]


def demo_credit_code(index: int) -> str:
    body = f"92420506MA49K{index:04d}"
    return body + credit_code_check_char(body)


def _founders() -> list[Person]:
    villages = list(db.session.scalars(select(Region.id).where(Region.code.in_(VILLAGES))))
    return list(db.session.scalars(select(Person).where(
        Person.village_id.in_(villages), Person.archived_at.is_(None),
        Person.status.in_([PersonStatus.RETURNED, PersonStatus.FOUNDED, PersonStatus.INCOMER])).order_by(Person.id)))


def _user(name: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == name))


def load_subsidies() -> str:
    added = seed()
    township, county, city = _user("demo_township"), _user("demo_county"), _user("demo_city")
    founders = _founders()
    if township is None or county is None or city is None or len(founders) < len(BUSINESSES):
        db.session.flush()
        return f"defaults ({added} rows); demo businesses need the demo people and accounts"
    today = clock.today()
    existing = set(db.session.scalars(select(Business.credit_code)))
    created = 0
    startup = programme_by_code("startup_once")
    for index, (name, kind, months, first, jobs, closed_days, action) in enumerate(BUSINESSES):
        code = demo_credit_code(index)
        if code in existing:
            continue
        founder = founders[index]
        values = {"founder_id": founder.id, "name": name, "kind": kind, "credit_code": code,
                  "registered_on": add_months(today, -months).isoformat(), "is_first_registration": first,
                  "village_code": founder.village.code, "jobs": jobs, "industry": None}
        if closed_days:
            values.update(status="closed", closed_on=(today - timedelta(days=closed_days)).isoformat())
        business = business_ops.create_business(city, values)
        created += 1
        if action is None:
            continue
        if action == "yangui":
            application = ops.submit(township, programme_by_code("yangui_yichang"), founder, business)
            continue
        application = ops.submit(township, startup, founder, business)
        if action == "township_reviewed":
            _force(township, application, AppState.TOWNSHIP_REVIEWED)
        elif action in ("approved", "publicised", "paid"):
            ops.decide(county, application, "approve", expected_version=application.version)
            if action == "publicised":
                _force(county, application, AppState.PUBLICISED, publicity_until=today + timedelta(days=4))
            if action == "paid":
                ops.record_payment(county, application, paid_on=today, amount=application.amount,
                                   voucher_no=f"YLCY-{today.year}-{index:03d}", expected_version=application.version)
        elif action == "rejected":
            ops.decide(county, application, "reject", "带动就业不足 2 人（含本人），不符合一次性创业补贴条件。",
                       expected_version=application.version)
        elif action == "returned":
            ops.decide(county, application, "return", "请补充带动就业人数及用工证明后重新提交。",
                       expected_version=application.version)
    if created:
        _loans(township, county, founders, today)
    db.session.flush()
    return f"defaults ({added} rows), {created} businesses"


def _force(actor, application, state: AppState, **values) -> None:
    """Demo only: put an application in a state whose step is not configured by default."""
    previous = application.state
    application.state = state
    for key, value in values.items():
        setattr(application, key, value)
    db.session.flush()
    audit.record(f"application_{state.value}", application, actor=actor,
                 changes={"state": [previous.value, state.value]})


def _loans(township, county, founders, today) -> None:
    guaranteed = programme_by_code("guaranteed_loan")
    first = founders[7]
    loan = ops.create_loan(township, first, None, {
        "borrower_type": "individual", "amount": 200_000, "term_months": 24, "lender": "宜昌农商银行夷陵支行",
        "contract_on": (today - timedelta(days=150)).isoformat(), "rate_bp": 345})
    loan.status = loan.status.REPAYING
    loan.overdue_periods = [2]
    application = ops.submit(township, guaranteed, first, None, loan=loan)
    if application.submission_check["status"] == "eligible":  # 有信誉 assessed
        ops.decide(county, application, "approve", expected_version=application.version)
    partner = founders[10]
    loan2 = ops.create_loan(township, partner, None, {
        "borrower_type": "partnership", "partners": 3, "amount": 600_000, "term_months": 36,
        "lender": "中国邮政储蓄银行宜昌市分行", "contract_on": (today - timedelta(days=20)).isoformat(), "rate_bp": 350})
    ops.submit(township, guaranteed, partner, None, loan=loan2)
