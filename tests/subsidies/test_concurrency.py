"""No double grants under concurrency (PostgreSQL only: SQLite serialises writers, and row locks
are a no-op there, so a race test on SQLite proves nothing)."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from app.core.errors import AppError
from app.extensions import db
from app.subsidies import operations as ops
from app.subsidies.models import Application, AppState, Grant
from tests.conftest import IS_POSTGRES
from tests.subsidies.factories import create_business, submit, user

pytestmark = [pytest.mark.usefixtures("programmes"),
              pytest.mark.skipif(not IS_POSTGRES, reason="race tests need PostgreSQL (TEST_DATABASE_URL)")]


def _race(app, application_ids: list[int], threads: int) -> list[int]:
    barrier = threading.Barrier(threads)
    db.session.commit()
    statuses: list[int] = []
    lock = threading.Lock()

    def approve(application_id: int) -> None:
        with app.app_context():
            officer = user("demo_county")
            application = db.session.get(Application, application_id)
            db.session.commit()  # give the connection back: 20 threads share a pool of 15
            barrier.wait(30)
            try:
                ops.decide(officer, application, "approve", expected_version=application.version)
                db.session.commit()
                status = 200
            except AppError as error:
                db.session.rollback()
                status = error.status
            finally:
                db.session.remove()
            with lock:
                statuses.append(status)

    workers = [threading.Thread(target=approve, args=(application_ids[i % len(application_ids)],))
               for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    return statuses


def test_twenty_concurrent_approvals_of_one_application(app):
    application = submit(create_business())
    statuses = _race(app, [application.id], 20)
    assert sorted(statuses) == [200] + [409] * 19
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Grant).where(
        Grant.person_id == application.person_id)) == 1
    assert db.session.get(Application, application.id).state == AppState.APPROVED


def test_two_applications_of_one_person_approved_at_once_give_one_grant(app):
    first = submit(create_business())
    other = create_business(founder=first.person)
    second = Application(**{c: getattr(first, c) for c in (
        "programme_id", "rule_version_id", "person_id", "amount", "submitted_on", "submitted_by_id",
        "submission_check", "village_id", "township_id", "county_id")}, business_id=other.id, state=AppState.SUBMITTED)
    db.session.add(second)
    db.session.commit()
    statuses = _race(app, [first.id, second.id], 10)
    assert sorted(statuses) == [200] + [409] * 9
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Grant).where(Grant.person_id == first.person_id)) == 1
    states = sorted(db.session.get(Application, i).state.value for i in (first.id, second.id))
    assert states == ["approved", "submitted"]
