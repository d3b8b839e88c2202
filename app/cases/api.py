"""`/api/v1/cases`: case files over JSON (issue 5 §10).

Same access module and status codes as the pages: 404 out of scope (a mentor reassigned away
included), 403 a role or assignee that may not, 409 a refused transition or stale version, 422
field validation naming each field. Only the required `version` of a write is checked by the
schema (a body without it answers 422 at once); the other fields are checked by the operations,
so a case out of scope answers 404 before they are looked at.
"""
from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.api.schemas import ErrorEnvelope, version_field
from app.cases import operations as ops
from app.cases import queries
from app.cases.models import Case, CaseStage, ServiceItem
from app.cases.present import case_json, item_json
from app.core import records
from app.core.access import ASSIGNMENT_ROLES, REGION_ROLES, TOWNSHIP_AND_ABOVE, Role, rule
from app.core.access import cases as access
from app.core.access import persons as person_access
from app.core.access.scope import deny
from app.core.errors import FieldErrors, Forbidden
from app.extensions import db

blp = Blueprint("cases_api", __name__, url_prefix="/api/v1/cases", description="一人一档（1+1+N 服务）")

VIEWERS = REGION_ROLES | ASSIGNMENT_ROLES


class CaseCreateSchema(Schema):
    person_id = fields.Integer(metadata={"description": "人员 id（须在管辖范围内）"})


class CaseListArgs(Schema):
    stage = fields.String(metadata={"enum": [s.value for s in CaseStage], "description": "阶段；缺省为所有未结案"})
    overdue = fields.Boolean(metadata={"description": "true 仅逾期未跟进 / false 仅未逾期（读取者的时钟：专员、导师本人的；"
                                                      "辖区人员为专员或导师的）"})
    q = fields.String(metadata={"description": "人员姓名：汉字或拼音（如 zw），仅在可见范围内"})
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    cursor = fields.String(metadata={"description": "上一页返回的 next_cursor"})


class AssignmentSchema(Schema):
    specialist = fields.String(allow_none=True, metadata={"description": "服务专员用户名"})
    mentor = fields.String(allow_none=True, metadata={"description": "创业导师用户名"})
    reason = fields.String(allow_none=True, metadata={"description": "更换时必填"})
    version = version_field()


class LogSchema(Schema):
    kind = fields.String(metadata={"enum": ["visit", "mentor_note"]})
    date = fields.String(metadata={"description": "YYYY-MM-DD，不晚于今天"})
    method = fields.String(allow_none=True, metadata={"enum": ["home_visit", "phone", "at_station", "online",
                                                               "enterprise_visit"]})
    content = fields.String()
    topic = fields.String(allow_none=True, metadata={"enum": ["resources", "market", "management", "financing",
                                                              "other"]})
    advice = fields.String(allow_none=True)
    next_steps = fields.String(allow_none=True)
    needs = fields.List(fields.String(), metadata={"description": "需求：服务类型代码，生成服务事项"})
    next_follow_up = fields.String(allow_none=True, metadata={"description": "下次跟进日期 YYYY-MM-DD"})


class ServiceCreateSchema(Schema):
    service_type = fields.String(metadata={"description": "服务类型代码"})
    title = fields.String(allow_none=True)
    responsible_unit = fields.String(allow_none=True)
    due_on = fields.String(allow_none=True, metadata={"description": "办理时限 YYYY-MM-DD"})


class ServicePatchSchema(Schema):
    status = fields.String(metadata={"enum": ["todo", "in_progress", "done", "cannot"]})
    outcome = fields.String(allow_none=True)
    cannot_reason = fields.String(allow_none=True)
    responsible_unit = fields.String(allow_none=True)
    due_on = fields.String(allow_none=True)
    version = version_field()


class StageSchema(Schema):
    stage = fields.String(metadata={"enum": [s.value for s in CaseStage]})
    reason = fields.String()
    version = version_field()


def load_case(case_id: int) -> Case:
    return access.load_case(current_user, case_id)


@blp.route("")
class Cases(MethodView):
    @rule(VIEWERS)
    @blp.arguments(CaseListArgs, location="query")
    @blp.response(200)
    def get(self, args):
        """我的档案（服务专员、导师：指派给我的；其他角色：辖区内），可按阶段、是否逾期筛选"""
        filters = queries.parse_filters(args)
        if filters.errors:
            raise FieldErrors(fields=filters.errors)
        page = queries.list_cases(current_user, filters, args.get("cursor"), args["limit"])
        return {"items": [case_json(current_user, c) for c in page.items], "next_cursor": page.next_cursor}

    @rule(TOWNSHIP_AND_ABOVE)
    @blp.arguments(CaseCreateSchema)
    @blp.response(201)
    @blp.alt_response(409, schema=ErrorEnvelope, description="该人员已有在办档案")
    def post(self, data):
        """为辖区内人员建档（一人只能有一个在办档案）"""
        person_id = data.get("person_id")
        if person_id is None:
            raise FieldErrors.single("person_id", "请填写人员 id。")
        person = person_access.load_person(current_user, person_id)
        case = ops.open_case(current_user, person)
        db.session.commit()
        return case_json(current_user, case, detail=True)


