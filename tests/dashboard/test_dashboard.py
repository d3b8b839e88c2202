"""The target table, its scope, drill-downs whose lists match the cell, exports and settings."""
from __future__ import annotations

import io
import re
from datetime import date

import openpyxl
import pytest
from sqlalchemy import delete, func, select

from app.core import clock
from app.core.audit import AuditEntry
from app.dashboard import counters, queries
from app.dashboard.models import TargetCode, TargetYear
from app.extensions import db
from app.persons.models import Person, PersonBaseline
from app.regions.models import Region, RegionLevel
from app.regions.operations import by_code
from tests.form_pages import shown_again
from tests.persons.factories import create_person

YILING, ZIGUI, FENXIANG, DAZHONGBA = "420506", "420527", "420506103", "420506103202"


def cells(html: str, code: str) -> dict[str, str]:
    """{metric: shown text} of the table row `data-code=code`."""
    match = re.search(rf'<tr[^>]*data-code="{code}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, f"no row {code}"
    return _metric_cells(match.group(1))


def _metric_cells(html: str) -> dict[str, str]:
    found = {}
    for metric, body in re.findall(r'data-metric="(\w+)">(.*?)</td>', html, re.S):
        found.setdefault(metric, re.sub(r"<[^>]+>", "", body).strip())
    return found


def number(text: str) -> int:
    return int(text.replace(",", ""))


@pytest.fixture
def fixed_baselines(monkeypatch):
    figures = {}

    def set_figures(**by_code_value):
        for code, (value, source) in by_code_value.items():
            figures[by_code(code).id] = queries.BaselineFigure(value, source)

    monkeypatch.setattr(queries, "baselines", lambda year: dict(figures))
    return set_figures


def _without_demo_baselines() -> None:
    """The demo enters this year's baseline of every county (app/demo/dashboard.py); some tests
    need a county without one."""
    db.session.execute(delete(PersonBaseline))
    db.session.commit()


def test_demo_baselines_show_targets_and_progress(demo, login_as):
    html = login_as("demo_city").get("/dashboard/").text
    table = html.split('id="target-table"')[1].split("</table>")[0]
    assert "无基数" not in table
    row = re.search(rf'<tr[^>]*data-code="{YILING}"[^>]*>(.*?)</tr>', html, re.S).group(1)
    assert "18,600" in row and "372" in row  # 2% of 18,600
    rows = {r["code"]: r for r in login_as("demo_city").get("/api/v1/targets").json["rows"]}
    counties = db.session.scalar(select(func.count()).select_from(Region).where(Region.level == RegionLevel.COUNTY))
    assert sum(1 for r in rows.values() if r["target"] is not None and r["progress"] is not None) >= counties
    assert rows[YILING]["baseline_source"] == "entered" and rows[YILING]["target"] == 372


def test_no_baseline_is_shown_as_such_never_as_zero_percent(demo, login_as):
    _without_demo_baselines()
    html = login_as("demo_city").get("/dashboard/").text
    row = re.search(rf'<tr[^>]*data-code="{YILING}"[^>]*>(.*?)</tr>', html, re.S).group(1)
    assert "无基数" in row and "0%" not in row and "0.0%" not in row
    data = login_as("demo_city").get("/api/v1/targets").json
    yiling = next(r for r in data["rows"] if r["code"] == YILING)
    assert yiling["baseline"] is None and yiling["target"] is None and yiling["progress"] is None
    assert yiling["status"] == "none"


def test_target_is_two_percent_of_the_baseline_rounded_up(demo, login_as, fixed_baselines):
    fixed_baselines(**{YILING: (12351, "entered"), ZIGUI: (4000, "computed")})
    data = login_as("demo_city").get("/api/v1/targets?year=2026").json
    rows = {r["code"]: r for r in data["rows"]}
    assert rows[YILING]["target"] == 248 and rows[YILING]["baseline_source"] == "entered"
    assert rows[ZIGUI]["target"] == 80 and rows[ZIGUI]["baseline_source"] == "computed"
    assert data["rows"][-1]["name"] == "全市合计" and data["rows"][-1]["target"] == 328
    assert len(data["rows"]) == 15  # 13 NBS units, 宜昌高新区, the city total
    html = login_as("demo_city").get("/dashboard/?year=2026").text
    assert "县级填报" in html and "信息库统计" in html


def test_every_county_officer_sees_all_totals_but_drills_only_into_their_own(demo, login_as):
    client = login_as("demo_county2")  # 秭归县
    data = client.get("/api/v1/targets").json
    assert len(data["rows"]) == 15
    yiling_people = next(r for r in data["rows"] if r["code"] == YILING)["people"]
    assert yiling_people > 0
    html = client.get("/dashboard/").text
    yiling = by_code(YILING)
    assert f"/dashboard/regions/{yiling.id}" not in html  # totals only, no link
    assert f"/dashboard/regions/{by_code(ZIGUI).id}" in html
    assert client.get(f"/dashboard/regions/{yiling.id}").status_code == 404
    assert client.get(f"/dashboard/regions/{yiling.id}/people").status_code == 404
    assert client.get(f"/dashboard/regions/{by_code(DAZHONGBA).id}/people/export.xlsx").status_code == 404
    denied = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "access_denied")).all()
    assert any(e.object_type == "region" and e.object_id == str(yiling.id) for e in denied)
    # Their own county: full drill-down.
    assert client.get(f"/dashboard/regions/{by_code(ZIGUI).id}").status_code == 200


