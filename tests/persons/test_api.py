"""`/api/v1/persons`: every endpoint, masking for every role, 422 naming fields, 409s, cursors."""
from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from app.auth import operations as auth_ops
from app.extensions import db
from app.persons import columns
from app.persons.models import Person
from tests.access_samples import DEMO_USERS, SCOPE_DAZHONGBA
from tests.persons.factories import make_id

ID = make_id(date(1985, 12, 1), male=False, seq=41)
PHONE = "15907161234"


def payload(**overrides):
    data = {"id_number": ID, "name": "单丽华", "phone": PHONE, "village_code": "420506103202",
            "source": "bigdata", "status": "working_outside", "work_region": "pearl_delta", "work_city": "东莞",
            "work_industry": "manufacturing_support", "occupation": "电子厂普工", "outside_since": "2015-03-01",
            "skills": ["焊工", "电工"], "intention": "considering", "intended_industry": "rural_ecommerce",
            "intended_form": "individual", "capital_need": 80000, "willing": True, "willing_basis": "想回乡开网店",
            "capable": None, "creditworthy": None, "remarks": "春节返乡时走访"}
    data.update(overrides)
    return data


@pytest.fixture
def created(demo, login_as):
    response = login_as("demo_village").post("/api/v1/persons", json=payload())
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def assert_no_plain(text: str) -> None:
    for person in db.session.scalars(select(Person)):
        assert columns.decrypt_id_number(person) not in text
        phone = columns.decrypt_phone(person)
        assert not phone or phone not in text


def test_create_returns_masked_record(created):
    body = created
    assert body["id_number"] == ID[:6] + "********" + ID[-4:] and body["phone"] == "159****1234"
    assert body["gender"] == "female" and body["birth_date"] == "1985-12-01"
    assert body["version"] == 1 and body["is_sanyou"] is False and body["warnings"] == []
    assert body["skills"] == ["焊工", "电工"] and body["capital_need"] == 80000 and body["willing"] is True
    assert body["capable"] is None and body["village_code"] == "420506103202"
    assert_no_plain(json.dumps(body, ensure_ascii=False))


def test_get_list_and_detail_are_masked_for_every_role(created, login_as):
    for username in DEMO_USERS:
        client = login_as(username)
        listing = client.get("/api/v1/persons", query_string={"limit": 200})
        detail = client.get(f"/api/v1/persons/{created['id']}")
        assert listing.status_code == 200, username
        assert_no_plain(listing.get_data(as_text=True) + detail.get_data(as_text=True))
        ids = [p["id"] for p in listing.get_json()["items"]]
        if username in SCOPE_DAZHONGBA:
            assert detail.status_code == 200 and created["id"] in ids
            assert detail.get_json()["id_number"] == created["id_number"]
        else:
            assert detail.status_code == 404 and created["id"] not in ids
            assert detail.get_json()["error"]["code"] == "not_found"


def test_field_errors_name_each_field(demo, login_as):
    client = login_as("demo_village")
    response = client.post("/api/v1/persons", json={"id_number": "42050619851201", "name": "Li Hua",
                                                    "village_code": "420506103202", "source": "x", "status": "returned",
                                                    "outside_since": "2015-13-01", "capital_need": "lots",
                                                    "willing": "perhaps", "skills": "电工"})
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert set(fields) == {"outside_since", "capital_need", "willing", "skills"}  # schema types first
    response = client.post("/api/v1/persons", json={"id_number": "42050619851201", "name": "Li Hua",
                                                    "village_code": "420506103202", "source": "x", "status": "returned"})
    fields = response.get_json()["error"]["fields"]
    assert response.status_code == 422 and set(fields) == {"id_number", "name", "source"}
    assert "18 位" in fields["id_number"][0] and "字母" in fields["name"][0] and "bigdata" in fields["source"][0]
    missing = client.post("/api/v1/persons", json={})
    assert missing.status_code == 422
    assert set(missing.get_json()["error"]["fields"]) == {"id_number", "name", "village_code", "source", "status"}
    assert missing.get_json()["error"]["fields"]["name"] == ["此项为必填项。"]
    unknown = client.post("/api/v1/persons", json={**payload(), "ssn": "1"})
    assert unknown.status_code == 422 and unknown.get_json()["error"]["fields"] == {"ssn": ["不支持的字段。"]}
    not_json = client.post("/api/v1/persons", data="{", content_type="application/json")
    assert not_json.status_code in (400, 422)


