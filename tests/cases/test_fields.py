"""Case forms: 已办结 needs its result; visit dates and due dates in any common spelling."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.cases import operations as ops
from app.cases.models import CaseLog, ItemStatus, ServiceItem
from app.core import clock
from app.core.errors import FieldErrors
from app.extensions import db
from tests.cases.factories import create_case, user
from tests.form_pages import shown_again


def test_done_without_result_is_refused(demo):
    case = create_case()
    admin = user("demo_city")
    item = ops.add_service_item(admin, case, {"service_type": "legal_aid"})
    for blank in ({"status": "done"}, {"status": "done", "outcome": "  "}):
        with pytest.raises(FieldErrors) as error:
            ops.update_service_item(admin, item, blank, expected_version=item.version)
        assert error.value.fields == {"outcome": ["办结前请填写办理结果。"]}
        assert item.status == ItemStatus.TODO
    ops.update_service_item(admin, item, {"status": "done", "outcome": "已获法律援助"}, expected_version=item.version)
    assert item.status == ItemStatus.DONE and item.outcome == "已获法律援助"


def test_done_without_result_on_the_case_page(demo, login_as):
    case = create_case(specialist="demo_specialist", mentor="demo_mentor")
    item = ops.add_service_item(user("demo_city"), case, {"service_type": "legal_aid"})
    db.session.commit()
    specialist = login_as("demo_specialist")
    response = specialist.post(f"/cases/{case.id}/services/{item.id}", data={
        "status": "done", "outcome": "", "version": item.version}, follow_redirects=True)
    assert "办结前请填写办理结果。" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ServiceItem, item.id).status == ItemStatus.TODO


@pytest.mark.parametrize("spelling", ["{d:%Y-%m-%d}", "{d:%Y/%m/%d}", "{d:%Y.%m.%d}", "{d:%Y%m%d}",
                                      "{d.year}年{d.month}月{d.day}日"])
def test_visit_and_due_dates_in_every_spelling(demo, login_as, spelling):
    case = create_case(specialist="demo_specialist", mentor="demo_mentor")
    day = clock.today()
    client = login_as("demo_village")
    response = client.post(f"/cases/{case.id}/logs/new", data={
        "kind": "visit", "date": spelling.format(d=day), "method": "home_visit", "content": "入户走访",
        "next_follow_up": spelling.format(d=day)})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    log = db.session.scalar(select(CaseLog).where(CaseLog.case_id == case.id))
    assert log.contact_on == day
    specialist = login_as("demo_specialist")
    due = date(day.year + 1, 3, 1)
    assert specialist.post(f"/cases/{case.id}/services", data={
        "service_type": "financing", "title": "", "responsible_unit": "",
        "due_on": spelling.format(d=due)}).status_code == 302
    item = db.session.scalar(select(ServiceItem).where(ServiceItem.case_id == case.id,
                                                       ServiceItem.service_type == "financing"))
    assert item.due_on == due


def test_bad_visit_date_names_the_field(demo, login_as):
    case = create_case(specialist="demo_specialist", mentor="demo_mentor")
    client = login_as("demo_village")
    response = client.post(f"/cases/{case.id}/logs/new", data={
        "kind": "visit", "date": "2026/13/01", "method": "home_visit", "content": "入户走访"})
    text = shown_again(client, response)
    assert "日期格式不正确，例如 2025-12-31" in text and 'value="2026/13/01"' in text
