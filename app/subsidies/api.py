"""`/api/v1/programmes`, `/api/v1/eligibility`, `/api/v1/applications` (issue 6 §9)."""
from __future__ import annotations

from datetime import date

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from app.api.schemas import ErrorEnvelope, version_field
from app.businesses import operations as business_ops
from app.core.access import REGION_ROLES, TOWNSHIP_AND_ABOVE, rule
from app.core.access import subsidies as access
from app.core.access.persons import load_person
from app.core.access.roles import COUNTY_AND_ABOVE
from app.core.errors import FieldErrors
from app.extensions import db
from app.persons.models import Person
from app.subsidies import eligibility
from app.subsidies import operations as ops
from app.subsidies.models import Application, Loan, Programme

blp = Blueprint("subsidies_api", __name__, url_prefix="/api/v1", description="补贴项目、资格核验与申请审批")


class CriterionSchema(Schema):
    code = fields.String()
    label = fields.String()
    result = fields.String(metadata={"enum": ["passed", "failed", "missing"]})
    actual = fields.String()
    required = fields.String()
    clause = fields.String()
    message = fields.String()
    holds_from = fields.String(allow_none=True, metadata={"format": "date", "description": "时间类条件：自该日起满足（YYYY-MM-DD）"})


class CheckSchema(Schema):
    status = fields.String(metadata={"enum": ["eligible", "ineligible", "incomplete"]})
    amount = fields.Integer(allow_none=True, metadata={"description": "适用金额或上限（元）"})
    rule_version = fields.String()
    rule_version_id = fields.Integer()
    as_of = fields.String(metadata={"format": "date", "description": "核验日期（YYYY-MM-DD）"})
    criteria = fields.List(fields.Nested(CriterionSchema))


class ProgrammeSchema(Schema):
    code = fields.String()
    name = fields.String()
    decider_level = fields.String(metadata={"enum": ["county", "city"]})
    is_one_time = fields.Boolean()
    needs_business = fields.Boolean()
    criteria = fields.List(fields.String())
    township_review = fields.Boolean()
    publicity_days = fields.Integer(allow_none=True)
    rule_version = fields.String()
    effective_from = fields.Date()
    params = fields.Dict()


class ProgrammeListSchema(Schema):
    items = fields.List(fields.Nested(ProgrammeSchema))


class EligibilityArgs(Schema):
    programme = fields.String(required=True)
    person_id = fields.Integer(required=True)
    business_id = fields.Integer(allow_none=True)
    as_of = fields.Date(allow_none=True)


class LoanInput(Schema):
    id = fields.Integer(metadata={"description": "已登记贷款的编号（贴息申请）"})
    borrower_type = fields.String(validate=validate.OneOf(["individual", "partnership", "small_micro"]))
    partners = fields.Integer()
    amount = fields.Integer()
    term_months = fields.Integer()
    lender = fields.String()
    contract_on = fields.Date()
    rate_bp = fields.Integer(metadata={"description": "合同年利率（基点，345 = 3.45%）"})


class ApplicationCreateSchema(Schema):
    programme = fields.String(required=True)
    person_id = fields.Integer(required=True)
    business_id = fields.Integer(allow_none=True)
    amount = fields.Integer(allow_none=True)
    loan = fields.Nested(LoanInput, allow_none=True)
    note = fields.String(allow_none=True)


class ApplicationSchema(Schema):
    id = fields.Integer()
    programme = fields.String()
    person_id = fields.Integer()
    business_id = fields.Integer(allow_none=True)
    loan_id = fields.Integer(allow_none=True)
    state = fields.String(metadata={"enum": ["submitted", "township_reviewed", "approved", "rejected", "returned",
                                             "publicised", "paid"]})
    amount = fields.Integer(allow_none=True)
    submitted_on = fields.Date()
    rule_version = fields.String()
    submission_check = fields.Nested(CheckSchema)
    decision_check = fields.Nested(CheckSchema, allow_none=True)
    decided_on = fields.Date(allow_none=True)
    reason = fields.String(allow_none=True)
    publicity_until = fields.Date(allow_none=True)
    paid_on = fields.Date(allow_none=True)
    paid_amount = fields.Integer(allow_none=True)
    voucher_no = fields.String(allow_none=True)
    version = fields.Integer()


