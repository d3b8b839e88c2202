"""`flask db upgrade` on an empty database builds exactly the models' schema (issue 2 acceptance).

Alembic's comparison covers tables, columns, types, nullability, indexes, unique constraints and
foreign keys. Runs on the database family of the suite (SQLite, or PostgreSQL via TEST_DATABASE_URL).
"""
from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from app import create_app
from app.extensions import db
from config import TestingConfig
from tests.conftest import DATABASE_URL, IS_POSTGRES

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")


@pytest.fixture
def empty_database_url(tmp_path):
    if not IS_POSTGRES:
        yield f"sqlite:///{tmp_path / 'schema.db'}"
        return
    base = make_url(DATABASE_URL)
    name = f"{base.database}_schema_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\' '
                          "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_migrations_build_exactly_the_models(empty_database_url):
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == []
        tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set(db.metadata.tables)

        # The append-only trigger comes with the migration too.
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO audit_entries (at, action, result) VALUES (CURRENT_TIMESTAMP, 'x', 'ok')"))
        for statement in ("UPDATE audit_entries SET action = 'y'", "DELETE FROM audit_entries"):
            with pytest.raises(DBAPIError), db.engine.begin() as conn:
                conn.execute(text(statement))

        downgrade(directory=MIGRATIONS, revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()
