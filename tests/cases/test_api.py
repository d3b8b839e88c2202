"""`/api/v1/cases`: scope (404), roles and assignees (403), transitions (409), fields (422),
what the mentor sees (no ID number), reassignment, and the full round trip."""
from __future__ import annotations

import json

from app.cases.models import Case, ServiceItem
from app.core.access.roles import Role
from app.extensions import db
from tests.cases.factories import create_case, user
from tests.persons.factories import create_person


def _v(model, record_id: int) -> int:
    """The stored version (what a client read before writing)."""
    db.session.expire_all()
    return db.session.get(model, record_id).version


def _case_pair():
    a = create_case(specialist="demo_specialist", mentor="demo_mentor")
    b = create_case(specialist="demo_specialist")  # no mentor: demo_mentor is not on B
    return a, b


def test_mentor_of_a_gets_404_on_b_and_403_writing_a_visit_log_on_a(demo, login_as):
    a, b = _case_pair()
    mentor = login_as("demo_mentor")
    assert mentor.get(f"/api/v1/cases/{a.id}").status_code == 200
    assert mentor.get(f"/api/v1/cases/{b.id}").status_code == 404
    response = mentor.post(f"/api/v1/cases/{a.id}/logs", json={
        "kind": "visit", "date": "2026-01-05", "method": "phone", "content": "电话回访"})
    assert response.status_code == 403
    response = mentor.post(f"/api/v1/cases/{b.id}/logs", json={
        "kind": "mentor_note", "date": "2026-01-05", "topic": "market", "content": "市场分析"})
    assert response.status_code == 404
    ids = [c["id"] for c in mentor.get("/api/v1/cases").get_json()["items"]]
    assert a.id in ids and b.id not in ids


def test_mentor_reassigned_away_gets_404_on_next_request(demo, login_as, make_user):
    a = create_case(specialist="demo_specialist", mentor="demo_mentor")
    make_user("other_mentor", roles=(Role.MENTOR,), region_code="420506", level="county")
    mentor = login_as("demo_mentor")
    assert mentor.get(f"/api/v1/cases/{a.id}").status_code == 200
    township = login_as("demo_township")
    response = township.put(f"/api/v1/cases/{a.id}/assignment", json={"mentor": "other_mentor",
                                                                      "version": _v(Case, a.id)})
    assert response.status_code == 422 and "reason" in response.get_json()["error"]["fields"]
    response = township.put(f"/api/v1/cases/{a.id}/assignment", json={"mentor": "other_mentor", "reason": "导师调整",
                                                                      "version": _v(Case, a.id)})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["mentor"]["username"] == "other_mentor"
    assert mentor.get(f"/api/v1/cases/{a.id}").status_code == 404
    timeline = response.get_json()["timeline"]
    assert any(e["kind"] == "assignment" and "更换创业导师" in e["title"] for e in timeline)
    assignments = response.get_json()["assignments"]
    assert assignments[-1] == {**assignments[-1], "role": "mentor", "user": "other_mentor",
                               "previous": "demo_mentor", "reason": "导师调整"}


def test_village_clerk_cannot_see_another_villages_case(demo, login_as):
    a = create_case(village_code="420506103202")
    other = login_as("demo_village2")
    assert other.get(f"/api/v1/cases/{a.id}").status_code == 404
    assert a.id not in [c["id"] for c in other.get("/api/v1/cases").get_json()["items"]]
    assert login_as("demo_village").get(f"/api/v1/cases/{a.id}").status_code == 200


def test_mentor_and_specialist_views_carry_no_id_number(demo, login_as):
    person = create_person(user("demo_city"), phone="13807161234")
    a = create_case(specialist="demo_specialist", mentor="demo_mentor", person=person)
    number_tail = person.id_number_masked[-4:]
    for username in ("demo_mentor", "demo_specialist"):
        body = login_as(username).get(f"/api/v1/cases/{a.id}").get_json()
        assert "id_number" not in body["person"]
        text = json.dumps(body, ensure_ascii=False)
        assert person.id_number_masked not in text and "13807161234" not in text
        assert body["person"]["phone"] == "138****1234"
    body = login_as("demo_township").get(f"/api/v1/cases/{a.id}").get_json()
    assert body["person"]["id_number"].endswith(number_tail) and "*" in body["person"]["id_number"]


