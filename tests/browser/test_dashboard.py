"""Browser test for the targets dashboard (issue 7): demo_city opens it, the charts render, and a
drill-down reaches a list whose count matches the number clicked."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_city_admin_opens_the_dashboard_and_drills_down_to_a_list(live_server, desktop_page, page_log, login):
    page = desktop_page
    login(page, "demo_city")
    page.goto("/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("返乡创业总体目标")

    # Every chart has drawn on a canvas (ECharts, served from this server) with its table beside it.
    charts = page.locator("div.echart")
    assert charts.count() >= 4
    for i in range(charts.count()):
        expect(charts.nth(i).locator("canvas")).to_have_count(1)
        box = charts.nth(i).locator("canvas").bounding_box()
        assert box and box["width"] > 100 and box["height"] > 100
    assert page.locator("figure.chart-block table").count() == charts.count()

    # 夷陵区 → 分乡镇 → 大中坝村 → the list of people; its count equals the cell clicked.
    yiling = page.locator('#target-table tr[data-code="420506"]')
    expect(yiling).to_be_visible()
    yiling.get_by_role("link", name="夷陵区").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("夷陵区")
    page.locator('tr[data-code="420506103"] th a').click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("分乡镇")
    cell = page.locator('tr[data-code="420506103202"] td[data-metric="people"] a')
    clicked = int(cell.inner_text().replace(",", ""))
    assert clicked > 0
    cell.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("信息库人数")
    total = int(page.locator(".record-total").inner_text().replace(",", ""))
    assert total == clicked
    rows = page.locator("table.people-table tbody tr")
    assert 0 < rows.count() <= total
    assert re.search(r"\*{4}", page.locator("table.people-table").inner_text())  # masked IDs

    page_log(page).assert_clean()
