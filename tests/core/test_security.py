"""Security baseline: CSRF, headers, error pages, production settings (issue 2 §5)."""
import pytest
from werkzeug.security import generate_password_hash

from app import create_app
from app.core.access import public
from config import ProductionConfig, TestingConfig


def test_post_without_csrf_token_is_refused(client, demo, csrf_on):
    response = client.post("/login", data={"username": "demo_village", "password": "Demo-2026!"})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)


def test_post_with_csrf_token_from_the_form_is_accepted(client, demo, csrf_on):
    import re

    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"username": "demo_village", "password": "Demo-2026!",
                                           "csrf_token": token})
    assert response.status_code == 302


def test_signed_in_form_post_without_token_is_refused(login_as, demo, csrf_on):
    response = login_as("demo_village").post("/logout")
    assert response.status_code == 400


EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def _check_headers(response, no_store=True):
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    for name, value in EXPECTED.items():
        assert response.headers[name] == value
    if no_store:
        assert response.headers["Cache-Control"] == "no-store"


def test_headers_on_pages_errors_and_api(client, demo, login_as):
    _check_headers(client.get("/login"))
    signed_in = login_as("demo_village")
    _check_headers(signed_in.get("/"))
    _check_headers(signed_in.get("/no/such/page"))
    _check_headers(signed_in.get("/users"))  # 403
    _check_headers(client.get("/api/v1/me"))  # 401 JSON
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_session_cookie_flags(client, demo):
    response = client.post("/login", data={"username": "demo_village", "password": "Demo-2026!"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_settings():
    assert ProductionConfig.SESSION_COOKIE_SECURE is True
    assert ProductionConfig.FORCE_HTTPS_HEADERS is True
    assert ProductionConfig.DEMO_ALLOWED is False
    assert ProductionConfig.PASSWORD_HASH_METHOD == "scrypt:131072:8:1"
    assert ProductionConfig.RATELIMIT_STORAGE_URI.startswith("redis://")
    # The production parameters really are what the hash records (N = 2^17).
    assert generate_password_hash("x", method=ProductionConfig.PASSWORD_HASH_METHOD).startswith("scrypt:131072:8:1$")


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    class NoSecret(ProductionConfig):
        SECRET_KEY = None
        SQLALCHEMY_DATABASE_URI = "sqlite://"
        DATA_KEYS = TestingConfig.DATA_KEYS
        DATA_HASH_KEY = TestingConfig.DATA_HASH_KEY

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(NoSecret)


def test_production_sends_hsts(monkeypatch):
    class Prod(ProductionConfig):
        SECRET_KEY = "x" * 32
        SQLALCHEMY_DATABASE_URI = "sqlite://"
        RATELIMIT_STORAGE_URI = "memory://"
        DATA_KEYS = TestingConfig.DATA_KEYS
        DATA_HASH_KEY = TestingConfig.DATA_HASH_KEY

    app = create_app(Prod)
    response = app.test_client().get("/login", base_url="https://example.org")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_unexpected_error_page_is_chinese_with_incident_id_and_no_trace(app, client, caplog):
    def boom():
        raise RuntimeError("secret internal detail 420506199001011235")

    app.add_url_rule("/boom", "boom", public(boom))
    response = client.get("/boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "系统内部错误" in body and "事件编号" in body
    assert "Traceback" not in body and "secret internal detail" not in body
    _check_headers(response)
    api = client.get("/api/v1/nope")
    assert api.status_code == 404 and api.get_json()["error"]["code"] == "not_found"


def test_database_error_text_is_not_logged(app, client, caplog):
    from sqlalchemy import text

    from app.extensions import db

    def bad():
        db.session.execute(text("SELECT * FROM no_such_table_420506199001011235"))

    app.add_url_rule("/bad-sql", "bad_sql", public(bad))
    response = client.get("/bad-sql")
    assert response.status_code == 500
    assert "420506199001011235" not in caplog.text
    assert "database error" in caplog.text


def test_testing_config_is_cheap_hashing():
    assert TestingConfig.PASSWORD_HASH_METHOD != ProductionConfig.PASSWORD_HASH_METHOD


def test_sign_in_survives_an_unreachable_redis(app, demo, tmp_path):
    """Production falls back to per-worker counting when Redis is down instead of refusing logins."""

    class Prod(ProductionConfig):
        SECRET_KEY = "x" * 32
        DATA_KEYS = TestingConfig.DATA_KEYS
        DATA_HASH_KEY = TestingConfig.DATA_HASH_KEY
        RATELIMIT_STORAGE_URI = "redis://127.0.0.1:1"  # nothing listens there
        WTF_CSRF_ENABLED = False
        SESSION_COOKIE_SECURE = False

    from tests.conftest import DATABASE_URL

    prod = create_app(Prod, SQLALCHEMY_DATABASE_URI=DATABASE_URL)
    if DATABASE_URL == "sqlite://":
        pytest.skip("a second app cannot share the in-memory SQLite database")
    response = prod.test_client().post("/login", data={"username": "demo_village", "password": "Demo-2026!"})
    assert response.status_code == 302


def test_huge_ids_in_urls_are_not_found_not_errors(login_as, demo):
    city = login_as("demo_city")
    for url in ("/users/99999999999999999999", "/users/2147483648", "/api/v1/me/tokens/99999999999999999999"):
        method = city.delete if url.startswith("/api/") else city.get
        assert method(url).status_code == 404
