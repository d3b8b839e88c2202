"""Database engine settings that the benchmarks at 1M people depend on."""
from app import create_app
from config import TestingConfig


def test_postgresql_connections_never_switch_to_generic_plans():
    """psycopg prepares a statement after five executions and PostgreSQL may then plan it
    without its parameters: the name search took 600 ms instead of 40 ms that way."""
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI="postgresql+psycopg://u@127.0.0.1:1/none")
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["prepare_threshold"] is None
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True


def test_sqlite_engine_has_no_psycopg_arguments():
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI="sqlite://")
    assert "connect_args" not in app.config["SQLALCHEMY_ENGINE_OPTIONS"]
