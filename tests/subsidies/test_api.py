"""JSON API of issue 6 §9: businesses, programmes, eligibility, applications and their workflow."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core import clock
from app.core.audit import AuditEntry
from app.extensions import db
from tests.persons.factories import create_person
from tests.subsidies.factories import credit_code, months_ago

pytestmark = pytest.mark.usefixtures("programmes")


@pytest.fixture
def founder():
    return create_person(village_code="420506103202", status="returned")


def business_payload(founder, **overrides):
    data = {"founder_id": founder.id, "name": "鑫源农庄", "kind": "family_farm", "credit_code": credit_code(),
            "registered_on": months_ago(7).isoformat(), "is_first_registration": True,
            "village_code": "420506103202", "industry": None, "jobs": 3, "status": "operating", "closed_on": None}
    data.update(overrides)
    return data


def test_business_create_get_patch(login_as, founder):
    client = login_as("demo_village")
    response = client.post("/api/v1/businesses", json=business_payload(founder))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["kind"] == "family_farm" and body["jobs"] == 3 and body["is_enterprise"] is False
    got = client.get(f"/api/v1/businesses/{body['id']}").get_json()
    assert got["credit_code"] == body["credit_code"]
    patched = client.patch(f"/api/v1/businesses/{body['id']}", json={"version": got["version"], "jobs": None})
    assert patched.status_code == 200 and patched.get_json()["jobs"] is None
    stale = client.patch(f"/api/v1/businesses/{body['id']}", json={"version": got["version"], "jobs": 5})
    assert stale.status_code == 409
    # Out of scope: another county's officer and another village's staff get 404.
    assert login_as("demo_county2").get(f"/api/v1/businesses/{body['id']}").status_code == 404
    assert login_as("demo_village2").get(f"/api/v1/businesses/{body['id']}").status_code == 404
    assert login_as("demo_mentor").get(f"/api/v1/businesses/{body['id']}").status_code == 403
    assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "business_created")) is not None


def test_business_validation_names_fields_in_chinese(login_as, founder):
    client = login_as("demo_city")
    response = client.post("/api/v1/businesses", json=business_payload(
        founder, credit_code="91350100M000100Y44", kind="shop", village_code="420506103",
        registered_on=(clock.today() + timedelta(days=1)).isoformat(), jobs=0))
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert set(fields) >= {"credit_code", "kind", "village_code", "registered_on", "jobs"}
    assert "校验位" in fields["credit_code"][0]
    closed = client.post("/api/v1/businesses", json=business_payload(founder, status="closed"))
    assert closed.status_code == 422 and "closed_on" in closed.get_json()["error"]["fields"]


def test_duplicate_credit_code_is_409(login_as, founder):
    client = login_as("demo_city")
    code = credit_code()
    assert client.post("/api/v1/businesses", json=business_payload(founder, credit_code=code)).status_code == 201
    again = client.post("/api/v1/businesses", json=business_payload(founder, credit_code=code.lower()))
    assert again.status_code == 409


def test_village_staff_cannot_register_in_another_village(login_as, founder):
    response = login_as("demo_village").post("/api/v1/businesses",
                                             json=business_payload(founder, village_code="420506103203"))
    assert response.status_code == 422 and "village_code" in response.get_json()["error"]["fields"]


def test_programmes_and_eligibility(login_as, founder):
    client = login_as("demo_township")
    programmes = client.get("/api/v1/programmes").get_json()["items"]
    assert [p["code"] for p in programmes][:5] == ["startup_once", "yangui_yichang", "jingchu_guiyan",
                                                   "guaranteed_loan", "loan_interest"]
    business = client.post("/api/v1/businesses", json=business_payload(
        founder, registered_on=months_ago(6).isoformat(), jobs=None)).get_json()
    day_before = (months_ago(6) + timedelta(days=-1))
    check = client.post("/api/v1/eligibility", json={"programme": "startup_once", "person_id": founder.id,
                                                     "business_id": business["id"],
                                                     "as_of": (clock.today() - timedelta(days=1)).isoformat()})
    body = check.get_json()
    assert check.status_code == 200 and body["status"] == "ineligible" and body["amount"] == 5000
    months = next(c for c in body["criteria"] if c["code"] == "operating_months")
    assert months["result"] == "failed" and months["holds_from"] == clock.today().isoformat()
    assert set(months) >= {"code", "label", "result", "actual", "required", "clause", "message", "holds_from"}
    assert day_before < clock.today()
    now = client.post("/api/v1/eligibility", json={"programme": "startup_once", "person_id": founder.id,
                                                   "business_id": business["id"]}).get_json()
    assert now["status"] == "incomplete"
    assert next(c for c in now["criteria"] if c["code"] == "min_jobs")["result"] == "missing"
    assert client.post("/api/v1/eligibility", json={"programme": "nope", "person_id": founder.id}).status_code == 422
    assert login_as("demo_county2").post("/api/v1/eligibility", json={
        "programme": "startup_once", "person_id": founder.id}).status_code == 404


def test_application_workflow_over_the_api(login_as, founder):
    township, county = login_as("demo_township"), login_as("demo_county")
    business = township.post("/api/v1/businesses", json=business_payload(founder)).get_json()
    created = township.post("/api/v1/applications", json={"programme": "startup_once", "person_id": founder.id,
                                                          "business_id": business["id"]})
    assert created.status_code == 201, created.get_json()
    app_id, seen = created.get_json()["id"], created.get_json()["version"]
    assert created.get_json()["submission_check"]["status"] == "eligible"
    assert township.post("/api/v1/applications", json={"programme": "startup_once", "person_id": founder.id,
                                                       "business_id": business["id"]}).status_code == 409
    # Village staff and mentors may not decide (403); the township submitter neither.
    for name in ("demo_village", "demo_mentor", "demo_township"):
        assert login_as(name).post(f"/api/v1/applications/{app_id}/decision",
                                   json={"decision": "approve", "version": seen}).status_code == 403
    assert county.post(f"/api/v1/applications/{app_id}/decision",
                       json={"decision": "reject", "version": seen}).status_code == 422
    approved = county.post(f"/api/v1/applications/{app_id}/decision", json={"decision": "approve", "version": seen})
    assert approved.status_code == 200 and approved.get_json()["state"] == "approved"
    assert approved.get_json()["decision_check"]["status"] == "eligible"
    seen = approved.get_json()["version"]
    assert county.post(f"/api/v1/applications/{app_id}/decision",
                       json={"decision": "approve", "version": seen}).status_code == 409
    paid = county.post(f"/api/v1/applications/{app_id}/payment",
                       json={"paid_on": clock.today().isoformat(), "amount": 5000, "voucher_no": "YL-1",
                             "version": seen})
    assert paid.status_code == 200 and paid.get_json()["state"] == "paid"
    assert township.get(f"/api/v1/applications/{app_id}").get_json()["paid_amount"] == 5000
    assert login_as("demo_county2").get(f"/api/v1/applications/{app_id}").status_code == 404


def test_guaranteed_loan_application_with_partnership_cap(login_as, founder):
    founder.creditworthy = True
    db.session.commit()
    township = login_as("demo_township")
    loan = {"borrower_type": "partnership", "partners": 3, "amount": 660_001, "term_months": 36,
            "lender": "宜昌农商银行", "contract_on": (clock.today() - timedelta(days=10)).isoformat(), "rate_bp": 345}
    over = township.post("/api/v1/applications", json={"programme": "guaranteed_loan", "person_id": founder.id,
                                                       "loan": loan})
    assert over.status_code == 201
    body = over.get_json()
    assert body["submission_check"]["status"] == "ineligible" and body["submission_check"]["amount"] == 660_000
    crit = {c["code"]: c["result"] for c in body["submission_check"]["criteria"]}
    assert crit == {"returnee": "passed", "creditworthy": "passed", "loan_amount": "failed", "loan_term": "passed"}