def test_open_case_api(demo, login_as):
    person = create_person(user("demo_city"))
    assert login_as("demo_village").post("/api/v1/cases", json={"person_id": person.id}).status_code == 403
    assert login_as("demo_county2").post("/api/v1/cases", json={"person_id": person.id}).status_code == 404
    township = login_as("demo_township")
    assert township.post("/api/v1/cases", json={}).status_code == 422
    response = township.post("/api/v1/cases", json={"person_id": person.id})
    assert response.status_code == 201
    assert response.get_json()["stage"] == "pending_assignment"
    again = township.post("/api/v1/cases", json={"person_id": person.id})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "conflict"


def test_stage_api_refuses_per_table_and_names_fields(demo, login_as):
    a = create_case(specialist="demo_specialist", mentor="demo_mentor")
    township = login_as("demo_township")
    assert township.post(f"/api/v1/cases/{a.id}/stage", json={"stage": "founded", "reason": "x",
                                                             "version": _v(Case, a.id)}).status_code == 409
    response = township.post(f"/api/v1/cases/{a.id}/stage", json={"stage": "training", "version": _v(Case, a.id)})
    assert response.status_code == 422 and "reason" in response.get_json()["error"]["fields"]
    response = township.post(f"/api/v1/cases/{a.id}/stage", json={"stage": "training", "reason": "报名马兰花培训",
                                                                  "version": _v(Case, a.id)})
    assert response.status_code == 200 and response.get_json()["stage"] == "training"
    assert login_as("demo_mentor").post(f"/api/v1/cases/{a.id}/stage",
                                        json={"stage": "incubation", "reason": "x",
                                              "version": _v(Case, a.id)}).status_code == 403
    specialist = login_as("demo_specialist")
    assert specialist.post(f"/api/v1/cases/{a.id}/stage",
                           json={"stage": "incubation", "reason": "入驻孵化基地",
                                 "version": _v(Case, a.id)}).status_code == 200


def test_logs_needs_and_services_round_trip(demo, login_as):
    a = create_case(specialist="demo_specialist", mentor="demo_mentor")
    village = login_as("demo_village")
    response = village.post(f"/api/v1/cases/{a.id}/logs", json={
        "kind": "visit", "date": "2026-01-01", "method": "home_visit", "content": "入户了解",
        "needs": ["land_transfer", "nonsense"]})
    assert response.status_code == 422 and "needs" in response.get_json()["error"]["fields"]
    response = village.post(f"/api/v1/cases/{a.id}/logs", json={"kind": "visit"})
    fields = response.get_json()["error"]["fields"]
    assert response.status_code == 422 and {"date", "method", "content"} <= set(fields)
    from app.core import clock

    today = clock.today().isoformat()
    response = village.post(f"/api/v1/cases/{a.id}/logs", json={
        "kind": "visit", "date": today, "method": "home_visit", "content": "入户了解",
        "needs": ["land_transfer"], "next_follow_up": today})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()["case"]
    items = body["services"]
    assert [i["service_type"] for i in items] == ["land_transfer"] and items[0]["status"] == "todo"
    assert body["village_due_on"] == today
    mentor = login_as("demo_mentor")
    response = mentor.post(f"/api/v1/cases/{a.id}/logs", json={
        "kind": "mentor_note", "date": today, "topic": "resources", "content": "对接合作社", "advice": "先小规模试种"})
    assert response.status_code == 201
    assert mentor.post(f"/api/v1/cases/{a.id}/services", json={"service_type": "legal_aid"}).status_code == 403
    specialist = login_as("demo_specialist")
    item_id = items[0]["id"]
    response = specialist.patch(f"/api/v1/cases/{a.id}/services/{item_id}",
                                json={"status": "cannot", "version": _v(ServiceItem, item_id)})
    assert response.status_code == 422 and "cannot_reason" in response.get_json()["error"]["fields"]
    response = specialist.patch(f"/api/v1/cases/{a.id}/services/{item_id}",
                                json={"status": "in_progress", "version": _v(ServiceItem, item_id)})
    assert response.status_code == 200 and response.get_json()["status"] == "in_progress"
    response = specialist.patch(f"/api/v1/cases/{a.id}/services/{item_id}",
                                json={"status": "done", "outcome": "已签流转合同", "version": 1})
    assert response.status_code == 409  # stale version
    b = create_case()
    assert specialist.patch(f"/api/v1/cases/{b.id}/services/{item_id}", json={"version": 1}).status_code == 404
    response = specialist.post(f"/api/v1/cases/{a.id}/services", json={"service_type": "financing",
                                                                       "due_on": "2026-02-01"})
    assert response.status_code == 201
    kinds = [e["kind"] for e in login_as("demo_county").get(f"/api/v1/cases/{a.id}").get_json()["timeline"]]
    assert {"stage", "assignment", "visit", "mentor_note", "service"} <= set(kinds)


