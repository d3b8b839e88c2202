"""Issue 5 browser test, on a phone: demo_village finds a person, logs a visit with a follow-up
date and a need and sees it on the case timeline; demo_mentor adds a note to the same case and
sees the need as a service item."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.core import clock

pytestmark = pytest.mark.browser


def test_village_visit_then_mentor_note_on_a_phone(live_server, phone_page, new_page, page_log, login):
    page = phone_page
    login(page, "demo_village")
    # Find the person in the library (曾伟 has an open case served by demo_specialist and demo_mentor).
    page.goto("/persons/")
    page.get_by_label("姓名").fill("曾伟")
    page.get_by_role("button", name="查询").click()
    page.get_by_role("link", name="曾伟").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("曾伟")
    page.locator("#section-case").get_by_role("link", name="查看在办档案").click()
    expect(page).to_have_title(re.compile("曾伟 · 一人一档"))

    page.get_by_role("link", name="写走访记录").click()
    follow_up = (clock.today() + timedelta(days=14)).isoformat()
    page.get_by_label("走访方式").select_option("home_visit")
    page.get_by_label("内容").fill("入户走访：网店已选好货源，需要流转一块地建仓库")
    page.get_by_label("土地流转").check()
    page.get_by_label("下次跟进日期").fill(follow_up)
    page.get_by_role("button", name="保存").click()

    expect(page.locator(".alert-success")).to_contain_text("已保存记录")
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("入户走访：网店已选好货源")
    expect(timeline).to_contain_text("提出需求：土地流转")
    expect(timeline).to_contain_text("下次跟进")
    case_url = page.url.split("#")[0]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page_log(page).assert_clean()

    mentor = new_page("phone")
    login(mentor, "demo_mentor")
    mentor.goto(case_url)
    # The mentor sees no ID number at all.
    expect(mentor.locator("body")).not_to_contain_text("身份证")
    mentor.get_by_role("link", name="写辅导记录").click()
    mentor.get_by_label("辅导主题").select_option("resources")
    mentor.get_by_label("内容").fill("对接了区农业农村局的土地流转服务")
    mentor.get_by_label("建议").fill("先签三年期流转合同")
    mentor.get_by_role("button", name="保存").click()
    expect(mentor.locator(".alert-success")).to_contain_text("已保存记录")
    expect(mentor.locator("#timeline")).to_contain_text("对接了区农业农村局的土地流转服务")
    services = mentor.locator("#services")
    expect(services.locator('.service-item[data-type="land_transfer"]')).to_contain_text("土地流转")
    expect(services.locator('.service-item[data-type="land_transfer"]')).to_contain_text("待办")
    assert mentor.evaluate("document.documentElement.scrollWidth") <= 390
    page_log(mentor).assert_clean()
