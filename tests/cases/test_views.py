"""Case pages: what each role sees (no ID for the assignees, page and print), the audited full
phone, forms that write logs, request → open, assignment with matching, and the person section."""
from __future__ import annotations

from sqlalchemy import select

from app.cases.models import Case, CaseRequest, ServiceItem
from app.core import clock
from app.core.audit import AuditEntry
from app.extensions import db
from tests.cases.factories import create_case, user
from tests.form_pages import shown_again
from tests.persons.factories import create_person


def _person_with_phone():
    return create_person(user("demo_city"), phone="13907161234", intended_industry="specialty_farming")


def test_mentor_page_and_print_carry_no_id_number(demo, login_as):
    person = _person_with_phone()
    case = create_case(specialist="demo_specialist", mentor="demo_mentor", person=person)
    masked = person.id_number_masked
    for username in ("demo_mentor", "demo_specialist"):
        client = login_as(username)
        for url in (f"/cases/{case.id}", f"/cases/{case.id}/print"):
            html = client.get(url).get_data(as_text=True)
            assert person.name in html
            assert masked not in html and masked[:6] not in html and "身份证" not in html, (username, url)
            assert "13907161234" not in html and "139****1234" in html
    html = login_as("demo_township").get(f"/cases/{case.id}/print").get_data(as_text=True)
    assert masked in html


def test_assignee_full_phone_is_audited(demo, login_as):
    case = create_case(specialist="demo_specialist", mentor="demo_mentor", person=_person_with_phone())
    client = login_as("demo_mentor")
    html = client.post(f"/cases/{case.id}/phone").get_data(as_text=True)
    assert "13907161234" in html
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "case_phone_view"))
    assert entry.username == "demo_mentor" and "13907161234" not in (entry.detail or "")
    assert login_as("demo_township").post(f"/cases/{case.id}/phone").status_code == 403


def test_village_visit_form_creates_log_and_item(demo, login_as):
    case = create_case(specialist="demo_specialist", mentor="demo_mentor")
    client = login_as("demo_village")
    assert client.get(f"/cases/{case.id}/logs/new?kind=visit").status_code == 200
    assert client.get(f"/cases/{case.id}/logs/new?kind=mentor_note").status_code == 403
    today = clock.today().isoformat()
    response = client.post(f"/cases/{case.id}/logs/new", data={
        "kind": "visit", "date": today, "method": "", "content": ""})
    html = shown_again(client, response, f"/cases/{case.id}/logs/new")
    assert "请选择走访方式" in html and "请填写内容" in html
    response = client.post(f"/cases/{case.id}/logs/new", data={
        "kind": "visit", "date": today, "method": "home_visit", "content": "入户走访，想搞民宿",
        "needs": ["land_transfer"], "next_follow_up": today})
    assert response.status_code == 302
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "入户走访，想搞民宿" in html and "土地流转" in html
    assert db.session.scalar(select(ServiceItem.service_type).where(ServiceItem.case_id == case.id)) == "land_transfer"


def test_mentor_note_and_revision_form(demo, login_as):
    case = create_case(specialist="demo_specialist", mentor="demo_mentor")
    mentor = login_as("demo_mentor")
    assert mentor.get(f"/cases/{case.id}/logs/new?kind=visit").status_code == 403
    today = clock.today().isoformat()
    response = mentor.post(f"/cases/{case.id}/logs/new", data={
        "kind": "mentor_note", "date": today, "topic": "market", "content": "分析了线上销售渠道"})
    assert response.status_code == 302
    from app.cases.models import CaseLog

    log = db.session.scalar(select(CaseLog).where(CaseLog.case_id == case.id))
    html = mentor.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "修订" in html
    response = mentor.post(f"/cases/{case.id}/logs/{log.id}/revise", data={
        "date": today, "topic": "market", "content": "分析了线上销售渠道（补充直播带货）"})
    assert response.status_code == 302
    html = mentor.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "分析了线上销售渠道（补充直播带货）" in html and "已被修订" in html
    assert login_as("demo_specialist").get(f"/cases/{case.id}/logs/{log.id}/revise").status_code == 403