def test_duplicate_id_is_409_and_reveals_nothing(created, login_as):
    response = login_as("demo_county2").post("/api/v1/persons", json=payload(
        id_number=ID.lower(), village_code="420527101201", name="王芳", phone=None))
    error = response.get_json()["error"]
    assert response.status_code == 409 and error["code"] == "conflict"
    assert "乡镇" in error["message"]
    assert set(error) == {"code", "message"}
    for leak in ("单丽华", "大中坝", "分乡", f"#{created['id']}", created["id_number"], "159"):
        assert leak not in error["message"]


def test_near_duplicates_come_back_as_warnings(created, login_as):
    other = make_id(date(1985, 12, 1), male=False, seq=42)
    response = login_as("demo_village2").post("/api/v1/persons", json=payload(
        id_number=other, village_code="420506103203", phone="15907161234"))
    assert response.status_code == 201
    warnings = {w["code"]: w for w in response.get_json()["warnings"]}
    assert set(warnings) == {"same_name_birth_date", "same_phone"}
    assert warnings["same_phone"]["person_ids"] == [] and warnings["same_phone"]["hidden_count"] == 1
    seen = login_as("demo_township").post("/api/v1/persons", json=payload(
        id_number=make_id(date(1985, 12, 1), male=False, seq=43), village_code="420506103204", phone=None))
    assert created["id"] in seen.get_json()["warnings"][0]["person_ids"]


def test_patch_partial_and_stale(created, login_as):
    client = login_as("demo_village")
    url = f"/api/v1/persons/{created['id']}"
    ok = client.patch(url, json={"version": 1, "status": "returned", "returned_on": "2025-02-10", "phone": None,
                                 "capable": True, "capable_basis": "有十年经验", "creditworthy": True,
                                 "creditworthy_basis": "无不良记录"})
    body = ok.get_json()
    assert ok.status_code == 200 and body["version"] == 2 and body["phone"] is None and body["is_sanyou"] is True
    assert body["work_city"] == "东莞"  # untouched
    stale = client.patch(url, json={"version": 1, "remarks": "覆盖"})
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "stale"
    assert client.get(url).get_json()["remarks"] == "春节返乡时走访"
    no_version = client.patch(url, json={"remarks": "x"})
    assert no_version.status_code == 422 and "version" in no_version.get_json()["error"]["fields"]
    id_change = client.patch(url, json={"version": 2, "id_number": ID})
    assert id_change.status_code == 422 and "更正身份证号" in id_change.get_json()["error"]["fields"]["id_number"][0]
    move = client.patch(url, json={"version": 2, "village_code": "420506103203"})
    assert move.status_code == 422 and "village_code" in move.get_json()["error"]["fields"]
    same = client.patch(url, json={"version": 2, "village_code": "420506103202", "remarks": "同村"})
    assert same.status_code == 200


def test_other_village_cannot_read_list_search_or_update(created, login_as):
    client = login_as("demo_village2")
    url = f"/api/v1/persons/{created['id']}"
    assert client.get(url).status_code == 404
    assert client.patch(url, json={"version": 1, "remarks": "改"}).status_code == 404
    assert created["id"] not in [p["id"] for p in client.get("/api/v1/persons", query_string={"q": "单丽华"})
                                 .get_json()["items"]]
    assert client.post("/api/v1/persons/search", json={"id_number": ID}).get_json()["items"] == []
    assert client.post("/api/v1/persons/search", json={"phone": PHONE}).get_json()["items"] == []
    person = db.session.get(Person, created["id"])
    db.session.refresh(person)
    assert person.version == 1 and person.remarks == "春节返乡时走访"


