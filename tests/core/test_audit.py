"""The audit log: what is written, what never is, and that it cannot be changed (issue 2 §6)."""
import pytest
from sqlalchemy import Column, Integer, String, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import declarative_base

from app.core import audit
from app.core.audit import AuditEntry
from app.core.masking import mask_id_number, mask_phone
from app.extensions import db


def _rows(action=None):
    stmt = select(AuditEntry).order_by(AuditEntry.id)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    return db.session.scalars(stmt).all()


def test_login_failure_and_success_are_audited_with_address(client, demo):
    client.post("/login", data={"username": "demo_township", "password": "bad-password"},
                environ_base={"REMOTE_ADDR": "10.1.2.3"})
    client.post("/login", data={"username": "demo_township", "password": "Demo-2026!"},
                environ_base={"REMOTE_ADDR": "10.1.2.3"})
    failed, = _rows("login_failed")
    ok, = _rows("login")
    assert failed.result == "failed" and failed.username == "demo_township" and failed.address == "10.1.2.3"
    assert ok.result == "ok" and ok.user_id == demo["demo_township"].id


def test_role_denial_is_audited_even_though_the_request_fails(login_as, demo):
    response = login_as("demo_village").get("/users")
    assert response.status_code == 403
    row, = _rows("access_denied")
    assert row.result == "denied" and row.username == "demo_village" and row.object_id == "auth.users"


def test_out_of_scope_object_is_audited_as_denied(login_as, demo):
    other = demo["demo_county2"]
    response = login_as("demo_county").get(f"/users/{other.id}")
    assert response.status_code == 404
    row, = _rows("access_denied")
    assert row.object_type == "user" and row.object_id == str(other.id)


def test_failed_action_is_audited_after_its_transaction_rolls_back(login_as, demo):
    # A county officer may not create accounts in another county: refused, nothing created, audited.
    response = login_as("demo_county").post("/users/new", data={
        "username": "sneaky", "full_name": "越权", "region_code": "420527101", "roles": ["township_staff"],
        "password": "a long password"})
    assert response.status_code == 403
    denied = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user_create",
                                                         AuditEntry.result == "denied")).all()
    assert len(denied) == 1 and denied[0].username == "demo_county"
    from app.auth.models import User

    assert db.session.scalar(select(User).where(User.username == "sneaky")) is None


class _Thing(declarative_base()):
    __tablename__ = "things"
    __audit_masked__ = {"id_number": mask_id_number, "phone": mask_phone}
    __audit_excluded__ = {"internal_note"}
    id = Column(Integer, primary_key=True)
    id_number = Column(String)
    phone = Column(String)
    phone_hash = Column(String)
    id_number_cipher = Column(String)
    internal_note = Column(String)


def test_snapshot_masks_sensitive_fields_and_skips_secrets():
    thing = _Thing(id=1, id_number="420506199001011235", phone="13812345678", phone_hash="abc",
                   id_number_cipher="zzz", internal_note="x")
    assert audit.snapshot(thing) == {"id": 1, "id_number": "420506********1235", "phone": "138****5678"}
    before = audit.snapshot(thing)
    thing.phone = "13900001111"
    assert audit.diff(before, audit.snapshot(thing)) == {"phone": ["138****5678", "139****1111"]}


@pytest.mark.parametrize("statement", [
    "UPDATE audit_entries SET action = 'tampered'",
    "DELETE FROM audit_entries",
])
def test_audit_table_refuses_update_and_delete(app, demo, statement):
    audit.record("something", object_type="test", object_id=1)
    db.session.commit()
    with pytest.raises(DBAPIError):
        db.session.execute(text(statement))
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "something")) == "something"
