"""Test fixtures.

The database comes from TEST_DATABASE_URL (default: in-memory SQLite, fresh per test). On
PostgreSQL the schema is created once per run and every table is truncated after each test.
Regions are loaded from the project's CSV copy once and re-inserted per test by executemany.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import insert, select, text

from app import create_app
from app.auth import operations as auth_ops
from app.auth.models import User
from app.core.access.roles import Role
from app.extensions import db
from config import TestingConfig
from tests.safeguard import pytest_runtest_logreport, pytest_sessionfinish  # noqa: F401  (a run must test something)

DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "sqlite://")
IS_POSTGRES = DATABASE_URL.startswith("postgresql")
_pg_schema_ready = False
_region_rows: list[dict] | None = None
_code_rows: list[dict] | None = None


def pytest_report_header(config):
    return f"database: {'PostgreSQL' if IS_POSTGRES else 'SQLite'} ({DATABASE_URL.split('@')[-1]})"


def _prepare_schema() -> None:
    global _pg_schema_ready
    if IS_POSTGRES:
        if not _pg_schema_ready:
            db.drop_all()
            db.create_all()
            _pg_schema_ready = True
    else:
        db.create_all()


def _truncate_all() -> None:
    names = ", ".join(t.name for t in db.metadata.sorted_tables)
    db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    db.session.commit()


@pytest.fixture
def app() -> Iterator[Flask]:
    application = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=DATABASE_URL)
    with application.app_context():
        _prepare_schema()
        yield application
        db.session.remove()
        if IS_POSTGRES:
            _truncate_all()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def _load_regions_fast() -> None:
    """First call: load from CSV and remember the rows; later calls: one executemany."""
    global _region_rows, _code_rows
    from app.codes.models import CodeItem
    from app.codes.operations import seed_defaults
    from app.regions.models import Region
    from app.regions.operations import load_regions

    if _region_rows is None:
        load_regions()
        seed_defaults()
        db.session.commit()
        table = Region.__table__
        _region_rows = [dict(r._mapping) for r in db.session.execute(select(table).order_by(table.c.id))]
        codes = CodeItem.__table__
        _code_rows = [dict(r._mapping) for r in db.session.execute(select(codes).order_by(codes.c.id))]
        return
    db.session.execute(insert(Region.__table__), _region_rows)
    db.session.execute(insert(CodeItem.__table__), _code_rows)
    if IS_POSTGRES:
        _reset_sequences([Region.__table__, CodeItem.__table__])
    db.session.commit()


@pytest.fixture
def regions(app: Flask) -> None:
    _load_regions_fast()


@pytest.fixture
def demo(regions) -> dict[str, User]:
    """The demo accounts of issue 2 §8 and the demo data later loaders add.

    The loaders run once per day of `clock.today()` (their data is dated relative to it); the
    rows they wrote are remembered and re-inserted into each later test's fresh database.
    """
    from app.core import clock
    from app.demo import loaders

    key = clock.today()
    snapshot = _demo_snapshots.get(key)
    if snapshot is None:
        for _, _, loader in loaders():
            loader()
            db.session.commit()
        _demo_snapshots[key] = {
            table.name: [dict(row._mapping) for row in db.session.execute(select(table))]
            for table in db.metadata.sorted_tables if table.name not in _BASE_TABLES
            and "maintained_by" not in table.info  # counter tables: their triggers refill them
        }
    else:
        for table in db.metadata.sorted_tables:
            rows = snapshot.get(table.name)
            if rows:
                db.session.execute(insert(table), rows)
        if IS_POSTGRES:
            _reset_sequences([t for t in db.metadata.sorted_tables if snapshot.get(t.name)])
        db.session.commit()
    return {u.username: u for u in db.session.scalars(select(User))}


_demo_snapshots: dict = {}
_BASE_TABLES = {"regions", "code_items"}


def _reset_sequences(tables) -> None:
    for table in tables:
        keys = list(table.primary_key.columns)
        if len(keys) == 1 and keys[0].autoincrement is not False and keys[0].type.python_type is int:
            name = table.name
            db.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{name}', '{keys[0].name}'), "
                f"coalesce((SELECT max({keys[0].name}) FROM {name}), 1), "
                f"(SELECT max({keys[0].name}) FROM {name}) IS NOT NULL)"))


@pytest.fixture
def region(regions) -> Callable[[str], object]:
    from app.regions.operations import by_code

    def get(code: str):
        found = by_code(code)
        assert found is not None, code
        return found

    return get


@pytest.fixture
def make_user(regions) -> Callable[..., User]:
    counter = {"n": 0}

    def make(username: str | None = None, roles=(Role.VILLAGE_STAFF,), region_code: str = "420506103202",
             password: str = "correct horse battery", **mentor) -> User:
        counter["n"] += 1
        data = auth_ops.UserData(username=username or f"user{counter['n']}", full_name="测试用户",
                                 region_code=region_code, roles=set(roles))
        if Role.MENTOR in roles:
            data.mentor_level = mentor.get("level", "county")
            data.mentor_category = mentor.get("category", "expert")
            data.mentor_capacity = mentor.get("capacity", 10)
            data.mentor_expertise = mentor.get("expertise", [])
        user = auth_ops.bootstrap_user(data, password)
        db.session.commit()
        return user

    return make


def sign_in(client: FlaskClient, user: User | str) -> FlaskClient:
    """Open a server-side session for `user` and put its id in the client's cookie."""
    if isinstance(user, str):
        user = db.session.scalar(select(User).where(User.username == user))
    token = auth_ops.start_session(user, address="127.0.0.1", user_agent="pytest")
    db.session.commit()
    with client.session_transaction() as session:
        session.clear()
        session["sid"] = token
    return client


@pytest.fixture
def login_as(app: Flask) -> Callable[[str | User], FlaskClient]:
    """`login_as("demo_village")` -> a fresh test client signed in as that user."""

    def login(user: User | str) -> FlaskClient:
        return sign_in(app.test_client(), user)

    return login


@pytest.fixture
def csrf_on(app: Flask) -> Iterator[None]:
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False