def test_search_by_id_or_phone_in_the_body(created, login_as):
    client = login_as("demo_township")
    for body in ({"id_number": " " + ID.lower()}, {"phone": "159-0716-1234"}):
        response = client.post("/api/v1/persons/search", json=body)
        assert response.status_code == 200
        assert [p["id"] for p in response.get_json()["items"]] == [created["id"]]
        assert_no_plain(response.get_data(as_text=True))
    assert client.post("/api/v1/persons/search", json={}).status_code == 422
    both = client.post("/api/v1/persons/search", json={"id_number": ID, "phone": PHONE})
    assert both.status_code == 422
    bad = client.post("/api/v1/persons/search", json={"phone": "12"})
    assert bad.status_code == 422 and "phone" in bad.get_json()["error"]["fields"]
    assert client.get("/api/v1/persons/search").status_code == 405


def test_list_filters_query_and_cursor(created, login_as):
    client = login_as("demo_city")
    def ids(**query):
        response = client.get("/api/v1/persons", query_string=query)
        assert response.status_code == 200, response.get_json()
        return [p["id"] for p in response.get_json()["items"]]

    me = created["id"]
    assert me in ids(village="420506103202", q="slh")
    assert me in ids(township="420506103", q="shanlihua")
    assert me in ids(county="420506", q="danlihua")
    assert me in ids(q="丽华", status="working_outside", intention="considering", source="bigdata",
                     industry="rural_ecommerce")
    assert me in ids(q="丽华", industry="manufacturing_support", sanyou="false")
    assert me not in ids(q="丽华", sanyou="true")
    assert me not in ids(county="420527")
    bad = client.get("/api/v1/persons", query_string={"village": "420506103", "status": "gone", "limit": 0,
                                                      "sort": "age"})
    assert bad.status_code == 422
    assert set(bad.get_json()["error"]["fields"]) == {"limit", "sort"}
    bad = client.get("/api/v1/persons", query_string={"village": "420506103", "status": "gone", "industry": "x"})
    assert set(bad.get_json()["error"]["fields"]) == {"village", "status", "industry"}
    assert client.get("/api/v1/persons", query_string={"cursor": "nope"}).get_json()["error"]["fields"] == {
        "cursor": ["分页位置无效或已过期，请从第一页重新开始。"]}
    seen, cursor = [], None
    for sort in ("name", "returned", "updated"):
        seen, cursor = [], None
        while True:
            query = {"limit": 7, "sort": sort, **({"cursor": cursor} if cursor else {})}
            body = client.get("/api/v1/persons", query_string=query).get_json()
            seen += [p["id"] for p in body["items"]]
            cursor = body["next_cursor"]
            if not cursor:
                break
        assert len(seen) == len(set(seen)) == db.session.query(Person).count()


def test_bearer_token_writes_without_csrf(demo, app, csrf_on):
    token, secret = auth_ops.create_token(demo["demo_village"], "脚本")
    db.session.commit()
    client = app.test_client()
    response = client.post("/api/v1/persons", json=payload(), headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 201
    cookie_client = app.test_client()
    from tests.conftest import sign_in

    sign_in(cookie_client, demo["demo_village"])
    assert cookie_client.post("/api/v1/persons", json=payload(id_number=make_id(seq=9))).status_code == 400


def test_openapi_documents_the_resource(demo, login_as):
    spec = login_as("demo_city").get("/api/v1/openapi.json").get_json()
    paths = spec["paths"]
    assert {"/api/v1/persons", "/api/v1/persons/{person_id}", "/api/v1/persons/search"} <= set(paths)
    created = paths["/api/v1/persons"]["post"]["responses"]
    assert {"201", "409", "422"} <= set(created)
    schemas = spec["components"]["schemas"]
    assert "warnings" in schemas["PersonSaved"]["properties"]
    assert schemas["PersonCreate"]["properties"]["status"]["enum"] == ["working_outside", "returned", "incomer",
                                                                       "founded"]