def test_village_staff_and_specialists_have_no_dashboard(demo, login_as):
    for user in ("demo_village", "demo_township", "demo_specialist", "demo_mentor"):
        assert login_as(user).get("/dashboard/").status_code == 403
        assert login_as(user).get("/api/v1/targets").status_code == 403


@pytest.mark.parametrize("metric", ["people", "sanyou"])
def test_drill_down_reaches_lists_whose_count_equals_the_cell(demo, login_as, metric):
    client = login_as("demo_city")
    create_person(village_code=DAZHONGBA, willing=True, willing_basis="意愿", capable=True, capable_basis="能力",
                  creditworthy=True, creditworthy_basis="信用")
    table = client.get("/dashboard/").text
    city_value = number(cells(table, "4205")[metric])
    county_value = number(cells(table, YILING)[metric])
    city_page = client.get(f"/dashboard/regions/{by_code('4205').id}").text
    assert number(cells(city_page, YILING)[metric]) == county_value
    # county → township → village → list; at each level the children add up to the parent's cell
    for parent, child in ((YILING, FENXIANG), (FENXIANG, DAZHONGBA)):
        page = client.get(f"/dashboard/regions/{by_code(parent).id}").text
        parent_total = number(_metric_cells(page.split("<tfoot>")[1])[metric])
        rows = re.findall(rf'data-metric="{metric}">(.*?)</td>', page.split("<tfoot>")[0], re.S)
        assert sum(number(re.sub(r"<[^>]+>", "", r).strip()) for r in rows) == parent_total
        value = number(cells(page, by_code(child).code)[metric])
        listing = client.get(f"/dashboard/regions/{by_code(child).id}/{metric}").text
        total = number(re.search(r'class="record-total">([\d,]+)<', listing).group(1))
        assert total == value > 0
    listing = client.get(f"/dashboard/regions/{by_code(YILING).id}/{metric}").text
    assert number(re.search(r'class="record-total">([\d,]+)<', listing).group(1)) == county_value
    listing = client.get(f"/dashboard/regions/{by_code('4205').id}/{metric}").text
    assert number(re.search(r'class="record-total">([\d,]+)<', listing).group(1)) == city_value


def test_a_write_shows_on_the_next_request(demo, login_as):
    client = login_as("demo_county")

    def yiling():
        return next(r for r in client.get("/api/v1/targets").json["rows"] if r["code"] == YILING)

    before = yiling()
    create_person(village_code=DAZHONGBA)
    after = yiling()
    assert after["people"] == before["people"] + 1
    html = client.get("/dashboard/").text
    assert number(cells(html, YILING)["people"]) == after["people"]


def test_past_years_label_current_values(demo, login_as):
    year = clock.today().year
    html = login_as("demo_city").get(f"/dashboard/?year={year - 1}").text
    assert "信息库人数（当前）" in html
    html = login_as("demo_city").get(f"/dashboard/?year={year}").text
    assert "信息库人数（当前）" not in html


def test_bad_year(demo, login_as):
    client = login_as("demo_city")
    assert client.get("/api/v1/targets?year=abc").status_code == 422
    assert client.get("/api/v1/targets?year=1999").json["error"]["fields"]["year"]
    assert client.get("/dashboard/?year=3000").status_code == 302


def _sheet(response):
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    book = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)
    return [list(r) for r in book.active.iter_rows(values_only=True)]


def test_target_table_xlsx_reads_back(demo, login_as, fixed_baselines):
    fixed_baselines(**{YILING: (1000, "entered")})
    with clock.frozen(date(2026, 5, 20)):
        client = login_as("demo_county")
        rows = _sheet(client.get("/dashboard/export.xlsx?year=2026"))
        api = {r["code"]: r for r in client.get("/api/v1/targets?year=2026").json["rows"]}
    assert rows[0][0] == "返乡创业总体目标进度表（2026 年）"
    assert rows[1][0] == "年度：2026"
    assert rows[2][0] == "范围：夷陵区"
    assert rows[3][0].startswith("导出时间：2026-05-20")
    header = rows[5]
    assert header[:5] == ["代码", "县（市、区）", "基数", "基数来源", "目标（2%）"]
    data = rows[6:]
    assert len(data) == 15 and data[-1][1] == "全市合计"
    yiling = next(r for r in data if r[0] == YILING)
    assert yiling[2] == 1000 and yiling[3] == "县级填报" and yiling[4] == 20
    assert yiling[header.index("信息库人数")] == api[YILING]["people"]
    zigui = next(r for r in data if r[0] == ZIGUI)
    assert zigui[3] == "无基数"


