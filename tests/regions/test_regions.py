"""Regions: loading, the 高新区 zone, moving units and what scope sees afterwards (issue 2 §2)."""
import pytest
from sqlalchemy import func, select

from app.core.access.roles import Role
from app.core.access.scope import region_in_scope, regions_in_scope
from app.core.errors import FieldErrors, Forbidden
from app.extensions import db
from app.regions import operations as ops
from app.regions.models import Region, RegionLevel


def _count(level):
    return db.session.scalar(select(func.count()).select_from(Region).where(Region.level == level))


def test_load_is_complete_and_idempotent(app):
    added = ops.load_regions()
    db.session.commit()
    assert added == {"city": 1, "county": 14, "township": 113, "village": 1650}
    assert ops.load_regions() == {"city": 0, "county": 0, "township": 0, "village": 0}
    assert (_count(RegionLevel.COUNTY), _count(RegionLevel.TOWNSHIP), _count(RegionLevel.VILLAGE)) == (14, 113, 1650)
    zone = ops.by_code(ops.ZONE_CODE)
    assert zone.is_management_zone and zone.parent.code == "4205" and zone.name == "宜昌高新区"
    village = ops.by_code("420506103202")
    assert village.township.code == "420506103" and village.county.code == "420506"
    assert village.path == f"{village.parent.path}{village.id}/"


def test_the_app_does_not_need_the_shared_folder():
    from app.regions.operations import DATA_DIR

    assert "shared" not in str(DATA_DIR) and (DATA_DIR / "villages.csv").exists()


def test_moving_a_township_under_the_zone_moves_its_whole_subtree_in_scope(demo, make_user):
    zone_officer = make_user("zone_officer", roles=(Role.COUNTY_OFFICER,), region_code=ops.ZONE_CODE)
    township = ops.by_code("420506103")
    village = ops.by_code("420506103202")
    assert region_in_scope(demo["demo_county"], village)
    assert not region_in_scope(zone_officer, village)

    moved = ops.move_region(demo["demo_city"], township, ops.by_code(ops.ZONE_CODE), "托管给高新区")
    db.session.commit()
    db.session.expire_all()
    assert moved == 1 + db.session.scalar(select(func.count()).select_from(Region).where(Region.parent_id == township.id))

    village = ops.by_code("420506103202")
    assert village.county.code == ops.ZONE_CODE and village.township.code == "420506103"
    assert village.path.startswith(ops.by_code(ops.ZONE_CODE).path)
    assert region_in_scope(zone_officer, village)
    assert not region_in_scope(demo["demo_county"], village)
    assert region_in_scope(demo["demo_township"], village)  # the township's own staff keep their scope
    zone_villages = {r.code for r in regions_in_scope(zone_officer, RegionLevel.VILLAGE)}
    assert "420506103202" in zone_villages and "420506103203" in zone_villages
    yiling_villages = {r.code for r in regions_in_scope(demo["demo_county"], RegionLevel.VILLAGE)}
    assert "420506103202" not in yiling_villages and len(yiling_villages) == 210 - len(zone_villages)


def test_moving_a_village_to_a_zone_unit(demo):
    unit = ops.create_zone_township(demo["demo_city"], "生物产业园片区")
    village = ops.by_code("420506107002")
    ops.move_region(demo["demo_city"], village, unit, "高新区管理")
    db.session.commit()
    db.session.expire_all()
    village = ops.by_code("420506107002")
    assert village.county.code == ops.ZONE_CODE and village.township_id == unit.id
    assert unit.code == "420590001"


def test_only_city_admins_move_and_levels_must_fit(demo):
    township = ops.by_code("420506103")
    with pytest.raises(Forbidden):
        ops.move_region(demo["demo_county"], township, ops.by_code(ops.ZONE_CODE), "x")
    with pytest.raises(FieldErrors):
        ops.move_region(demo["demo_city"], township, ops.by_code("420506103202"), "x")
    with pytest.raises(FieldErrors):
        ops.move_region(demo["demo_city"], township, ops.by_code(ops.ZONE_CODE), "")


def test_move_page_and_audit(login_as, demo):
    city = login_as("demo_city")
    assert city.get("/regions/420506103/move").status_code == 200
    response = city.post("/regions/420506103/move", data={"parent": ops.ZONE_CODE, "reason": "托管"})
    assert response.status_code == 302
    body = city.get("/regions/420506103").get_data(as_text=True)
    # The history names the action and the field in Chinese (issue 12 §4), never the code.
    assert "调整区划隶属" in body and "上级区划：" in body and "托管" in body
    assert "region_move" not in body


def test_options_stay_inside_scope(login_as, demo):
    township = login_as("demo_township")
    data = township.get("/regions/options").get_json()
    assert data["parent"]["code"] == "420506103"
    assert any(c["code"] == "420506103202" for c in data["children"])
    assert township.get("/regions/options?parent=420527").status_code == 404