class ReviewSchema(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(["pass", "return"]))
    reason = fields.String(allow_none=True)
    version = version_field()


class DecisionSchema(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(["approve", "reject", "return"]))
    reason = fields.String(allow_none=True)
    version = version_field()


class PaymentSchema(Schema):
    paid_on = fields.Date(required=True)
    amount = fields.Integer(required=True)
    voucher_no = fields.String(required=True)
    version = version_field()


def programme_or_422(code: str) -> Programme:
    programme = eligibility.programme_by_code(str(code or ""))
    if programme is None:
        raise FieldErrors.single("programme", "没有这个补贴项目。")
    return programme


def person_or_404(person_id: int) -> Person:
    return load_person(current_user, person_id)


def business_for(person: Person, business_id: int | None):
    if business_id is None:
        return None
    business = business_ops.load(current_user, business_id)
    if business.founder_id != person.id:
        raise FieldErrors.single("business_id", "该经营主体的创办人不是该人员。")
    return business


def application_json(a: Application) -> dict:
    return {
        "id": a.id, "programme": a.programme.code, "person_id": a.person_id, "business_id": a.business_id,
        "loan_id": a.loan_id, "state": a.state.value, "amount": a.amount, "submitted_on": a.submitted_on,
        "rule_version": a.rule_version.label, "submission_check": a.submission_check,
        "decision_check": a.decision_check, "decided_on": a.decided_on, "reason": a.reason,
        "publicity_until": a.publicity_until, "paid_on": a.paid_on, "paid_amount": a.paid_amount,
        "voucher_no": a.voucher_no, "version": a.version,
    }


def load_application(application_id: int) -> Application:
    return access.load_application(current_user, application_id)


@blp.route("/programmes")
class Programmes(MethodView):
    @rule(REGION_ROLES)
    @blp.response(200, ProgrammeListSchema)
    def get(self):
        """补贴项目及其现行参数版本"""
        from app.core import clock

        items = []
        for p in db.session.scalars(select(Programme).order_by(Programme.sort_order)):
            v = eligibility.version_in_force(p, clock.today())
            items.append({"code": p.code, "name": p.name, "decider_level": p.decider_level.value,
                          "is_one_time": p.is_one_time, "needs_business": p.needs_business, "criteria": p.criteria,
                          "township_review": p.township_review, "publicity_days": p.publicity_days,
                          "rule_version": v.label, "effective_from": v.effective_from, "params": v.params})
        return {"items": items}


@blp.route("/eligibility")
class Eligibility(MethodView):
    @rule(REGION_ROLES)
    @blp.arguments(EligibilityArgs)
    @blp.response(200, CheckSchema)
    @blp.alt_response(404, schema=ErrorEnvelope, description="人员或主体不存在或不在管辖范围内")
    def post(self, data):
        """资格核验：逐项说明（不写入任何数据）"""
        programme = programme_or_422(data["programme"])
        person = person_or_404(data["person_id"])
        business = business_for(person, data.get("business_id"))
        as_of: date | None = data.get("as_of")
        return eligibility.check(programme, person, business, as_of).as_dict()


