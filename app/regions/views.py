"""Browsing the region tree; city admins move units and create management units under 高新区."""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.core import audit
from app.core.access import REGION_ROLES, Role, rule
from app.core.access.regions import can_manage_regions
from app.core.access.scope import region_in_scope, scope_region
from app.core.errors import FieldErrors, NotFound
from app.core.form_fields import RegionField
from app.core.forms import submit_action, submit_form
from app.regions import operations as ops
from app.regions.models import Region

bp = Blueprint("regions", __name__, url_prefix="/regions")



class MoveForm(FlaskForm):
    parent = RegionField("新的上级单位", validators=[DataRequired("请选择新的上级单位。")])
    reason = TextAreaField("调整原因", validators=[DataRequired("请填写调整原因。"), Length(max=500)])
    submit = SubmitField("确认调整")


class ZoneUnitForm(FlaskForm):
    name = StringField("单元名称", validators=[DataRequired("请填写单元名称。"), Length(max=64)])
    submit = SubmitField("新建")


def _region_or_404(code: str) -> Region:
    region = ops.by_code(code)
    if region is None or not region_in_scope(current_user, region):
        raise NotFound()
    return region


@bp.route("/")
@rule(REGION_ROLES)
def index():
    home = scope_region(current_user)
    if home is None:
        raise NotFound()
    return redirect(url_for("regions.detail", code=home.code))


@bp.route("/<code>")
@rule(REGION_ROLES, sample="region")
def detail(code: str):
    region = _region_or_404(code)
    home = scope_region(current_user)
    ancestors = []
    node = region
    while node is not None and node.id != home.id:
        node = node.parent
        if node is not None:
            ancestors.insert(0, node)
    return render_template(
        "regions/detail.html", region=region, ancestors=ancestors, children=ops.children(region),
        subtree_count=ops.subtree_count(region), can_move=can_manage_regions(current_user),
        zone_form=ZoneUnitForm() if region.code == ops.ZONE_CODE else None,
        history=audit.history("region", region.id, limit=20),
    )


@bp.route("/<code>/move", methods=["GET", "POST"])
@rule({Role.CITY_ADMIN}, sample="region")
def move(code: str):
    region = _region_or_404(code)
    if region.level not in ops.MOVE_TARGET_LEVEL:
        flash("只能调整乡镇（街道）或村（社区）的归属。", "warning")
        return redirect(url_for("regions.detail", code=code))
    form = MoveForm()
    form.parent.level = ops.MOVE_TARGET_LEVEL[region.level]

    def move_it() -> tuple[Region, int]:
        parent = ops.by_code(form.parent.data)
        if parent is None:
            raise FieldErrors.single("parent", "所选上级单位不存在。")
        return parent, ops.move_region(current_user, region, parent, form.reason.data)

    done = submit_form(form, move_it,
                       success=lambda result: f"已将 {region.name} 调整到 {result[0].name} 之下，共 {result[1]} 个单位随之移动，"
                                              "相关人员与主体的管辖范围已同步更新。",
                       next_url=lambda _: url_for("regions.detail", code=region.code))
    return done or render_template("regions/move.html", region=region, form=form)


@bp.route("/zone/units", methods=["POST"])
@rule({Role.CITY_ADMIN})
def zone_unit_create():
    form = ZoneUnitForm()
    return submit_action(lambda: ops.create_zone_township(current_user, form.name.data), form=form,
                         back_url=url_for("regions.detail", code=ops.ZONE_CODE), section="zone-unit",
                         next_url=lambda unit: url_for("regions.detail", code=unit.code),
                         success=lambda unit: f"已在宜昌高新区下新建管理单元 {unit.name}（{unit.code}）。")


@bp.route("/options")
@rule(REGION_ROLES)
def options():
    """Children of `parent` (or the user's home region) for the region picker, within scope: a
    parent outside the user's subtree answers 404."""
    home = scope_region(current_user)
    if home is None:
        abort(404)
    parent_code = request.args.get("parent")
    parent = _region_or_404(parent_code) if parent_code else home
    return jsonify(parent=_json(parent), children=[_json(c) for c in ops.children(parent)])


def _json(region: Region) -> dict:
    return {"code": region.code, "name": region.name, "level": region.level.value}
