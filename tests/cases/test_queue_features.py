"""Issue 12 §7: "新分派给我", the specialist's overdue service items, name search on the case
list (in scope only), tap-to-call only where the full phone is shown."""
from __future__ import annotations

from datetime import timedelta

from app.auth import operations as auth_ops
from app.cases import operations as ops
from app.cases import queries
from app.cases.models import Case
from app.core import clock
from app.core.access.roles import Role
from app.demo import DEMO_PASSWORD
from app.extensions import db
from tests.cases.factories import create_case, user
from tests.cases.pages import Page, case_id_of
from tests.persons.factories import create_person


def _new(username: str) -> set[int]:
    queue = queries.new_assignments(user(username))
    assert queue.count == len(queue.cases)
    return {c.id for c in queue.cases}


def test_new_assignment_until_the_assignee_opens_the_case(demo, login_as):
    case = create_case(specialist="demo_specialist", mentor="demo_mentor")
    assert case.id in _new("demo_specialist") and case.id in _new("demo_mentor")
    home = Page(login_as("demo_specialist").get("/").get_data(as_text=True))
    panel = next(p for p in home.panels if p.title == "新分派给我")
    assert panel.count == str(len(_new("demo_specialist")))
    assert case.id in {case_id_of(i.href) for i in panel.items}
    # Someone else opening the case changes nothing; the specialist opening it clears theirs only.
    assert login_as("demo_township").get(f"/cases/{case.id}").status_code == 200
    assert case.id in _new("demo_specialist")
    version = case.version
    assert login_as("demo_specialist").get(f"/cases/{case.id}").status_code == 200
    db.session.expire_all()
    assert case.id not in _new("demo_specialist") and case.id in _new("demo_mentor")
    assert db.session.get(Case, case.id).version == version  # a read receipt, not an edit of the case
    login_as("demo_mentor").get(f"/cases/{case.id}")
    assert case.id not in _new("demo_mentor")


def test_reassignment_back_is_new_again(demo, login_as):
    other = auth_ops.bootstrap_user(auth_ops.UserData(username="spec_other", full_name="另一位服务专员",
                                                      region_code="420506103", roles={Role.SPECIALIST}), DEMO_PASSWORD)
    case = create_case(specialist="demo_specialist")
    login_as("demo_specialist").get(f"/cases/{case.id}")
    assert case.id not in _new("demo_specialist")
    township = user("demo_township")
    ops.assign(township, case, specialist=other, reason="临时调整", expected_version=case.version)
    db.session.commit()
    assert case.id not in _new("demo_specialist") and case.id in _new("spec_other")
    ops.assign(township, case, specialist="demo_specialist", reason="调回", expected_version=case.version)
    db.session.commit()
    assert case.id in _new("demo_specialist") and case.id not in _new("spec_other")


def test_closed_case_is_never_new(demo):
    case = create_case(specialist="demo_specialist", stage="closed")
    assert case.id not in _new("demo_specialist")


def test_my_overdue_service_items_only_of_my_cases(demo, login_as):
    mine = create_case(specialist="demo_specialist", mentor="demo_mentor")
    theirs = create_case(mentor="demo_mentor")
    township = user("demo_township")
    with clock.frozen(clock.today() - timedelta(days=20)):
        for case in (mine, theirs):
            ops.add_service_item(township, case, {"service_type": "financing", "title": f"贷款对接{case.id}",
                                                  "due_on": (clock.today() + timedelta(days=5)).isoformat()})
    db.session.commit()
    titles = {i.title for i in queries.my_items_past_due(user("demo_specialist")).items}
    assert f"贷款对接{mine.id}" in titles and f"贷款对接{theirs.id}" not in titles
    home = Page(login_as("demo_specialist").get("/").get_data(as_text=True))
    panel = next(p for p in home.panels if p.title == "我的个案逾期服务事项")
    assert any(case_id_of(i.href.split("#")[0]) == mine.id and i.badge == "办理超期 15 天" for i in panel.items)
    assert not any(case_id_of(i.href.split("#")[0]) == theirs.id for i in panel.items)
    # Mentors and region roles do not get this queue.
    assert "我的个案逾期服务事项" not in {p.title for p in Page(login_as("demo_mentor").get("/").get_data(as_text=True)).panels}