@blp.route("/applications")
class Applications(MethodView):
    @rule(TOWNSHIP_AND_ABOVE)
    @blp.arguments(ApplicationCreateSchema)
    @blp.response(201, ApplicationSchema)
    @blp.alt_response(409, schema=ErrorEnvelope, description="已有同一项目的申请")
    @blp.alt_response(422, schema=ErrorEnvelope, description="字段有误")
    def post(self, data):
        """提交补贴申请（帮办代办）；提交时的核验结果作为审批依据保存"""
        programme = programme_or_422(data["programme"])
        person = person_or_404(data["person_id"])
        business = business_for(person, data.get("business_id"))
        loan = None
        loan_data = data.get("loan")
        if loan_data:
            if loan_data.get("id"):
                loan = db.session.get(Loan, loan_data["id"])
                if loan is None or loan.person_id != person.id or not access.can_view_loan(current_user, loan):
                    raise FieldErrors.single("loan.id", "没有找到该人员的这笔贷款。")
            else:
                loan = ops.create_loan(current_user, person, business, loan_data)
        application = ops.submit(current_user, programme, person, business, amount=data.get("amount"), loan=loan,
                                 note=data.get("note"))
        db.session.commit()
        return application_json(application)


@blp.route("/applications/<int:application_id>")
class ApplicationItem(MethodView):
    @rule(REGION_ROLES, sample="application")
    @blp.response(200, ApplicationSchema)
    @blp.alt_response(404, schema=ErrorEnvelope, description="不存在或不在管辖范围内")
    def get(self, application_id: int):
        """申请详情（含提交时和审批时的核验记录）"""
        return application_json(load_application(application_id))


@blp.route("/applications/<int:application_id>/review")
class ApplicationReview(MethodView):
    @rule(TOWNSHIP_AND_ABOVE, sample="application_review")
    @blp.arguments(ReviewSchema)
    @blp.response(200, ApplicationSchema)
    @blp.alt_response(409, schema=ErrorEnvelope, description="状态已变化，或 version 已过期")
    @blp.alt_response(422, schema=ErrorEnvelope, description="字段有误（含缺少 version）")
    def post(self, data, application_id: int):
        """乡镇初审：pass 通过 / return 退回补正（须填原因）；须带读取时的 version"""
        application = load_application(application_id)
        ops.review(current_user, application, data["decision"], data.get("reason"), expected_version=data["version"])
        db.session.commit()
        return application_json(application)


@blp.route("/applications/<int:application_id>/decision")
class ApplicationDecision(MethodView):
    @rule(COUNTY_AND_ABOVE, sample="application_decision", expect={"demo_city": 403})
    @blp.arguments(DecisionSchema)
    @blp.response(200, ApplicationSchema)
    @blp.alt_response(403, schema=ErrorEnvelope, description="非该项目审批角色，或审批自己提交的申请")
    @blp.alt_response(409, schema=ErrorEnvelope, description="状态已变化、version 已过期、复核不符合条件或已享受过")
    @blp.alt_response(422, schema=ErrorEnvelope, description="字段有误（含缺少 version）")
    def post(self, data, application_id: int):
        """审批：approve 批准（复核通过才可）/ reject 驳回 / return 退回补正（后两者须填原因）；须带读取时的 version"""
        application = load_application(application_id)
        ops.decide(current_user, application, data["decision"], data.get("reason"), expected_version=data["version"])
        db.session.commit()
        return application_json(application)


@blp.route("/applications/<int:application_id>/payment")
class ApplicationPayment(MethodView):
    @rule(COUNTY_AND_ABOVE, sample="application_payment", expect={"demo_city": 403})
    @blp.arguments(PaymentSchema)
    @blp.response(200, ApplicationSchema)
    @blp.alt_response(409, schema=ErrorEnvelope, description="尚未批准、公示未满或 version 已过期")
    @blp.alt_response(422, schema=ErrorEnvelope, description="字段有误（含缺少 version）")
    def post(self, data, application_id: int):
        """登记拨付：日期、金额、凭证号；须带读取时的 version"""
        application = load_application(application_id)
        ops.record_payment(current_user, application, paid_on=data["paid_on"], amount=data["amount"],
                           voucher_no=data["voucher_no"], expected_version=data["version"])
        db.session.commit()
        return application_json(application)