@blp.route("/<int:case_id>")
class CaseItem(MethodView):
    @rule(VIEWERS, sample="case")
    @blp.response(200)
    @blp.alt_response(404, schema=ErrorEnvelope, description="不存在或不在范围内")
    def get(self, case_id: int):
        """档案详情：人员摘要（按角色）、1+1、服务事项、时间线"""
        return case_json(current_user, load_case(case_id), detail=True)


@blp.route("/<int:case_id>/assignment")
class CaseAssignmentResource(MethodView):
    @rule(TOWNSHIP_AND_ABOVE, sample="case_write")
    @blp.arguments(AssignmentSchema)
    @blp.response(200)
    @blp.alt_response(409, schema=ErrorEnvelope, description="档案已结案，或 version 已过期")
    @blp.alt_response(422, schema=ErrorEnvelope, description="字段有误（含缺少 version）")
    def put(self, data, case_id: int):
        """分配或更换服务专员、创业导师（用户名）；更换须填写原因；须带档案读取时的 version"""
        case = load_case(case_id)
        ops.assign(current_user, case, specialist=data.get("specialist"), mentor=data.get("mentor"),
                   reason=data.get("reason"), expected_version=data["version"])
        db.session.commit()
        return case_json(current_user, case, detail=True)


@blp.route("/<int:case_id>/logs")
class CaseLogs(MethodView):
    @rule(VIEWERS, sample="case")
    @blp.arguments(LogSchema)
    @blp.response(201)
    def post(self, data, case_id: int):
        """走访记录（kind=visit：村、乡镇、服务专员）或辅导记录（kind=mentor_note：指派的导师）"""
        case = load_case(case_id)
        log = ops.add_log(current_user, case, data)
        db.session.commit()
        return {"id": log.id, "case": case_json(current_user, case, detail=True)}


@blp.route("/<int:case_id>/services")
class CaseServices(MethodView):
    @rule(REGION_ROLES | {Role.SPECIALIST}, sample="case")
    @blp.arguments(ServiceCreateSchema)
    @blp.response(201)
    def post(self, data, case_id: int):
        """新增服务事项"""
        case = load_case(case_id)
        item = ops.add_service_item(current_user, case, data)
        db.session.commit()
        return item_json(item)


@blp.route("/<int:case_id>/services/<int:item_id>")
class CaseServiceItem(MethodView):
    @rule(REGION_ROLES | {Role.SPECIALIST}, sample="case_item")
    @blp.arguments(ServicePatchSchema)
    @blp.response(200)
    @blp.alt_response(409, schema=ErrorEnvelope, description="version 已过期")
    @blp.alt_response(422, schema=ErrorEnvelope, description="字段有误（含缺少 version）")
    def patch(self, data, case_id: int, item_id: int):
        """更新服务事项：状态（cannot 须填原因）、结果、责任单位、时限；须带读取时的 version"""
        case = load_case(case_id)
        item = records.get(ServiceItem, item_id)
        if item is None or item.case_id != case.id:
            raise deny("service_item", item_id, current_user)
        version = data.pop("version")
        ops.update_service_item(current_user, item, data, expected_version=version)
        db.session.commit()
        return item_json(item)


@blp.route("/<int:case_id>/stage")
class CaseStageResource(MethodView):
    @rule(TOWNSHIP_AND_ABOVE | {Role.SPECIALIST}, sample="case_write")
    @blp.arguments(StageSchema)
    @blp.response(200)
    @blp.alt_response(409, schema=ErrorEnvelope, description="阶段变更不符合流转规则，或 version 已过期")
    @blp.alt_response(422, schema=ErrorEnvelope, description="字段有误（含缺少 version）")
    def post(self, data, case_id: int):
        """变更阶段（须填写原因；按流转表校验）；须带档案读取时的 version"""
        case = load_case(case_id)
        if not access.can_change_stage(current_user, case):
            raise Forbidden("您无权变更该档案的阶段。")
        ops.change_stage(case, data.get("stage"), current_user, data.get("reason"), expected_version=data["version"])
        db.session.commit()
        return case_json(current_user, case, detail=True)
