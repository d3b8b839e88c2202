"""`GET /api/v1/targets?year=YYYY`: the target table as JSON, scoped like the page (every county's
totals for every dashboard viewer), the city total last."""
from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from app.core.access import dashboard as access
from app.core.access import rule
from app.dashboard import queries

blp = Blueprint("targets_api", __name__, url_prefix="/api/v1/targets", description="总体目标（按年度、按县）")


class TargetRowSchema(Schema):
    code = fields.String(metadata={"description": "区划代码（最后一行为全市合计）"})
    name = fields.String()
    baseline = fields.Integer(allow_none=True, metadata={"description": "上年末市外务工人数；null = 无基数"})
    baseline_source = fields.String(allow_none=True, metadata={"description": "entered 县级填报 / computed 信息库测算"})
    target = fields.Integer(allow_none=True, metadata={"description": "基数的 2%，向上取整"})
    new_entities = fields.Integer(allow_none=True)
    new_enterprises = fields.Integer(allow_none=True)
    incomer_entities = fields.Integer(allow_none=True)
    progress = fields.Float(allow_none=True, metadata={"description": "new_entities / target"})
    status = fields.String(metadata={"description": "ahead 正常 / behind 略慢 / late 落后 / none 无基数"})
    loan_amount = fields.Integer(allow_none=True, metadata={"description": "本年发放的创业担保贷款（元）"})
    grants = fields.Dict(metadata={"description": "按项目：{code: {approved, approved_amount, paid, paid_amount}}"})
    people = fields.Integer(allow_none=True, metadata={"description": "当前值"})
    sanyou = fields.Integer(allow_none=True, metadata={"description": "当前值"})
    open_cases = fields.Integer(allow_none=True, metadata={"description": "当前值"})
    unassigned_cases = fields.Integer(allow_none=True, metadata={"description": "当前值"})
    overdue_cases = fields.Integer(allow_none=True, metadata={"description": "当前值"})


class TargetTableSchema(Schema):
    year = fields.Integer()
    rows = fields.List(fields.Nested(TargetRowSchema))


class YearArgs(Schema):
    year = fields.Integer(metadata={"description": "年度，默认今年"})


ROW_FIELDS = ("new_entities", "new_enterprises", "incomer_entities", "loan_amount", "people", "sanyou",
              "open_cases", "unassigned_cases", "overdue_cases")


def row_json(row: queries.TargetRow) -> dict:
    data = {"code": row.code, "name": row.name, "baseline": row.baseline, "baseline_source": row.baseline_source,
            "target": row.target, "progress": None if row.progress is None else round(row.progress, 4),
            "status": row.status, "grants": row.grants}
    for name in ROW_FIELDS:
        data[name] = row.values.get(name)
    return data


@blp.route("")
class Targets(MethodView):
    @rule(access.DASHBOARD_ROLES)
    @blp.arguments(YearArgs, location="query")
    @blp.response(200, TargetTableSchema)
    def get(self, args):
        """各县（市、区）及全市合计的年度目标进度"""
        year = queries.parse_year(args.get("year"))
        return {"year": year, "rows": [row_json(r) for r in queries.target_table(current_user, year)]}
