"""Issue 12 browser tests, on a phone: the county officer registers a person choosing the village
with the cascading region picker (dates typed as 2025/12/31); the village clerk registers a
business choosing the founder by name search."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.businesses.models import Business
from app.extensions import db
from app.persons.models import Person
from tests.persons.factories import create_person, unique_id
from tests.subsidies.factories import credit_code

pytestmark = pytest.mark.browser


def test_county_officer_picks_a_village_on_a_phone(live_server, phone_page, page_log, login):
    page = phone_page
    login(page, "demo_county")
    page.goto("/persons/new")
    village = page.get_by_label("户籍所在村（社区）：村（社区）")
    expect(village).to_be_disabled()
    page.get_by_label("户籍所在村（社区）：乡镇（街道）").select_option(label="分乡镇")
    expect(village).to_be_enabled()
    expect(village.locator("option").first).to_have_text("请选择村（社区）")
    village.select_option("420506103202")
    page.get_by_label("身份证号码").fill(unique_id())
    page.get_by_label("姓名").fill("周春")
    page.get_by_label("数据来源").select_option("survey")
    page.get_by_label("人员状态").select_option("returned")
    page.get_by_label("返乡日期").fill("2025/12/31")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="保存").click()

    expect(page.locator(".alert-success")).to_contain_text("已登记 周春")
    expect(page.locator("main")).to_contain_text("大中坝村")
    expect(page.locator("main")).to_contain_text("2025年12月31日")
    person = db.session.scalar(select(Person).where(Person.name == "周春"))
    assert person.village.code == "420506103202" and person.village.parent.code == "420506103"
    page_log(page).assert_clean()


def test_village_clerk_chooses_the_founder_by_name(live_server, phone_page, page_log, login):
    founder = create_person(name="谭嘉禾", village_code="420506103202")
    db.session.commit()
    page = phone_page
    login(page, "demo_village")
    page.goto("/businesses/new")
    # The clerk's own village is shown by name, fixed.
    expect(page.get_by_label("登记所在村（社区）")).to_have_value(re.compile("大中坝村"))
    page.get_by_label("创办人", exact=True).fill("谭嘉")
    choice = page.locator("[data-person-results] button", has_text="谭嘉禾")
    expect(choice).to_have_count(1)
    expect(choice).to_contain_text(founder.id_number_masked)
    choice.click()
    expect(page.locator("[data-person-chosen]")).to_contain_text("已选：谭嘉禾")
    page.get_by_label("主体名称").fill("谭记农庄")
    page.get_by_label("统一社会信用代码").fill(credit_code())
    page.get_by_label("首次登记日期").fill("20250630")
    page.get_by_role("button", name="保存").click()

    expect(page.locator(".alert-success")).to_contain_text("经营主体已登记")
    business = db.session.scalar(select(Business).where(Business.name == "谭记农庄"))
    assert business.founder_id == founder.id and business.village.code == "420506103202"
    page_log(page).assert_clean()
