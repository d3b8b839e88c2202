"""Configuration classes. Values come from the environment; secrets live in `instance/`.

`create_app()` picks the class from `APP_CONFIG` (development | testing | production), default
development. Production refuses to start without `SECRET_KEY` and `DATABASE_URL`.
"""
from __future__ import annotations

import os
from datetime import timedelta


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    APP_NAME = "返乡创业服务管理系统"
    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    # None means "sqlite file under instance/"; resolved in create_app().
    SQLALCHEMY_DATABASE_URI: str | None = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SQLALCHEMY_RECORD_QUERIES = False

    # Personal-data encryption keys (see docs/personal-data.md). None = generated into instance/.
    DATA_KEYS: str | None = os.environ.get("DATA_KEYS")
    # HMAC key of the lookup hashes (ID number, phone); never rotated with DATA_KEYS.
    DATA_HASH_KEY: str | None = os.environ.get("DATA_HASH_KEY")

    # Password hashing (werkzeug method string). Production uses scrypt N=2^17, r=8, p=1.
    PASSWORD_HASH_METHOD = "scrypt:32768:8:1"
    PASSWORD_MIN_LENGTH = 8

    # Sessions: server-side session rows; the cookie only carries a random id.
    SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)
    SESSION_TOUCH_INTERVAL = timedelta(seconds=60)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    SESSION_COOKIE_NAME = "fxcy_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False

    # Login throttling: per account in the database, per client address via Flask-Limiter.
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCK_MINUTES = 15
    LOGIN_ADDRESS_LIMIT = "30 per 15 minutes"
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = False
    # Number of trusted proxies in front of the app (X-Forwarded-For / -Proto / -Host).
    PROXY_FIX_COUNT = int(os.environ.get("PROXY_FIX_COUNT", "0"))

    # CSRF: checked by the central guard (app/core/access/guard.py) so that bearer-token API
    # requests can skip it while cookie-authenticated API writes cannot.
    WTF_CSRF_CHECK_DEFAULT = False
    WTF_CSRF_TIME_LIMIT = None  # bound to the session, which expires on its own

    FORCE_HTTPS_HEADERS = False  # HSTS; production only

    BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    APP_TIMEZONE = "Asia/Shanghai"

    BOOTSTRAP_SERVE_LOCAL = True

    MAX_CONTENT_LENGTH = 64 * 1024 * 1024
    UPLOAD_FOLDER: str | None = os.environ.get("UPLOAD_FOLDER")
    # Worker processes checking a large person import (app/persons/imports.py): None = the CPU
    # count (at most 4); 0 or 1 = in the request's own process.
    PERSON_IMPORT_WORKERS: int | None = int(os.environ["PERSON_IMPORT_WORKERS"]) \
        if os.environ.get("PERSON_IMPORT_WORKERS", "").isdigit() else None

    API_TITLE = "返乡创业服务管理系统 API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    API_SPEC_OPTIONS = {
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
                "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "fxcy_session"},
            }
        },
        "security": [{"bearerAuth": []}, {"cookieAuth": []}],
    }

    DEMO_ALLOWED = True
    PAGE_SIZE = 50


class DevelopmentConfig(Config):
    ENV_NAME = "development"


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    SECRET_KEY = "testing-secret-key-not-for-production"
    DATA_KEYS = "1:dGVzdGluZy1kYXRhLWtleS0zMi1ieXRlcy1sb25nISE="
    DATA_HASH_KEY = "dGVzdGluZy1oYXNoLWtleS0zMi1ieXRlcy1sb25nISE="
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"  # cheap for tests; production is checked by a test
    RATELIMIT_STORAGE_URI = "memory://"
    WTF_CSRF_ENABLED = False  # tests that check CSRF switch it on; browser tests use real forms


class ProductionConfig(Config):
    ENV_NAME = "production"
    PASSWORD_HASH_METHOD = "scrypt:131072:8:1"
    SESSION_COOKIE_SECURE = True
    FORCE_HTTPS_HEADERS = True
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379")
    # If Redis is unreachable, count per worker in memory rather than refusing every sign-in;
    # the per-account lockout (in the database) is unaffected.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    PROXY_FIX_COUNT = int(os.environ.get("PROXY_FIX_COUNT", "1"))
    DEMO_ALLOWED = False
    # Connection pool per worker process (PostgreSQL only; SQLite ignores it).
    DB_POOL_SIZE = int(os.environ.get("DB_POOL_SIZE", "5"))
    DB_MAX_OVERFLOW = int(os.environ.get("DB_MAX_OVERFLOW", "5"))


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    name = os.environ.get("APP_CONFIG", "development").strip().lower()
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"APP_CONFIG must be one of {sorted(CONFIGS)}, got {name!r}") from None


def debug_from_env() -> bool:
    return _env_bool("FLASK_DEBUG", False)
