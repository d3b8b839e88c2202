"""The migrations build exactly the schema the models describe (SQLite; PostgreSQL is checked
with `flask db migrate` against a scratch database, see docs/persons.md)."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from app import create_app
from app.core.db import render_migration_item
from app.extensions import db
from config import TestingConfig
from tests.conftest import IS_POSTGRES


@pytest.mark.skipif(IS_POSTGRES, reason="runs on a scratch SQLite file")
# migrations/env.py (Flask-Migrate's template) tries the deprecated get_engine() first
@pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")
def test_migrations_match_the_models(tmp_path):
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'schema.db'}")
    with app.app_context():
        upgrade(directory="migrations")
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={
                "compare_type": True, "render_as_batch": True, "render_item": render_migration_item})
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert differences == []
