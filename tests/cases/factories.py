"""Cases for tests, built through the operations (synthetic people only)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.auth.models import User
from app.cases import operations as ops
from app.cases.models import Case
from app.extensions import db
from tests.persons.factories import create_person


def user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def create_case(*, village_code: str = "420506103202", specialist: str | None = None,
                mentor: str | None = None, stage: str | None = None, person=None,
                commit: bool = True, **person_fields: Any) -> Case:
    """A case for a new person in `village_code`, opened by demo_city; optionally assigned and
    moved to `stage` (via intention when the table needs it)."""
    admin = user("demo_city")
    person = person or create_person(admin, village_code=village_code, **person_fields)
    case = ops.open_case(admin, person)
    if specialist or mentor:
        ops.assign(admin, case, specialist=specialist, mentor=mentor, expected_version=case.version)
    if stage and stage != "pending_assignment":
        path = {"founded": ["intention", "founded"], "failed": ["intention", "failed"],
                "restart": ["intention", "failed", "restart"], "closed": ["closed"]}.get(stage, [stage])
        for step in path:
            ops.change_stage(case, step, admin, "测试", expected_version=case.version)
    if commit:
        db.session.commit()
    return case