def test_request_decide_and_assign_pages(demo, login_as):
    person = create_person(user("demo_city"), intended_industry="rural_tourism")
    village = login_as("demo_village")
    html = village.get(f"/persons/{person.id}").get_data(as_text=True)
    assert "申请建档" in html
    response = village.post(f"/cases/request/{person.id}", data={"reason": "", "needs": []})
    assert "error-summary" in shown_again(village, response, f"/cases/request/{person.id}")
    response = village.post(f"/cases/request/{person.id}", data={"reason": "想办农家乐", "needs": ["site_park"]})
    assert response.status_code == 302
    req = db.session.scalar(select(CaseRequest).where(CaseRequest.person_id == person.id))
    township = login_as("demo_township")
    assert person.name in township.get("/cases/requests").get_data(as_text=True)
    response = township.post(f"/cases/requests/{req.id}/decide", data={"decision": "open", "version": req.version})
    assert response.status_code == 302
    case = db.session.scalar(select(Case).where(Case.person_id == person.id))
    html = township.get(f"/cases/{case.id}/assign").get_data(as_text=True)
    assert "分乡镇演示服务专员" in html and "行业匹配" in html
    response = township.post(f"/cases/{case.id}/assign", data={
        "specialist": "demo_specialist", "mentor": "demo_mentor", "version": case.version})
    assert response.status_code == 302
    db.session.refresh(case)
    assert case.specialist.username == "demo_specialist" and case.mentor.username == "demo_mentor"
    response = township.post(f"/cases/{case.id}/stage", data={"stage": "intention", "reason": "有明确意向",
                                                              "version": case.version})
    assert response.status_code == 302
    db.session.refresh(case)
    assert case.stage.value == "intention"
    html = township.get(f"/persons/{person.id}").get_data(as_text=True)
    assert f"/cases/{case.id}" in html


def test_open_from_person_page_and_conflict(demo, login_as):
    person = create_person(user("demo_city"))
    township = login_as("demo_township")
    assert township.post(f"/cases/open/{person.id}").status_code == 302
    again = township.post(f"/cases/open/{person.id}")
    assert "该人员已有在办的档案。" in shown_again(township, again, f"/persons/{person.id}#case")
    assert login_as("demo_village").post(f"/cases/open/{person.id}").status_code == 403


def test_service_item_update_page(demo, login_as):
    case = create_case(specialist="demo_specialist", mentor="demo_mentor")
    from app.cases import operations as ops

    item = ops.add_service_item(user("demo_city"), case, {"service_type": "legal_aid"})
    db.session.commit()
    specialist = login_as("demo_specialist")
    response = specialist.post(f"/cases/{case.id}/services/{item.id}", data={
        "status": "done", "outcome": "已获法律援助", "version": item.version})
    assert response.status_code == 302
    db.session.refresh(item)
    assert item.status.value == "done"
    response = specialist.post(f"/cases/{case.id}/services", data={"service_type": "financing", "title": "",
                                                                   "responsible_unit": "", "due_on": ""})
    assert response.status_code == 302


def test_catalogue_city_admin_extends(demo, login_as):
    city = login_as("demo_city")
    response = city.post("/cases/catalogue", data={"code": "ecommerce_help", "label": "电商帮扶"})
    assert response.status_code == 302
    assert "电商帮扶" in city.get("/cases/catalogue").get_data(as_text=True)
    response = city.post("/cases/catalogue", data={"code": "ecommerce_help", "label": "重复"})
    assert "该代码已存在。" in shown_again(city, response, "/cases/catalogue")
    assert login_as("demo_county").get("/cases/catalogue").status_code == 403


def test_list_pages(demo, login_as):
    case = create_case(specialist="demo_specialist", mentor="demo_mentor")
    for username in ("demo_city", "demo_village", "demo_specialist", "demo_mentor"):
        html = login_as(username).get("/cases/").get_data(as_text=True)
        assert case.person.name in html, username
    assert case.person.name not in login_as("demo_village2").get("/cases/").get_data(as_text=True)
    assert login_as("demo_city").get("/cases/?stage=bogus").status_code == 422
    assert login_as("demo_county").get("/cases/?queue=overdue").status_code == 200


def test_stage_button_changes_the_stage_or_flashes_the_missing_reason(demo, login_as):
    case = create_case(specialist="demo_specialist", mentor="demo_mentor")
    township = login_as("demo_township")
    page = township.post(f"/cases/{case.id}/stage", data={"stage": "training", "version": case.version},
                         follow_redirects=True)
    assert page.status_code == 200 and "阶段已变更" not in page.get_data(as_text=True)
    db.session.refresh(case)
    assert case.stage.value != "training"
    page = township.post(f"/cases/{case.id}/stage", data={"stage": "training", "reason": "报名培训",
                                                          "version": case.version}, follow_redirects=True)
    assert "阶段已变更为「培训」" in page.get_data(as_text=True)
    db.session.refresh(case)
    assert case.stage.value == "training"
