"""API conventions: bearer tokens, CSRF on cookie writes, the error envelope, OpenAPI (issue 2 §10)."""
from sqlalchemy import select

from app.auth import operations as ops
from app.auth.models import ApiToken
from app.extensions import db


def _token(user, name="对接"):
    token, secret = ops.create_token(user, name)
    db.session.commit()
    return token, secret


def test_bearer_token_authenticates_and_is_stored_hashed(client, demo):
    token, secret = _token(demo["demo_township"])
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert response.get_json()["username"] == "demo_township"
    assert response.get_json()["roles"] == ["township_staff"]
    stored = db.session.scalar(select(ApiToken.token_hash))
    assert secret not in stored and len(stored) == 64


def test_wrong_or_revoked_token_gets_401_envelope(client, demo):
    token, secret = _token(demo["demo_township"])
    bad = client.get("/api/v1/me", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401
    assert bad.get_json() == {"error": {"code": "unauthorized", "message": "请先登录，或提供有效的访问令牌。"}}
    assert client.delete(f"/api/v1/me/tokens/{token.id}",
                         headers={"Authorization": f"Bearer {secret}"}).status_code == 204
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_bearer_write_needs_no_csrf_but_cookie_write_does(client, demo, login_as, csrf_on):
    token, secret = _token(demo["demo_village"])
    other, _ = _token(demo["demo_village"], "第二个")
    browser = login_as("demo_village")
    refused = browser.delete(f"/api/v1/me/tokens/{token.id}")
    assert refused.status_code == 400
    assert "CSRF" in refused.get_json()["error"]["message"]
    ok = client.delete(f"/api/v1/me/tokens/{other.id}", headers={"Authorization": f"Bearer {secret}"})
    assert ok.status_code == 204


def test_a_token_never_falls_back_to_the_cookie(login_as, demo):
    browser = login_as("demo_village")
    assert browser.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"}).status_code == 401


def test_other_users_token_is_not_found(demo, login_as):
    token, _ = _token(demo["demo_village"])
    response = login_as("demo_village2").delete(f"/api/v1/me/tokens/{token.id}")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_revoking_twice_is_a_conflict(demo, login_as):
    token, _ = _token(demo["demo_village"])
    browser = login_as("demo_village")
    assert browser.delete(f"/api/v1/me/tokens/{token.id}").status_code == 204
    again = browser.delete(f"/api/v1/me/tokens/{token.id}")
    assert again.status_code == 409 and again.get_json()["error"]["message"] == "该令牌已被吊销。"


def test_token_list_shows_prefix_only(demo, login_as):
    _, secret = _token(demo["demo_village"])
    rows = login_as("demo_village").get("/api/v1/me/tokens").get_json()
    assert rows[0]["prefix"] == secret[:10] and secret not in str(rows)


def test_openapi_document_is_generated_and_docs_page_is_local(login_as, demo):
    browser = login_as("demo_village")
    spec = browser.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/me" in spec["paths"] and "/api/v1/me/tokens/{token_id}" in spec["paths"]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    page = browser.get("/api/v1/docs").get_data(as_text=True)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page and "http" not in page.split("<body>")[1]


def test_cli_token_prints_only_the_token(app, demo):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "token", "demo_village"])
    assert result.exit_code == 0
    secret = result.output.strip()
    assert secret.startswith("fx_") and "\n" not in secret
    assert app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200


def test_cli_demo_load_is_refused_in_production(app):
    app.config["DEMO_ALLOWED"] = False
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 2
    assert "refused" in result.output
