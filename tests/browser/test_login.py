"""First browser test (issue 2 §11): village staff sign in on a phone and reach their home page."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_village_staff_signs_in_on_a_phone(live_server, phone_page, page_log, login):
    page = phone_page
    page.goto("/login")
    expect(page).to_have_title(re.compile("登录"))
    expect(page.get_by_role("button", name="登录")).to_be_visible()

    login(page, "demo_village")

    expect(page).to_have_url(live_server.url_for("main.home"))
    expect(page).to_have_title(re.compile("^工作台"))
    expect(page.get_by_role("heading", level=1)).to_have_text("您好，大中坝村演示服务员")
    # A phone gets the collapsed navigation; Bootstrap's script (served locally) opens it.
    toggler = page.get_by_role("button", name="展开导航")
    expect(toggler).to_be_visible()
    toggler.click()
    expect(page.locator("#mainNav").get_by_role("link", name="工作台")).to_be_visible()
    # The page fits the phone: nothing wider than the viewport.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page_log(page).assert_clean()


def _asset_sources(page) -> list[str]:
    return page.evaluate("""() => [...document.querySelectorAll('link[rel~="stylesheet"], script[src]')]
                                  .map(el => el.href || el.src)""")


def test_login_and_home_load_assets_only_from_this_server(live_server, desktop_page, page_log, login):
    page = desktop_page
    page.goto("/login")
    sources = _asset_sources(page)
    login(page, "demo_village")
    expect(page.get_by_role("heading", level=1)).to_contain_text("大中坝村演示服务员")
    sources += _asset_sources(page)

    # The markup: every <link rel=stylesheet> and <script src> of both pages points at this server.
    assert sources, "no stylesheet or script found"
    assert all(src.startswith(live_server.url + "/") for src in sources), sources
    # The network: every request of both pages (stylesheets, scripts, fonts, images …) went here.
    log = page_log(page)
    kinds = {kind for kind, _ in log.requests}
    assert {"document", "stylesheet", "script"} <= kinds, log.requests
    assert log.foreign_requests() == []
    log.assert_clean()
