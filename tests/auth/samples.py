"""Access-test objects for accounts, regions and code lists."""
from sqlalchemy import select

from app.auth import operations as ops
from app.codes.models import CodeItem, CodeList
from app.core.access.roles import Role
from app.extensions import db
from tests.access_samples import Sample, sample


@sample("own_token")
def own_token(demo) -> Sample:
    token, _ = ops.create_token(demo["demo_village"], "样例")
    db.session.commit()
    return Sample({"token_id": token.id}, visible_to={"demo_village"})


@sample("managed_user")
def managed_user(demo) -> Sample:
    user = ops.bootstrap_user(ops.UserData(username="sample_clerk", full_name="样例村员",
                                           region_code="420506103202", roles={Role.VILLAGE_STAFF}),
                              "sample-password-1")
    db.session.commit()
    return Sample({"user_id": user.id}, visible_to={"demo_city", "demo_county"})


@sample("region")
def region(demo) -> Sample:
    return Sample({"code": "420506103202"},
                  visible_to={"demo_city", "demo_county", "demo_township", "demo_village"})


@sample("code_list")
def code_list(demo) -> Sample:
    return Sample({"list_name": CodeList.INDUSTRY.value})


@sample("code_item")
def code_item(demo) -> Sample:
    item = db.session.scalar(select(CodeItem).where(CodeItem.code == "rural_ecommerce"))
    return Sample({"item_id": item.id})


