"""Code-list pages (city admin): add an item, refuse a bad or duplicate code beside its field,
edit an item; the new item shows in the person filters at once."""
from sqlalchemy import select

from app.codes.models import CodeItem, CodeList
from app.extensions import db
from tests.form_pages import shown_again


def test_add_an_item_then_refuse_a_duplicate_beside_the_field(demo, login_as):
    city = login_as("demo_city")
    added = city.post("/codes/industry", data={"code": "drone_service", "label": "无人机植保", "sort_order": 990})
    assert added.status_code == 302 and added.headers["Location"].endswith("/codes/industry")
    page = city.get("/codes/industry").get_data(as_text=True)
    assert "已新增 无人机植保。" in page and "drone_service" in page
    again = city.post("/codes/industry", data={"code": "drone_service", "label": "重复", "sort_order": 1})
    assert "该代码已存在。" in shown_again(city, again, "/codes/industry")
    bad = city.post("/codes/industry", data={"code": "X-1", "label": "错误"})
    assert "代码须以小写字母开头" in shown_again(city, bad, "/codes/industry")
    assert db.session.scalar(select(db.func.count()).select_from(CodeItem)
                             .where(CodeItem.list_name == CodeList.INDUSTRY, CodeItem.label == "重复")) == 0
    assert "无人机植保" in city.get("/persons/").get_data(as_text=True)  # filter choices read afresh


def test_edit_an_item_and_refuse_an_empty_label(demo, login_as):
    city = login_as("demo_city")
    item = db.session.scalar(select(CodeItem).where(CodeItem.list_name == CodeList.INDUSTRY))
    form = city.get(f"/codes/items/{item.id}")
    assert form.status_code == 200
    empty = city.post(f"/codes/items/{item.id}", data={"label": " ", "sort_order": 5, "version": item.version})
    assert "请填写名称。" in shown_again(city, empty, f"/codes/items/{item.id}")
    saved = city.post(f"/codes/items/{item.id}", data={"label": "改过的名称", "sort_order": 5, "is_active": "y",
                                                      "version": item.version})
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(CodeItem, item.id).label == "改过的名称"


def test_code_pages_are_for_the_city_admin_only(demo, login_as):
    for username in ("demo_county", "demo_township", "demo_village"):
        assert login_as(username).post("/codes/industry", data={"code": "abc", "label": "x"}).status_code in (403, 404)
