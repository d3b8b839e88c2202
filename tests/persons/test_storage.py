"""No plain ID number or phone at rest: not in the SQLite file, not in any PostgreSQL table."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text

from app import create_app
from app.extensions import db
from app.persons import columns
from app.persons.models import Person
from config import TestingConfig
from tests.conftest import IS_POSTGRES, sign_in
from tests.persons.factories import make_id

ID = make_id(date(1979, 2, 28), seq=321)
NEW_ID = make_id(date(1979, 2, 27), seq=321)
PHONE = "15907169876"
NEW_PHONE = "0717-6549876"


def exercise(client) -> int:
    """Every write path that touches the numbers: create, edit the phone, lookups, reveal, correct."""
    created = client.post("/api/v1/persons", json={
        "id_number": ID, "name": "黄晓明", "phone": PHONE, "village_code": "420506103202",
        "source": "survey", "status": "returned"})
    assert created.status_code == 201
    person_id = created.get_json()["id"]
    assert client.patch(f"/api/v1/persons/{person_id}", json={"version": 1, "phone": NEW_PHONE}).status_code == 200
    assert client.post("/api/v1/persons/search", json={"id_number": ID}).status_code == 200
    assert client.post("/api/v1/persons/search", json={"phone": NEW_PHONE}).status_code == 200
    assert client.post("/persons/search", data={"value": ID}).status_code == 200
    assert client.post(f"/persons/{person_id}/reveal").status_code == 200
    duplicate = client.post("/api/v1/persons", json={"id_number": ID, "name": "黄晓明", "village_code": "420506103202",
                                                     "source": "survey", "status": "returned"})
    assert duplicate.status_code == 409
    assert client.post(f"/persons/{person_id}/correct-id", data={"id_number": NEW_ID, "reason": "录错",
                                                                 "version": "2"}).status_code == 302
    return person_id


def plain_values() -> list[str]:
    values = {ID, NEW_ID, PHONE, NEW_PHONE, "07176549876"}
    for person in db.session.scalars(select(Person)):
        values.add(columns.decrypt_id_number(person))
        phone = columns.decrypt_phone(person)
        if phone:
            values.add(phone)
    return sorted(values)


@pytest.mark.skipif(IS_POSTGRES, reason="the SQLite file test")
def test_sqlite_file_holds_no_plain_numbers(tmp_path):
    path = tmp_path / "library.db"
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with app.app_context():
        from app.demo import loaders

        db.create_all()
        for _, _, loader in loaders():
            loader()
            db.session.commit()
        exercise(sign_in(app.test_client(), "demo_city"))
        secrets = plain_values()
        assert len(secrets) > 50
        db.session.remove()
        db.engine.dispose()
    data = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert data.count(b"420506********") > 10  # the masked forms are there
    assert "黄晓明".encode() in data  # and the file is readable as it is
    for value in secrets:
        assert value.encode() not in data, value
        assert value.encode("utf-16-le") not in data, value


@pytest.mark.skipif(not IS_POSTGRES, reason="needs TEST_DATABASE_URL=postgresql…")
@pytest.mark.postgres
def test_postgres_tables_hold_no_plain_numbers(demo, app):
    exercise(sign_in(app.test_client(), "demo_city"))
    secrets = plain_values()
    dump = []
    for table in db.metadata.sorted_tables:
        dump += [row[0] for row in db.session.execute(text(f'SELECT t::text FROM "{table.name}" t'))]
    everything = "\n".join(dump)
    assert "420506********" in everything
    for value in secrets:
        assert value not in everything, value
