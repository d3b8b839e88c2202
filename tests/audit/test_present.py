"""The audit log in Chinese (issue 12 §4): actions, objects, fields and values by their labels."""
from __future__ import annotations

import re

from sqlalchemy import select

from app.audit.present import ACTION_LABELS, OBJECT_TYPES, present
from app.auth import operations as auth_ops
from app.core import audit, clock
from app.core.access.roles import Role
from app.core.audit import AuditEntry
from app.extensions import db
from app.subsidies import operations as subsidy_ops
from app.subsidies.eligibility import programme_by_code
from tests.raw_codes import recorded_actions, visible_text

ASCII_WORD = re.compile(r"[A-Za-z_]{2,}")


def _main(response) -> str:
    page = response.get_data(as_text=True)
    return visible_text(page[page.find("<main"):])


def _user(username):
    from app.auth.models import User

    return db.session.scalar(select(User).where(User.username == username))


def test_every_recorded_action_has_a_label_and_every_label_is_recorded():
    recorded = recorded_actions()
    assert set(recorded) - set(ACTION_LABELS) == set()
    assert set(ACTION_LABELS) - set(recorded) == set()
    for label in ACTION_LABELS.values():
        assert not ASCII_WORD.search(label), label
    for kind in OBJECT_TYPES.values():
        assert not ASCII_WORD.search(kind.label), kind.label


def test_a_new_user_and_a_deactivation_read_in_chinese(demo, login_as):
    city = _user("demo_city")
    user = auth_ops.create_user(city, auth_ops.UserData(username="wangfang", full_name="王芳",
                                                        region_code="420506103202", roles={Role.VILLAGE_STAFF}),
                                "Qq1!long-enough-pass")
    db.session.commit()
    auth_ops.deactivate_user(city, user, "调离岗位", expected_version=user.version)
    db.session.commit()
    page = _main(login_as("demo_city").get("/audit/?object_type=user"))
    assert "新建用户" in page and "用户 王芳（wangfang）" in page
    assert "角色：村级服务点" in page and "须修改密码：是" in page and "所属区域：大中坝村" in page
    assert "停用用户" in page and "账户启用：是 → 否" in page and "调离岗位" in page
    for raw in ("user_create", "village_staff", "must_change_password", "is_active_account", "True", "user #"):
        assert raw not in page, raw


def test_parameter_changes_name_the_parameter_and_its_unit(demo, login_as):
    programme = programme_by_code("startup_once")
    subsidy_ops.set_parameters(_user("demo_city"), programme, {"amount": "6000"}, clock.today())
    db.session.commit()
    page = _main(login_as("demo_city").get("/audit/?action=rule_version_created"))
    assert "新增参数版本" in page and "参数版本 一次性创业补贴 第2版" in page
    assert "补贴金额（元）：5,000 元 → 6,000 元" in page and "补贴项目：空 → 一次性创业补贴" in page
    assert "amount" not in page and "min_jobs" not in page


def test_entries_written_before_parameters_were_recorded_one_by_one_still_read_in_chinese(demo):
    from app.subsidies.models import RuleVersion

    version = db.session.scalar(select(RuleVersion).where(RuleVersion.programme_id == programme_by_code("startup_once").id))
    entry = audit.record("rule_version_updated", version, changes={"params": [
        {"amount": 5000, "min_jobs": 2}, {"amount": 5000, "min_jobs": 3}]})
    db.session.flush()
    [view] = present([entry])
    assert [(c.field, c.old, c.new) for c in view.changes] == [("最少带动就业人数（含本人，人）", "2 人", "3 人")]


def test_values_are_shown_by_label_name_and_chinese_date(demo):
    from app.persons.models import Person

    person = db.session.scalar(select(Person).limit(1))
    entry = audit.record("person_update", person, changes={
        "status": ["working_outside", "returned"], "is_sanyou": [False, True], "returned_on": [None, "2026-03-01"],
        "work_industry": [None, "other"], "remarks": ["旧", None]})
    db.session.flush()
    [view] = present([entry])
    assert view.action == "修改信息" and view.object_label == "人员" and view.object_name == person.name
    assert [(c.field, c.old, c.new) for c in view.changes] == [
        ("人员状态", "在外务工", "已返乡"), ("三有人员", "否", "是"), ("返乡日期", "空", "2026年3月1日"),
        ("务工行业", "空", "其他"), ("备注", "旧", "空")]


def test_every_demo_entry_reads_without_codes_or_english_field_names(demo):
    entries = db.session.scalars(select(AuditEntry)).all()
    assert len(entries) > 50
    for view in present(entries):
        assert view.action != view.entry.action, view.entry.action
        assert view.object_label and not ASCII_WORD.search(view.object_label)
        for change in view.changes:
            assert not ASCII_WORD.search(change.field.replace("LPR", "")), (view.entry.action, change.field)


def test_the_record_history_uses_the_same_labels(demo, login_as):
    from app.persons.models import Person

    person = db.session.scalar(select(Person).where(Person.archived_at.is_(None)).limit(1))
    audit.record("person_update", person, changes={"status": ["working_outside", "returned"]})
    db.session.commit()
    page = _main(login_as("demo_city").get(f"/persons/{person.id}"))
    assert "修改信息" in page and "人员状态：在外务工 → 已返乡" in page
    assert "working_outside" not in page and "person_update" not in page


def test_the_filters_are_selects_of_labels(demo, login_as):
    page = login_as("demo_city").get("/audit/?action=user_create").get_data(as_text=True)
    assert '<option selected value="user_create">新建用户</option>' in page
    assert "登录" in page and ">用户<" in page
    rows = _main(login_as("demo_city").get("/audit/?action=user_create"))
    assert "新建用户" in rows and "登记人员" not in rows.split("变更 / 说明", 1)[1]
