"""Every route × every demo role (issue 2 §4).

Walks the whole URL map: each route must declare an access rule, and each rule that needs an
object must have a sample builder. Then, for each route and each demo user: a role the rule does
not allow gets 403; an object outside the user's scope gets 404; everyone else gets in (any
status but 401/403/404/5xx). Signed-out requests are sent to the login page (401 on the API).
"""
from __future__ import annotations

import pytest

from app import create_app
from app.core.access.roles import Role
from app.core.access.rules import is_static_endpoint, rule_for
from config import TestingConfig
from tests.access_samples import DEMO_USERS, builder, load_all

load_all()
_app = create_app(TestingConfig)
ROUTES = sorted(
    {(r.endpoint, method, r.rule) for r in _app.url_map.iter_rules()
     for method in sorted(r.methods - {"HEAD", "OPTIONS"}) if not is_static_endpoint(r.endpoint)}
)


def _url(rule_text: str, args: dict) -> str:
    url = rule_text
    for key, value in args.items():
        for conv in ("int:", "string:", "path:", ""):
            url = url.replace(f"<{conv}{key}>", str(value))
    assert "<" not in url, f"no value for an argument of {rule_text}"
    return url


@pytest.mark.parametrize(("endpoint", "method", "rule_text"), ROUTES, ids=[f"{m} {e}" for e, m, _ in ROUTES])
def test_every_route_declares_a_rule_and_a_sample(endpoint, method, rule_text):
    declared = rule_for(_app, endpoint, method)
    assert declared is not None, f"{method} {endpoint} has no @rule: it would be refused for everyone"
    if "<" in rule_text:
        assert declared.sample, f"{endpoint} takes URL arguments but names no sample"
        assert builder(declared.sample), f"no sample builder for '{declared.sample}' (tests/*/samples.py)"


def _expected(declared, sample, username, roles) -> int | str:
    if username in declared.expect:
        return declared.expect[username]
    if declared.public:
        return "ok"
    if not declared.allows_role(roles):
        return 403
    if sample is not None and username not in sample.visible_to:
        return 404
    return "ok"


@pytest.mark.parametrize(("endpoint", "method", "rule_text"), ROUTES, ids=[f"{m} {e}" for e, m, _ in ROUTES])
def test_route_access_for_every_demo_role(endpoint, method, rule_text, app, demo, login_as):
    declared = rule_for(app, endpoint, method)
    sample = builder(declared.sample)(demo) if declared.sample else None
    url = _url(rule_text, sample.url_args if sample else {})
    data = (sample.data if sample else None) or {}
    outcomes = {}
    for username in DEMO_USERS:
        client = login_as(username)
        roles = {Role(r) for r in (x.role.value for x in demo[username].role_rows)}
        if url.startswith("/api/") and method != "GET":
            response = client.open(url, method=method, json=data)
        else:
            response = client.open(url, method=method, data=data)
        expected = _expected(declared, sample, username, roles)
        got = response.status_code
        ok = (got not in (401, 403, 404) and got < 500) if expected == "ok" else got == expected
        outcomes[username] = (expected, got, ok)
    failures = {u: (e, g) for u, (e, g, ok) in outcomes.items() if not ok}
    assert not failures, f"{method} {url}: expected vs got {failures}"


@pytest.mark.parametrize(("endpoint", "method", "rule_text"), ROUTES, ids=[f"{m} {e}" for e, m, _ in ROUTES])
def test_signed_out_requests_are_sent_to_login(endpoint, method, rule_text, app, demo, client):
    declared = rule_for(app, endpoint, method)
    if declared.public:
        return
    sample = builder(declared.sample)(demo) if declared.sample else None
    url = _url(rule_text, sample.url_args if sample else {})
    response = client.open(url, method=method)
    if url.startswith("/api/"):
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "unauthorized"
    else:
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
