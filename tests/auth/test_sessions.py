"""Sign-in throttling, session lifetime and invalidation (issue 2 §5)."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth.models import User, UserSession
from app.core import clock
from app.core.audit import AuditEntry
from app.extensions import db
from tests.form_pages import shown_again

PASSWORD = "Demo-2026!"


def _login(client, username="demo_village", password=PASSWORD):
    return client.post("/login", data={"username": username, "password": password})


def test_fifth_failure_locks_account_and_sixth_is_refused_even_with_right_password(client, demo):
    with clock.frozen(clock.now()) as frozen:
        for _ in range(4):
            response = _login(client, password="wrong-password")
            assert response.status_code == 200
            assert "用户名或密码错误" in response.get_data(as_text=True)
        fifth = _login(client, password="wrong-password")
        assert "用户名或密码错误" in fifth.get_data(as_text=True)
        sixth = _login(client)  # the right password
        assert sixth.status_code == 200
        assert "账户已锁定" in sixth.get_data(as_text=True)
        assert client.get("/").status_code == 302  # not signed in

        frozen.advance(timedelta(minutes=14))
        assert "账户已锁定" in _login(client).get_data(as_text=True)
        frozen.advance(timedelta(minutes=2))
        assert _login(client).status_code == 302  # lock over
        assert client.get("/").status_code == 200
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions.count("login_failed") == 5
    assert "account_locked" in actions
    assert actions.count("login_locked") == 2


def test_success_resets_the_failure_count(client, demo):
    for _ in range(4):
        _login(client, password="nope-nope")
    assert _login(client).status_code == 302
    client.post("/logout")
    for _ in range(4):
        _login(client, password="nope-nope")
    assert _login(client).status_code == 302  # 4 + 4 failures never reached 5 in a row


def test_failed_logins_per_client_address_are_limited(app, client, demo):
    app.config["LOGIN_ADDRESS_LIMIT"] = "3 per 15 minutes"
    # Failures spread over several accounts so no single account is locked.
    for username in ("demo_city", "demo_county", "demo_township"):
        assert _login(client, username, "wrong-password").status_code == 200
    assert _login(client, "demo_county2", "wrong-password").status_code == 429
    assert _login(client, "demo_village").status_code == 429  # even a right password from that address


def test_unknown_user_gets_the_same_message(client, demo):
    response = _login(client, "no_such_user", "whatever-123")
    assert "用户名或密码错误" in response.get_data(as_text=True)


def test_session_cookie_is_rotated_and_old_cookie_refused_after_logout(client, demo):
    client.get("/login")
    before = client.get_cookie("fxcy_session")
    assert _login(client).status_code == 302
    old_cookie = client.get_cookie("fxcy_session").value
    assert before is None or before.value != old_cookie
    assert client.get("/").status_code == 200
    client.post("/logout")
    # Replay the cookie captured while signed in.
    client.set_cookie("fxcy_session", old_cookie)
    assert client.get("/").status_code == 302
    ended = db.session.scalars(select(UserSession.end_reason)).all()
    assert ended == ["logout"]


def _version(user: User) -> int:
    """The account's stored version (signing in changes it), as the manager's page shows it."""
    db.session.expire_all()
    return db.session.get(User, user.id).version


def test_old_cookie_refused_after_deactivation(client, demo, login_as):
    assert _login(client).status_code == 302
    cookie = client.get_cookie("fxcy_session").value
    admin = login_as("demo_county")
    response = admin.post(f"/users/{demo['demo_village'].id}/deactivate",
                          data={"reason": "调离岗位", "version": _version(demo["demo_village"]), "confirm": "1"})
    assert response.status_code == 302
    client.set_cookie("fxcy_session", cookie)
    assert client.get("/").status_code == 302
    assert "已停用" in _login(client).get_data(as_text=True)


def test_old_cookie_refused_after_password_change_but_new_one_works(client, demo):
    assert _login(client).status_code == 302
    other = client.application.test_client()
    assert _login(other).status_code == 302
    response = client.post("/password", data={"current_password": PASSWORD, "new_password": "a new long passphrase",
                                              "confirm": "a new long passphrase"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # this browser got a fresh session
    assert other.get("/").status_code == 302  # the other device is signed out


def test_idle_timeout_and_absolute_timeout(client, demo):
    with clock.frozen(clock.now()) as frozen:
        assert _login(client).status_code == 302
        frozen.advance(timedelta(minutes=29))
        assert client.get("/").status_code == 200
        frozen.advance(timedelta(minutes=31))
        response = client.get("/")
        assert response.status_code == 302
        login_page = client.get(response.headers["Location"])
        assert "登录已超时" in login_page.get_data(as_text=True)

        assert _login(client).status_code == 302
        for _ in range(25):  # active all day, never idle for 30 minutes
            frozen.advance(timedelta(minutes=29))
            if client.get("/").status_code != 200:
                break
        assert client.get("/").status_code == 302  # 12 hours after sign-in
    reasons = db.session.scalars(select(UserSession.end_reason).order_by(UserSession.id)).all()
    assert reasons == ["idle", "absolute"]


def test_forced_password_change_after_admin_reset(client, demo, login_as):
    admin = login_as("demo_county")
    response = admin.post(f"/users/{demo['demo_village'].id}/password",
                          data={"password": "temporary pass 1", "version": _version(demo["demo_village"])})
    assert response.status_code == 302
    assert _login(client, password="temporary pass 1").headers["Location"].endswith("/password")
    assert client.get("/").headers["Location"].endswith("/password")
    assert client.get("/api/v1/me").status_code == 403
    response = client.post("/password", data={"current_password": "temporary pass 1",
                                              "new_password": "my own passphrase", "confirm": "my own passphrase"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(("password", "message"), [
    ("short", "至少需要 8 个字符"),
    ("password123", "过于常见"),
    ("iloveyou", "过于常见"),
    ("demo_village", "不能与用户名相同"),
])
def test_password_policy(client, demo, password, message):
    _login(client)
    response = client.post("/password", data={"current_password": PASSWORD, "new_password": password,
                                              "confirm": password})
    assert message in shown_again(client, response, "/password")


def test_wrong_current_password_is_refused_and_audited(client, demo):
    _login(client)
    response = client.post("/password", data={"current_password": "not-it-at-all", "new_password": "good long one",
                                              "confirm": "good long one"})
    assert "当前密码不正确" in shown_again(client, response, "/password")
    row = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "password_change")).one()
    assert row.result == "failed"


def test_address_limit_holds_across_worker_processes_with_redis(demo, tmp_path):
    """Two app instances (as two gunicorn workers) share the failure count through Redis."""
    import uuid

    import redis

    from app import create_app
    from config import TestingConfig
    from tests.conftest import DATABASE_URL, IS_POSTGRES

    try:
        redis.Redis.from_url("redis://127.0.0.1:6379").ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    url = DATABASE_URL if IS_POSTGRES else f"sqlite:///{tmp_path / 'workers.db'}"
    settings = dict(SQLALCHEMY_DATABASE_URI=url, RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379",
                    RATELIMIT_KEY_PREFIX=f"test-{uuid.uuid4().hex}", LOGIN_ADDRESS_LIMIT="3 per 15 minutes")
    apps = [create_app(TestingConfig, **settings) for _ in range(2)]
    if not IS_POSTGRES:
        with apps[0].app_context():
            db.create_all()
    worker_a, worker_b = (a.test_client() for a in apps)
    # Unknown accounts: only the per-address count can stop the fourth attempt.
    assert _login(worker_a, "nobody1", "wrong-one").status_code == 200
    assert _login(worker_b, "nobody2", "wrong-two").status_code == 200
    assert _login(worker_a, "nobody3", "wrong-three").status_code == 200
    assert _login(worker_b, "nobody4", "wrong-four").status_code == 429
    for application in apps:
        with application.app_context():
            db.engine.dispose()
