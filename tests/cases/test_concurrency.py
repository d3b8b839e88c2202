"""One open case per person under two concurrent requests (PostgreSQL: a race on SQLite's
in-memory database would prove nothing)."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from app.cases import operations as ops
from app.cases.models import Case
from app.core.errors import Conflict
from app.extensions import db
from app.persons.models import Person
from tests.cases.factories import user
from tests.conftest import IS_POSTGRES
from tests.persons.factories import create_person

pytestmark = pytest.mark.skipif(not IS_POSTGRES, reason="race test needs PostgreSQL (TEST_DATABASE_URL)")


def test_two_concurrent_opens_make_one_case(app, demo):
    person_ids = [create_person(user("demo_city")).id for _ in range(5)]
    for person_id in person_ids:
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def open_it(pid=person_id, barrier=barrier, outcomes=outcomes):
            with app.app_context():
                actor = user("demo_township")
                person = db.session.get(Person, pid)
                barrier.wait()
                try:
                    ops.open_case(actor, person)
                    db.session.commit()
                    outcomes.append("opened")
                except Conflict:
                    db.session.rollback()
                    outcomes.append("conflict")
                finally:
                    db.session.remove()

        threads = [threading.Thread(target=open_it) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcomes) == ["conflict", "opened"]
        count = db.session.scalar(select(func.count()).select_from(Case).where(Case.person_id == person_id))
        assert count == 1


def test_two_concurrent_api_opens_answer_201_and_409(app, demo, login_as):
    person_id = create_person(user("demo_city")).id
    clients = [login_as("demo_township"), login_as("demo_county")]
    barrier = threading.Barrier(2)
    codes: list[int] = []

    def post(client):
        barrier.wait()
        codes.append(client.post("/api/v1/cases", json={"person_id": person_id}).status_code)

    threads = [threading.Thread(target=post, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [201, 409]