def test_drill_list_xlsx_reads_back_masked(demo, login_as):
    client = login_as("demo_city")
    village = by_code(DAZHONGBA)
    rows = _sheet(client.get(f"/dashboard/regions/{village.id}/people/export.xlsx"))
    assert rows[0][0].startswith("信息库人数名单")
    assert rows[2][0] == "范围：宜昌市"
    header, data = rows[5], rows[6:]
    assert header[1] == "身份证号码（脱敏）"
    page = client.get(f"/dashboard/regions/{village.id}/people").text
    assert len(data) == number(re.search(r'class="record-total">([\d,]+)<', page).group(1))
    assert all("*" in r[1] for r in data)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "dashboard_export")).one()
    assert entry.object_id == str(village.id) and f"{len(data)} 条" in entry.detail


def test_print_view_is_a4_landscape(demo, login_as):
    html = login_as("demo_city").get("/dashboard/print").text
    assert "dashboard-print.css" in html and "返乡创业总体目标进度表" in html
    assert "echart" not in html.split("<body")[1]  # tables only


def test_city_admin_sets_the_yearly_targets(demo, login_as):
    client = login_as("demo_city")
    page = client.get("/dashboard/settings?year=2025")
    assert page.status_code == 200
    response = client.post("/dashboard/settings?year=2025", data={
        "count_incomers": "y", "loan_target": "50000000", "provincial_parks": "2", "municipal_parks": "2",
        "typical_cases": "5", "trainees": "3000", "version": "0"})  # 0: no settings saved yet
    assert response.status_code == 302
    settings = db.session.get(TargetYear, 2025)
    assert settings.count_incomers and settings.loan_target == 50_000_000
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "target_year_update",
                                                        AuditEntry.object_id == "2025")).one()
    assert entry.changes["loan_target"] == [None, 50_000_000]
    html = client.get("/dashboard/?year=2025").text
    assert "50,000,000" in html and TargetCode.TRAINEES.label in html
    assert "入乡人员创办的主体计入目标" in html
    bad = client.post("/dashboard/settings?year=2025", data={"loan_target": "-5", "version": str(settings.version)})
    assert "error-summary" in shown_again(client, bad, "/dashboard/settings?year=2025")
    stale = client.post("/dashboard/settings?year=2025", data={"loan_target": "1", "version": "99"})
    assert stale.status_code == 409
    assert login_as("demo_county").get("/dashboard/settings").status_code == 403


def test_demo_sets_this_years_targets(demo, login_as):
    html = login_as("demo_county").get("/dashboard/").text
    assert "80,000,000 元" in html and "推荐典型案例（每县）" in html


def test_baselines_come_from_the_person_library(demo, login_as):
    """Entered figure (issue 4) drives the target; counties without one show 无基数."""
    from app.auth.models import User
    from app.persons.baselines import enter_baseline

    _without_demo_baselines()
    officer = db.session.scalar(select(User).where(User.username == "demo_county"))
    enter_baseline(officer, by_code(YILING), 2026, value=30_001, source="2025 年统计年报",
                   source_date=date(2026, 1, 15), expected_version=0)
    db.session.commit()
    rows = {r["code"]: r for r in login_as("demo_city").get("/api/v1/targets?year=2026").json["rows"]}
    assert rows[YILING]["baseline"] == 30_001 and rows[YILING]["baseline_source"] == "entered"
    assert rows[YILING]["target"] == 601


def test_a_region_move_moves_the_totals(demo, login_as):
    """Counters are per village: moving 大中坝村 to a 秭归县 township moves its people with it."""
    from app.regions.operations import move_region
    from tests.persons.factories import city_admin

    client = login_as("demo_city")

    def people():
        rows = {r["code"]: r for r in client.get("/api/v1/targets").json["rows"]}
        return rows[YILING]["people"], rows[ZIGUI]["people"], rows["4205"]["people"]

    yiling, zigui, city_total = people()
    village = by_code(DAZHONGBA)
    moved = db.session.scalar(select(db.func.count()).select_from(Person).where(
        Person.village_id == village.id, Person.archived_at.is_(None)))
    township = db.session.scalars(select(Region).where(Region.county_id == by_code(ZIGUI).id,
                                                       Region.level == RegionLevel.TOWNSHIP)).first()
    move_region(city_admin(), village, township, reason="区划调整测试")
    db.session.commit()
    assert moved > 0
    assert people() == (yiling - moved, zigui + moved, city_total)
    assert counters.differences() == {}
