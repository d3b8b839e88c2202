from sqlalchemy import select

from app.core.audit import AuditEntry
from app.extensions import db


def test_demo_village_signs_in_through_the_form(client, demo):
    page = client.get("/login")
    assert page.status_code == 200
    assert "登录" in page.get_data(as_text=True)
    response = client.post("/login", data={"username": "demo_village", "password": "Demo-2026!"})
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    body = home.get_data(as_text=True)
    assert "大中坝村演示服务员" in body
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "login" in actions