def _listed(client, q: str) -> set[str]:
    page = Page(client.get("/cases/", query_string={"q": q}).get_data(as_text=True))
    return {db.session.get(Case, r.case_id).person.name for r in page.rows}


def test_name_search_on_the_case_list_stays_in_scope(demo, login_as):
    # The same name in another township (秭归县), with a case: never found by 分乡镇's users.
    outside = create_case(village_code="420527101201", name="王芳", specialist=None)
    village = login_as("demo_village")
    assert _listed(village, "王芳") == {"王芳"}
    assert _listed(village, "wf") == {"王芳"}
    assert _listed(village, "王") == {"王芳"}
    assert _listed(village, "徐丽") == set()  # 高家堰村: not demo_village's
    page = Page(village.get("/cases/?q=王芳").get_data(as_text=True))
    assert outside.id not in {r.case_id for r in page.rows}
    county2 = {db.session.get(Case, r.case_id).id for r in
               Page(login_as("demo_county2").get("/cases/?q=王芳").get_data(as_text=True)).rows}
    assert county2 == {outside.id}
    # Assignees: only the cases assigned to them.
    assert _listed(login_as("demo_specialist"), "zm") == set()  # 赵敏's specialist is another account
    assert _listed(login_as("demo_mentor"), "zm") == {"赵敏"}
    # Combined with the other filters, and refused politely when too long.
    assert _listed(login_as("demo_township"), "陈") == {"陈静"}
    assert _listed(login_as("demo_township"), "陈") == {
        db.session.get(Case, r.case_id).person.name
        for r in Page(login_as("demo_township").get("/cases/?q=陈&stage=restart").get_data(as_text=True)).rows}
    response = login_as("demo_township").get("/cases/", query_string={"q": "张" * 65})
    assert response.status_code == 422 and "姓名查询不能超过 64 个字" in response.get_data(as_text=True)


def test_tel_link_only_where_the_full_phone_is_shown(demo, login_as):
    person = create_person(user("demo_city"), phone="13907161234")
    case = create_case(specialist="demo_specialist", mentor="demo_mentor", person=person)
    client = login_as("demo_specialist")
    masked = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "tel:" not in masked and "1390716" not in masked
    revealed = client.post(f"/cases/{case.id}/phone").get_data(as_text=True)
    assert '<a href="tel:13907161234" class="tel">13907161234</a>' in revealed
    printed = client.get(f"/cases/{case.id}/print").get_data(as_text=True)
    assert "tel:" not in printed
    # The township sees the masked number on the case page (no link) and the full one on the
    # person page after the audited reveal (a link).
    township = login_as("demo_township")
    assert "tel:" not in township.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "tel:" not in township.get(f"/persons/{person.id}").get_data(as_text=True)
    shown = township.post(f"/persons/{person.id}/reveal").get_data(as_text=True)
    assert '<a href="tel:13907161234" class="tel">13907161234</a>' in shown
    # Without a phone: plain text, no link.
    bare = create_case(specialist="demo_specialist", person=create_person(user("demo_city")))
    html = client.post(f"/cases/{bare.id}/phone").get_data(as_text=True)
    assert "tel:" not in html and "未登记" in html


def test_api_name_search(demo, login_as):
    items = login_as("demo_village").get("/api/v1/cases?q=wf").get_json()["items"]
    assert [i["person"]["name"] for i in items] == ["王芳"]
    assert login_as("demo_village").get("/api/v1/cases?q=" + "张" * 65).status_code == 422
