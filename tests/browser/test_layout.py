"""Layout in the browser (issue 12 §8): the grouped navigation on one line at 1,280–1,920 px with
one entry highlighted, list tables as stacked cards on a phone, and the targets table scrolling in
its box with the county column frozen."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PAGES = [("/", "工作台"), ("/persons/", "人员信息库"), ("/dashboard/", "总体目标"),
         ("/subsidies/applications", "补贴申请"), ("/users", "用户管理")]

# For each top-level entry of the bar (menus, the user menu): its number of text lines, from its
# content height over its line height.
LINES = """() => [...document.querySelectorAll('#mainNav > .navbar-nav > .nav-item > .nav-link, .navbar-brand')]
  .map(el => { const s = getComputedStyle(el);
               const content = el.clientHeight - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom);
               return [el.textContent.trim().replace(/\\s+/g, ' '), Math.round(content / parseFloat(s.lineHeight))]; })"""
TOPS = """() => new Set([...document.querySelectorAll('#mainNav > .navbar-nav > .nav-item')]
  .map(el => Math.round(el.getBoundingClientRect().top))).size"""


@pytest.mark.parametrize("width", [1280, 1920])
def test_the_navigation_fits_one_line_and_marks_one_entry(live_server, new_page, page_log, login, width):
    page = new_page("desktop")
    page.set_viewport_size({"width": width, "height": 900})
    login(page, "demo_city")  # the most entries, the longest role line
    for path, current in PAGES:
        page.goto(path)
        lines = page.evaluate(LINES)
        assert lines and all(n == 1 for _, n in lines), (width, path, lines)
        assert page.evaluate(TOPS) == 1, (width, path)  # one row: no entry dropped below the others
        menu = page.locator("#mainNav .main-menu")
        expect(menu.locator(".active")).to_have_count(1)
        expect(menu.locator('[aria-current="page"]')).to_have_text(current)
        expect(menu.locator(".current-group, .nav-link.active")).to_have_count(1)
    # The highlighted entry sits in its opened menu.
    page.goto("/persons/")
    page.locator("#mainNav .main-menu .current-group").click()
    expect(page.locator("#mainNav .dropdown-menu.show .dropdown-item.active")).to_have_text("人员信息库")
    page_log(page).assert_clean()


def test_a_phone_gets_the_burger_menu_and_list_cards(live_server, phone_page, page_log, login):
    page = phone_page
    login(page, "demo_county")
    page.goto("/persons/")
    expect(page.locator("#mainNav .main-menu")).to_be_hidden()
    page.get_by_role("button", name="展开导航").click()
    expect(page.locator("#mainNav .main-menu")).to_be_visible()
    page.get_by_role("button", name="展开导航").click()

    rows = page.locator("table.list-table tbody tr")
    assert rows.count() > 0
    cells = page.evaluate("""() => [...document.querySelectorAll('table.list-table tbody tr:first-child td')]
        .map(td => [getComputedStyle(td).display, getComputedStyle(td, '::before').content,
                    td.getBoundingClientRect().width])""")
    # Every column of the table on its own line of the card, the narrow table's hidden ones too,
    # except 更新时间 (the last), which the card leaves out.
    assert [d for d, _, _ in cells] == ["block"] * 8 + ["none"]
    labels = [c.strip('"') for _, c, _ in cells]
    assert labels[:5] == ["姓名", "性别 / 年龄", "身份证号码", "联系电话", "户籍村（社区）"]
    row_width = rows.first.bounding_box()["width"]
    assert all(w <= row_width for _, _, w in cells[:8])
    expect(page.locator("table.list-table thead")).not_to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page_log(page).assert_clean()


def test_the_targets_table_scrolls_in_its_box_with_the_county_column_frozen(live_server, new_page, page_log,
                                                                             login):
    page = new_page("desktop")
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "demo_city")
    page.goto("/dashboard/")
    box = page.locator("#target-scroll")
    main = page.locator("main").bounding_box()
    frame = box.bounding_box()
    assert frame["x"] >= main["x"] and frame["x"] + frame["width"] <= main["x"] + main["width"] + 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280  # the page itself does not scroll
    first = page.locator('#target-table tbody tr[data-code="420506"] th[scope="row"]')
    assert first.evaluate("el => getComputedStyle(el).position") == "sticky"
    # Baselines of the demo: targets and progress, not 无基数.
    expect(page.locator('#target-table tr[data-code="420506"]')).to_contain_text("18,600")
    expect(page.locator("#target-table")).not_to_contain_text("无基数")
    overflow = box.evaluate("el => el.scrollWidth - el.clientWidth")
    if overflow > 0:
        before = first.bounding_box()["x"]
        box.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
        page.wait_for_function("document.getElementById('target-scroll').scrollLeft > 0")
        assert abs(first.bounding_box()["x"] - before) < 1  # frozen while the figures scroll
    page_log(page).assert_clean()
