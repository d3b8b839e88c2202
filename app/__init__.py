"""Application factory."""
from __future__ import annotations

import logging
import secrets
from pathlib import Path

from flask import Flask, g, session
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from app.core.records import MAX_ID
from config import Config, ProductionConfig, config_from_env


def create_app(config: type[Config] | None = None, **overrides) -> Flask:
    config = config or config_from_env()
    app = Flask(__name__, instance_relative_config=True)
    app.url_map.converters["int"] = BoundedInt
    app.config.from_object(config)
    app.config.update(overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _resolve_secrets(app, config)

    if app.config["PROXY_FIX_COUNT"]:
        n = app.config["PROXY_FIX_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    if not event.contains(Engine, "connect", _sqlite_pragmas):
        event.listen(Engine, "connect", _sqlite_pragmas)
    _init_extensions(app)
    _init_domains(app)
    _register_hooks(app)
    logging.getLogger("app").setLevel(logging.INFO)
    return app


class BoundedInt(IntegerConverter):
    """`<int:…>` URL parts beyond a 32-bit integer column answer 404 instead of overflowing."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def _resolve_secrets(app: Flask, config: type[Config]) -> None:
    instance = Path(app.instance_path)
    production = issubclass(config, ProductionConfig)
    if not app.config.get("SECRET_KEY"):
        if production:
            raise RuntimeError("SECRET_KEY must be set in the environment in production.")
        key_file = instance / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_hex(32))
            key_file.chmod(0o600)
        app.config["SECRET_KEY"] = key_file.read_text().strip()
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        if production:
            raise RuntimeError("DATABASE_URL must be set in the environment in production.")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'app.db'}"
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") and app.config.get("DB_POOL_SIZE"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
            "pool_size": app.config["DB_POOL_SIZE"],
            "max_overflow": app.config["DB_MAX_OVERFLOW"],
        }
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg"):
        # No server-side prepared statements: after five executions PostgreSQL may switch a
        # prepared statement to a generic plan, which for the name search (a key range whose
        # width the plan cannot know) walks a whole county — 600 ms instead of 40 ms at 1M people.
        options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **options, "connect_args": {"prepare_threshold": None, **options.get("connect_args", {})}}
    if not app.config.get("UPLOAD_FOLDER"):
        app.config["UPLOAD_FOLDER"] = str(instance / "uploads")
    from app.core import crypto

    crypto.init_app(app, production=production)


def _sqlite_pragmas(dbapi_connection, connection_record) -> None:  # pragma: no cover - driver hook
    module = type(dbapi_connection).__module__
    if "sqlite" in module:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def _init_extensions(app: Flask) -> None:
    from app import models  # noqa: F401  (complete metadata)
    from app.core.db import render_migration_item
    from app.extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True, render_item=render_migration_item)
    csrf.init_app(app)
    babel.init_app(app)
    bootstrap.init_app(app)
    app.config.setdefault("RATELIMIT_ENABLED", True)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.session_protection = None  # server-side sessions do this job

    from app.auth.loader import load_user_from_request

    login_manager.request_loader(load_user_from_request)


def _init_domains(app: Flask) -> None:
    """Each domain's `init_app` registers its blueprint, CLI, nav entries, home panels,
    person-page sections, hooks, listeners and demo loader; nothing registers itself on import."""
    from app import audit, auth, businesses, cases, codes, dashboard, main, persons, regions, subsidies
    from app.api import init_api
    from app.demo.cli import demo_cli

    for domain in (main, auth, regions, codes, audit, persons, cases, businesses, subsidies, dashboard):
        domain.init_app(app)
    init_api(app)
    app.cli.add_command(demo_cli)


def _register_hooks(app: Flask) -> None:
    from app.core import audit, forms
    from app.core.access.guard import enforce
    from app.core.errors import register_error_handlers
    from app.core.security import apply_security_headers
    from app.core.templating import init_templating
    from app.extensions import db

    @app.before_request
    def _fresh_request_state():
        # Per-request state lives on `g`, which belongs to the app context; tests (and code that
        # serves requests inside an existing context) share one context across requests.
        for key in ("_login_user", "auth_method", "session_end_reason", "incident"):
            g.pop(key, None)

    app.before_request(enforce)
    forms.init_app(app)  # after `enforce`: a replayed POST is answered only once access is checked
    app.after_request(apply_security_headers)
    register_error_handlers(app)
    init_templating(app)

    @app.teardown_request
    def _write_pending_audit(exc):  # a failure queued by a view that handled its own error
        if db.session.info.get("pending_audit_failures"):
            try:
                db.session.rollback()
                audit.write_pending_failures()
            except Exception:  # pragma: no cover - never mask the original response
                logging.getLogger("app.audit").exception("could not write queued audit rows")
                db.session.rollback()

    @app.before_request
    def _make_session_permanent():
        session.permanent = True