def test_list_filters(demo, login_as):
    from datetime import date, timedelta

    from app.core import clock

    with clock.frozen(date(2026, 1, 1)):
        old = create_case(specialist="demo_specialist", mentor="demo_mentor")
    fresh = create_case(specialist="demo_specialist", mentor="demo_mentor", stage="training")
    specialist = login_as("demo_specialist")
    overdue = [c["id"] for c in specialist.get("/api/v1/cases?overdue=true").get_json()["items"]]
    assert old.id in overdue and fresh.id not in overdue
    training = [c["id"] for c in specialist.get("/api/v1/cases?stage=training").get_json()["items"]]
    assert fresh.id in training and old.id not in training
    assert all(c["stage"] == "training" for c in specialist.get("/api/v1/cases?stage=training").get_json()["items"])
    assert specialist.get("/api/v1/cases?stage=bogus").status_code == 422
    assert db.session.get(Case, old.id).specialist_due_on == date(2026, 1, 1) + timedelta(days=30)


def test_openapi_documents_the_case_endpoints(demo, login_as):
    spec = login_as("demo_city").get("/api/v1/openapi.json").get_json()
    paths = set(spec["paths"])
    assert {"/api/v1/cases", "/api/v1/cases/{case_id}", "/api/v1/cases/{case_id}/assignment",
            "/api/v1/cases/{case_id}/logs", "/api/v1/cases/{case_id}/services",
            "/api/v1/cases/{case_id}/services/{item_id}", "/api/v1/cases/{case_id}/stage"} <= paths



def test_case_list_pages_through_every_case_once(demo, login_as):
    """The list is keyset-paginated: walking next_cursor visits each open case in scope exactly once."""
    from app.cases import queries

    for _ in range(5):
        create_case(specialist="demo_specialist")
    expected = [c.id for c in queries.list_cases(user("demo_county"), queries.CaseFilters(), limit=10_000).items]
    client = login_as("demo_county")
    seen: list[int] = []
    url = "/api/v1/cases?limit=3"
    while url:
        body = client.get(url).get_json()
        assert len(body["items"]) <= 3
        seen += [c["id"] for c in body["items"]]
        url = f"/api/v1/cases?limit=3&cursor={body['next_cursor']}" if body["next_cursor"] else None
    assert seen == expected and len(seen) >= 5
    assert client.get("/api/v1/cases?cursor=garbage").status_code == 422


def test_case_list_page_links_to_the_next_page(demo, login_as, monkeypatch):
    from app.cases import queries

    for _ in range(3):
        create_case(specialist="demo_specialist")
    monkeypatch.setattr(queries.list_cases, "__defaults__", (None, 2))
    client = login_as("demo_county")
    html = client.get("/cases/").get_data(as_text=True)
    assert "下一页" in html and "cursor=" in html
