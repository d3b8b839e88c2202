"""The region picker: its JSON endpoint stays in scope, the field draws the levels in the user's
scope (fixed where one choice is left), reads the selects posted without JavaScript, and the
operations still refuse a region outside the user's scope."""
from __future__ import annotations

import re

from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from app.persons.models import Person
from app.regions.models import Region, RegionLevel
from tests.form_pages import shown_again
from tests.persons.factories import unique_id

DAZHONGBA = "420506103202"  # 夷陵区 分乡镇 大中坝村 (demo_village's village)
GAOJIAYAN = "420506103203"  # another village of 分乡镇
FENXIANG = "420506103"
YILING = "420506"
ZIGUI = "420527"


def body(response) -> str:
    return response.get_data(as_text=True)


def codes(data) -> set[str]:
    return {c["code"] for c in data["children"]}


def test_village_clerk_gets_only_own_village(login_as, demo):
    village = login_as("demo_village")
    data = village.get("/regions/options").get_json()
    assert data["parent"]["code"] == DAZHONGBA and data["children"] == []
    assert village.get(f"/regions/options?parent={DAZHONGBA}").get_json()["children"] == []
    for outside in (FENXIANG, GAOJIAYAN, YILING, ZIGUI, "420500000000"):
        assert village.get(f"/regions/options?parent={outside}").status_code == 404


def test_county_officer_gets_own_county(login_as, demo):
    county = login_as("demo_county")
    data = county.get("/regions/options").get_json()
    assert data["parent"] == {"code": YILING, "name": "夷陵区", "level": "county"}
    assert FENXIANG in codes(data) and all(c["level"] == "township" for c in data["children"])
    villages = county.get(f"/regions/options?parent={FENXIANG}").get_json()
    assert {DAZHONGBA, GAOJIAYAN} <= codes(villages)
    assert all(code.startswith(FENXIANG) for code in codes(villages))
    assert county.get(f"/regions/options?parent={ZIGUI}").status_code == 404
    assert county.get("/regions/options?parent=000000").status_code == 404


def test_city_admin_starts_at_the_counties(login_as, demo):
    data = login_as("demo_city").get("/regions/options").get_json()
    assert {YILING, ZIGUI} <= codes(data) and len(data["children"]) == 14


def test_specialist_and_signed_out_have_no_picker(login_as, demo, client):
    assert login_as("demo_specialist").get("/regions/options").status_code == 403
    assert client.get("/regions/options").status_code == 302


def test_village_clerk_sees_own_village_by_name(login_as, demo):
    page = body(login_as("demo_village").get("/persons/new"))
    picker = page[page.index('class="mb-3 region-picker"'):]
    picker = picker[:picker.index("</div>")]
    assert "夷陵区 分乡镇 大中坝村" in picker and "readonly" in picker
    assert f'name="village_code" value="{DAZHONGBA}"' in picker
    assert "<select" not in picker


def test_township_officer_chooses_among_own_villages(login_as, demo):
    page = body(login_as("demo_township").get("/persons/new"))
    selects = re.findall(r'<select[^>]*name="village_code"[^>]*>(.*?)</select>', page, re.S)
    assert len(selects) == 1
    options = re.findall(r'<option value="(\d*)"', selects[0])
    assert options[0] == "" and DAZHONGBA in options and GAOJIAYAN in options
    assert all(code.startswith(FENXIANG) for code in options[1:])
    assert "请选择村（社区）" in selects[0]


def test_county_officer_without_js_picks_township_then_village(login_as, demo):
    """Without JavaScript the village select is filled once a township is posted."""
    county = login_as("demo_county")
    page = body(county.get("/persons/new"))
    selects = re.findall(r'<select([^>]*)name="village_code"([^>]*)>(.*?)</select>', page, re.S)
    assert len(selects) == 2
    assert "disabled" in "".join(selects[1][:2]) and "请先选择上一级" in selects[1][2]
    response = county.post("/persons/new", data={"village_code": [FENXIANG, ""], "name": "周春", "id_number": unique_id(),
                                                 "source": "survey", "status": "returned"})
    text = shown_again(county, response)
    assert "「户籍所在村（社区）」请选择到村（社区）。" in text
    assert re.search(rf'<option value="{FENXIANG}" selected>', text)
    assert f'<option value="{DAZHONGBA}">' in text
    saved = county.post("/persons/new", data={"village_code": [FENXIANG, DAZHONGBA], "name": "周春",
                                              "id_number": unique_id(), "source": "survey", "status": "returned"})
    assert saved.status_code == 302
    person = db.session.scalar(select(Person).where(Person.name == "周春"))
    assert person.village.code == DAZHONGBA


def test_selects_that_disagree_are_refused(login_as, demo):
    """Without JavaScript a changed township with a stale village is caught, not guessed."""
    other_township = db.session.scalar(select(Region.code).where(
        Region.level == RegionLevel.TOWNSHIP, Region.code.startswith(YILING), Region.code != FENXIANG).limit(1))
    client = login_as("demo_county")
    response = client.post("/persons/new", data={
        "village_code": [other_township, DAZHONGBA], "name": "周春", "id_number": unique_id(),
        "source": "survey", "status": "returned"})
    text = shown_again(client, response)
    assert "所选村（社区）大中坝村" in text and "不在" in text and "请重新选择" in text
    assert db.session.scalar(select(Person).where(Person.name == "周春")) is None


def test_region_outside_scope_is_a_field_error(login_as, demo):
    far = db.session.scalar(select(Region.code).where(Region.level == RegionLevel.VILLAGE,
                                                      Region.code.startswith(ZIGUI)).limit(1))
    client = login_as("demo_township")
    response = client.post("/persons/new", data={
        "village_code": far, "name": "周春", "id_number": unique_id(), "source": "survey", "status": "returned"})
    text = shown_again(client, response)
    assert "只能登记您管辖范围内的村（社区）的人员。" in text
    assert db.session.scalar(select(Person).where(Person.name == "周春")) is None


def test_user_form_picks_a_region_not_a_list_of_all(login_as, demo):
    city = login_as("demo_city")
    page = body(city.get("/users/new"))
    assert page.count("<option") < 200  # was one option per region (1,779)
    assert "（宜昌市本级）" in page
    response = city.post("/users/new", data={"username": "picker_user", "full_name": "选区测试",
                                             "region_code": [YILING, FENXIANG, ""], "roles": ["township_staff"],
                                             "password": "Picker-2026-ok"})
    assert response.status_code == 302, body(response)[:2000]
    user = db.session.scalar(select(User).where(User.username == "picker_user"))
    assert user.region.code == FENXIANG


def test_business_form_region_and_list_filter_use_the_picker(login_as, demo):
    county = login_as("demo_county")
    page = body(county.get("/businesses/new"))
    assert 'class="mb-3 region-picker"' in page and "12 位区划代码" not in page
    listing = county.get("/persons/", query_string=[("region", FENXIANG), ("region", DAZHONGBA)])
    assert listing.status_code == 200
    assert re.search(rf'<option value="{DAZHONGBA}" selected>', body(listing))
