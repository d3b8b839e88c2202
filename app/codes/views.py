"""City admins edit the shared code lists; everyone else reads them through the forms."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.codes import operations as ops
from app.codes.models import CodeItem, CodeList
from app.core import audit
from app.core.access import Role, rule
from app.core.errors import NotFound
from app.core.forms import int_or_none, submit_form
from app.extensions import db

bp = Blueprint("codes", __name__, url_prefix="/codes")



class NewItemForm(FlaskForm):
    code = StringField("代码", validators=[DataRequired("请填写代码。"), Length(max=32)],
                       description="小写字母开头，字母、数字、下划线；保存后不能修改。")
    label = StringField("名称", validators=[DataRequired("请填写名称。"), Length(max=64)])
    sort_order = IntegerField("排序", default=100, validators=[Optional(), NumberRange(0, 100000)])
    submit = SubmitField("新增")


class EditItemForm(FlaskForm):
    label = StringField("名称", validators=[DataRequired("请填写名称。"), Length(max=64)])
    sort_order = IntegerField("排序", validators=[Optional(), NumberRange(0, 100000)])
    is_active = BooleanField("启用")
    version = HiddenField()
    submit = SubmitField("保存")


def _list_or_404(list_name: str) -> CodeList:
    try:
        return CodeList(list_name)
    except ValueError:
        raise NotFound() from None


@bp.route("/")
@rule({Role.CITY_ADMIN})
def index():
    return redirect(url_for("codes.list_items", list_name=CodeList.INDUSTRY.value))


@bp.route("/<list_name>", methods=["GET", "POST"])
@rule({Role.CITY_ADMIN}, sample="code_list")
def list_items(list_name: str):
    code_list = _list_or_404(list_name)
    form = NewItemForm()
    done = submit_form(
        form, lambda: ops.create_item(current_user, code_list, form.code.data, form.label.data,
                                      form.sort_order.data or 100),
        success=lambda item: f"已新增 {item.label}。", next_url=lambda _: url_for("codes.list_items", list_name=list_name))
    return done or render_template("codes/list.html", code_list=code_list, lists={c: c.label for c in CodeList}, form=form,
                                   items=ops.items(code_list, active_only=False))


@bp.route("/items/<int:item_id>", methods=["GET", "POST"])
@rule({Role.CITY_ADMIN}, sample="code_item")
def edit_item(item_id: int):
    item = db.get_or_404(CodeItem, item_id)
    editing = request.method == "GET"
    form = EditItemForm(obj=item if editing else None)
    if editing:
        form.version.data = str(item.version)
    done = submit_form(
        form, lambda: ops.update_item(current_user, item, label=form.label.data, sort_order=form.sort_order.data or 0,
                                      is_active=form.is_active.data, expected_version=int_or_none(form.version.data)),
        success="已保存。", next_url=lambda _: url_for("codes.list_items", list_name=item.list_name.value))
    return done or render_template("codes/edit.html", item=item, form=form,
                                   history=audit.history("code_item", item.id))
