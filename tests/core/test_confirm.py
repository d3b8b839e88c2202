"""Actions that cannot be undone (or take a record out of the lists) need an explicit
confirmation: merge and archive people, deactivate an account, close a case, decline a case
request. Without confirm=1 nothing happens and the page names the action."""
from __future__ import annotations

import re
from datetime import date
from html import unescape

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.auth.models import User
from app.cases import operations as case_ops
from app.cases.models import Case, CaseRequest, CaseStage, RequestStatus
from app.extensions import db
from app.persons.models import Person
from tests.cases.factories import create_case
from tests.persons.factories import create_person, make_id


def body(response) -> str:
    return response.get_data(as_text=True)


def confirm_form(page: str) -> MultiDict:
    """The fields the confirmation page posts (as a browser without JavaScript would)."""
    form = next(part for part in page.split("<form") if '<input type="hidden" name="confirm" value="1">' in part)
    form = form[:form.index("</form>")]
    return MultiDict([(n, unescape(v)) for n, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form)])


def test_archive_needs_confirmation_and_the_page_carries_the_csrf_token(demo, login_as, csrf_on):
    person = create_person(name="谭嘉禾")
    client = login_as("demo_township")
    page = body(client.get(f"/persons/{person.id}"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert f'data-confirm="确定归档谭嘉禾（#{person.id}）？' in page
    asked = client.post(f"/persons/{person.id}/archive", data={"csrf_token": token, "reason": "已迁出本市",
                                                              "version": str(person.version)})
    assert asked.status_code == 200 and f"确定归档谭嘉禾（#{person.id}）？" in body(asked)
    db.session.expire_all()
    assert db.session.get(Person, person.id).archived_at is None
    fields = confirm_form(body(asked))
    assert fields["csrf_token"] == token and fields["reason"] == "已迁出本市" and fields["confirm"] == "1"
    assert client.post(f"/persons/{person.id}/archive", data=fields).status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, person.id).archived_at is not None


def test_merge_needs_confirmation(demo, login_as):
    known = create_person(name="曾宪梓", id_number=make_id(date(1987, 9, 3), seq=77))
    twin = create_person(name="曾宪梓", village_code="420506103203", id_number=make_id(date(1987, 9, 3), seq=78))
    client = login_as("demo_county")
    form = {"other_id": str(twin.id), "reason": "重复", "version": str(known.version),
            "other_version": str(twin.version)}
    asked = client.post(f"/persons/{known.id}/merge", data=form)
    assert asked.status_code == 200
    assert f"确定将 #{twin.id} 曾宪梓 并入 #{known.id} 曾宪梓？并入的记录将归档，合并不能撤销。" in body(asked)
    db.session.expire_all()
    assert db.session.get(Person, twin.id).merged_into_id is None
    assert client.post(f"/persons/{known.id}/merge", data={**form, "confirm": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, twin.id).merged_into_id == known.id


def test_deactivation_needs_confirmation(demo, login_as):
    target = demo["demo_village"]
    client = login_as("demo_county")
    page = body(client.get(f"/users/{target.id}/deactivate"))
    question = f"确定停用账户 {target.username}（{target.full_name}）？"
    assert f'data-confirm="{question}"' in page
    asked = client.post(f"/users/{target.id}/deactivate", data={"reason": "调离岗位", "version": target.version})
    assert asked.status_code == 200 and question in body(asked)
    db.session.expire_all()
    assert db.session.get(User, target.id).deactivated_at is None
    assert client.post(f"/users/{target.id}/deactivate", data={"reason": "调离岗位", "confirm": "1", "version": target.version}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, target.id).deactivated_at is not None


def test_closing_a_case_needs_confirmation_other_stages_do_not(demo, login_as):
    case = create_case()
    client = login_as("demo_township")
    page = body(client.get(f"/cases/{case.id}"))
    assert f'data-confirm="确定为{case.person.name}结案？结案后不能再变更阶段。" data-confirm-if="stage=closed"' in page
    asked = client.post(f"/cases/{case.id}/stage", data={"stage": "closed", "reason": "本人放弃", "version": case.version})
    assert asked.status_code == 200 and f"确定为{case.person.name}结案？" in body(asked)
    db.session.expire_all()
    assert db.session.get(Case, case.id).stage == CaseStage.PENDING_ASSIGNMENT
    done = client.post(f"/cases/{case.id}/stage", data={"stage": "closed", "reason": "本人放弃", "confirm": "1",
                                                           "version": case.version})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).stage == CaseStage.CLOSED
    other = create_case(specialist="demo_specialist", mentor="demo_mentor")
    assert client.post(f"/cases/{other.id}/stage", data={"stage": "intention", "reason": "有意向",
                                                                  "version": other.version}).status_code == 302


def test_declining_a_case_request_needs_confirmation(demo, login_as):
    person = create_person()
    req = case_ops.request_case(demo["demo_village"], person, {"reason": "想办农家乐", "needs": []})
    db.session.commit()
    client = login_as("demo_township")
    assert f'data-confirm="确定不予为{person.name}建档？"' in body(client.get("/cases/requests"))
    asked = client.post(f"/cases/requests/{req.id}/decide", data={"decision": "decline", "reason": "不符合条件", "version": req.version})
    assert asked.status_code == 200 and f"确定不予为{person.name}建档？" in body(asked)
    db.session.expire_all()
    assert db.session.get(CaseRequest, req.id).status == RequestStatus.PENDING
    done = client.post(f"/cases/requests/{req.id}/decide",
                       data={"decision": "decline", "reason": "不符合条件", "confirm": "1", "version": req.version})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(CaseRequest, req.id).status == RequestStatus.DECLINED
    assert db.session.scalar(select(Case).where(Case.person_id == person.id)) is None
