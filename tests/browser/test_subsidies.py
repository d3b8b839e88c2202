"""Issue 6 browser test: demo_township submits a one-time startup subsidy for an eligible demo
business with an attachment; demo_county sees the criteria table and approves; the founder's case
timeline shows both steps."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.auth.models import User
from app.businesses.models import Business
from app.cases import operations as case_ops
from app.extensions import db

pytestmark = pytest.mark.browser

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 256


def test_township_submits_county_approves_timeline_shows_both(live_server, desktop_page, new_page, page_log, login,
                                                              tmp_path):
    live_server.app.config["UPLOAD_FOLDER"] = str(tmp_path)
    business = db.session.scalar(select(Business).where(Business.name == "鑫源生态农庄"))
    township_user = db.session.scalar(select(User).where(User.username == "demo_township"))
    case = case_ops.open_case_of(business.founder_id) or case_ops.open_case(township_user, business.founder)
    db.session.commit()
    case_id, founder_name = case.id, business.founder.name

    page = desktop_page
    login(page, "demo_township")
    page.goto("/businesses/")
    page.get_by_role("link", name="鑫源生态农庄").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("鑫源生态农庄")
    startup = page.locator('[data-programme="startup_once"]')
    expect(startup).to_contain_text("符合条件")
    startup.get_by_role("link", name="申请一次性创业补贴").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("申请一次性创业补贴")
    page.get_by_label("营业执照").set_input_files(files=[{"name": "营业执照.png", "mimeType": "image/png",
                                                      "buffer": PNG}])
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator(".alert-success")).to_contain_text("申请已提交")
    expect(page.locator('[data-state="submitted"]')).to_have_text("已提交")
    expect(page.get_by_role("link", name="营业执照.png")).to_be_visible()
    application_url = page.url
    page_log(page).assert_clean()

    county = new_page("desktop")
    login(county, "demo_county")
    county.goto(application_url)
    record = county.locator("#decision-record table").first  # the submission record (then today's re-check)
    expect(record.locator("tr[data-criterion]")).to_have_count(6)
    expect(record.locator('tr[data-criterion="operating_months"]')).to_contain_text("符合")
    expect(record.locator('tr[data-criterion="min_jobs"]')).to_contain_text("4 人")
    county.get_by_label("审批意见").fill("材料齐全，同意。")
    # 批准 costs money: a dialog names the person, the programme and the amount first.
    questions = []
    county.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    county.get_by_role("button", name="批准", exact=True).click()
    expect(county.locator(".alert-success")).to_contain_text("已批准")
    expect(county.locator('[data-state="approved"]')).to_have_text("已批准")
    assert questions == [f"确定批准{founder_name}一次性创业补贴 5,000 元？"]
    page_log(county).assert_clean()

    county.goto(f"/cases/{case_id}")
    timeline = county.locator("#timeline")
    expect(timeline).to_contain_text("提交补贴申请")
    expect(timeline).to_contain_text("批准补贴申请")
    expect(county).to_have_title(re.compile("一人一档"))
    page_log(county).assert_clean()
