"""Synthetic businesses and applications for tests (credit codes with valid check characters)."""
from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from app.auth.models import User
from app.businesses import operations as business_ops
from app.businesses.models import Business
from app.core import clock
from app.core.validators import credit_code_check_char
from app.extensions import db
from app.subsidies import operations as ops
from app.subsidies.eligibility import programme_by_code
from app.subsidies.models import Application
from app.subsidies.seed import seed
from tests.persons.factories import create_person

_counter = itertools.count(1)


def credit_code(n: int | None = None) -> str:
    n = next(_counter) if n is None else n
    body = f"92420506MA{n:07d}"
    return body + credit_code_check_char(body)


def user(name: str) -> User:
    return db.session.scalar(select(User).where(User.username == name))


def ensure_programmes() -> None:
    seed()
    db.session.commit()


def create_business(founder=None, actor: User | None = None, *, commit: bool = True, **overrides: Any) -> Business:
    """An operating business in 大中坝村 registered 7 months ago, first registration, 3 jobs."""
    actor = actor or user("demo_city")
    founder = founder or create_person(actor)
    values = {
        "founder_id": founder.id, "name": f"测试农庄{next(_counter)}号", "kind": "individual",
        "credit_code": credit_code(), "registered_on": (clock.today() - timedelta(days=215)).isoformat(),
        "is_first_registration": True, "village_code": "420506103202", "industry": None, "jobs": 3,
    }
    values.update(overrides)
    business = business_ops.create_business(actor, values)
    if commit:
        db.session.commit()
    return business


def submit(business: Business, actor: str = "demo_township", programme: str = "startup_once", **kwargs) -> Application:
    application = ops.submit(user(actor), programme_by_code(programme), business.founder, business, **kwargs)
    db.session.commit()
    return application


def months_ago(months: int, days: int = 0) -> date:
    from app.subsidies.rules import add_months

    return add_months(clock.today(), -months) - timedelta(days=days)
