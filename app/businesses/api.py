"""`/api/v1/businesses`: business entities over JSON (issue 6 §9)."""
from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from app.api.schemas import ErrorEnvelope, version_field
from app.businesses import operations as ops
from app.businesses.models import Business, BusinessKind, BusinessStatus
from app.core.access import REGION_ROLES, rule
from app.extensions import db

blp = Blueprint("businesses_api", __name__, url_prefix="/api/v1/businesses", description="经营主体")


class BusinessFieldsSchema(Schema):
    founder_id = fields.Integer(metadata={"description": "创办人（人员编号）"})
    name = fields.String(metadata={"description": "主体名称"})
    kind = fields.String(metadata={"enum": [k.value for k in BusinessKind], "description": "主体类型"})
    credit_code = fields.String(metadata={"description": "统一社会信用代码（18 位，GB 32100 校验）"})
    registered_on = fields.Date(metadata={"description": "首次登记日期"})
    is_first_registration = fields.Boolean(allow_none=True, metadata={"description": "是否创办人首次办理注册登记；null = 未知"})
    village_code = fields.String(metadata={"description": "登记所在村（社区）12 位区划代码（决定所属县区）"})
    industry = fields.String(allow_none=True, metadata={"description": "行业代码（代码表 industry）"})
    jobs = fields.Integer(allow_none=True, metadata={"description": "带动就业人数（含本人）；null = 未知"})
    park = fields.String(allow_none=True, metadata={"description": "所在园区"})
    status = fields.String(metadata={"enum": [s.value for s in BusinessStatus], "description": "operating 经营中 / closed 已注销"})
    closed_on = fields.Date(allow_none=True, metadata={"description": "注销日期"})


class BusinessCreateSchema(BusinessFieldsSchema):
    founder_id = fields.Integer(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    credit_code = fields.String(required=True)
    registered_on = fields.Date(required=True)
    village_code = fields.String(required=True)


class BusinessPatchSchema(BusinessFieldsSchema):
    version = version_field()


class BusinessSchema(BusinessFieldsSchema):
    id = fields.Integer()
    founder_name = fields.String()
    village_name = fields.String()
    is_enterprise = fields.Boolean()
    version = fields.Integer()


def business_json(b: Business) -> dict:
    from app.businesses.models import BusinessKindSetting

    setting = db.session.get(BusinessKindSetting, b.kind.value)
    return {
        "id": b.id, "founder_id": b.founder_id, "founder_name": b.founder.name, "name": b.name,
        "kind": b.kind.value, "is_enterprise": bool(setting and setting.is_enterprise),
        "credit_code": b.credit_code, "registered_on": b.registered_on,
        "is_first_registration": b.is_first_registration, "village_code": b.village.code,
        "village_name": b.village.full_name, "industry": b.industry, "jobs": b.jobs, "park": b.park,
        "status": b.status.value, "closed_on": b.closed_on, "version": b.version,
    }


@blp.route("")
class Businesses(MethodView):
    @rule(REGION_ROLES)
    @blp.arguments(BusinessCreateSchema)
    @blp.response(201, BusinessSchema)
    @blp.alt_response(409, schema=ErrorEnvelope, description="统一社会信用代码已登记")
    @blp.alt_response(422, schema=ErrorEnvelope, description="字段有误（fields 指明字段）")
    def post(self, data):
        """登记经营主体"""
        business = ops.create_business(current_user, data)
        db.session.commit()
        return business_json(business)


@blp.route("/<int:business_id>")
class BusinessItem(MethodView):
    @rule(REGION_ROLES, sample="business")
    @blp.response(200, BusinessSchema)
    @blp.alt_response(404, schema=ErrorEnvelope, description="不存在或不在管辖范围内")
    def get(self, business_id: int):
        """经营主体详情"""
        return business_json(ops.load(current_user, business_id))

    @rule(REGION_ROLES, sample="business")
    @blp.arguments(BusinessPatchSchema)
    @blp.response(200, BusinessSchema)
    @blp.alt_response(409, schema=ErrorEnvelope, description="version 已过期，或信用代码重复")
    @blp.alt_response(422, schema=ErrorEnvelope, description="字段有误")
    def patch(self, data, business_id: int):
        """修改经营主体：只改请求中出现的字段；须带 version"""
        business = ops.load(current_user, business_id)
        version = data.pop("version")
        ops.update_business(current_user, business, data, expected_version=version)
        db.session.commit()
        return business_json(business)
