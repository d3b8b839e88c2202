"""City admins browse and filter the whole audit log."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, render_template, request
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, StringField
from wtforms.validators import Optional

from app.audit import present
from app.core import audit, clock
from app.core.access import Role, rule
from app.core.audit import AuditEntry
from app.core.form_fields import DateField
from app.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/audit")


# Flags shown on the audit page: other domains add (label, function(day) -> [(username, count)])
# with `add_flag` from their `init_app`.
FLAGS: list = []


def add_flag(label: str, finder) -> None:
    if all(existing is not finder for _, existing in FLAGS):
        FLAGS.append((label, finder))


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    username = StringField("用户名", validators=[Optional()])
    action = SelectField("操作", choices={"": "全部操作", **dict(sorted(present.ACTION_LABELS.items(),
                                                                    key=lambda kv: kv[1]))},
                         validators=[Optional()])
    object_type = SelectField("对象类型", choices={"": "全部对象", **{k: t.label for k, t in present.OBJECT_TYPES.items()}},
                              validators=[Optional()])
    object_id = StringField("对象编号", validators=[Optional()])
    result = SelectField("结果", choices={"": "全部", **audit.RESULT_LABELS}, validators=[Optional()])
    date_from = DateField("起始日期")
    date_to = DateField("截止日期")


@bp.route("/")
@rule({Role.CITY_ADMIN})
def index():
    form = AuditFilterForm(request.args)
    form.validate()
    stmt = select(AuditEntry)
    if form.username.data:
        stmt = stmt.where(AuditEntry.username == form.username.data.strip().lower())
    if form.action.data in present.ACTION_LABELS:
        stmt = stmt.where(AuditEntry.action == form.action.data)
    if form.object_type.data in present.OBJECT_TYPES:
        stmt = stmt.where(AuditEntry.object_type == form.object_type.data)
    if form.object_id.data:
        stmt = stmt.where(AuditEntry.object_id == form.object_id.data.strip())
    if form.result.data in audit.RESULT_LABELS:
        stmt = stmt.where(AuditEntry.result == form.result.data)
    if form.date_from.data and not form.date_from.errors:
        stmt = stmt.where(AuditEntry.at >= clock.local_day_start(form.date_from.data))
    if form.date_to.data and not form.date_to.errors:
        stmt = stmt.where(AuditEntry.at < clock.local_day_start(form.date_to.data + timedelta(days=1)))
    before = request.args.get("before", type=int)
    if before:
        stmt = stmt.where(AuditEntry.id < before)
    size = current_app.config["PAGE_SIZE"]
    rows = db.session.scalars(stmt.order_by(AuditEntry.id.desc()).limit(size + 1)).all()
    next_before = rows[size - 1].id if len(rows) > size else None
    today = clock.today()
    flags = [(label, finder(today)) for label, finder in FLAGS]
    return render_template("audit/index.html", entries=present.present(rows[:size]), form=form,
                           next_before=next_before, flags=flags)


@bp.app_template_global("audit_views")
def audit_views(entries: list[AuditEntry]) -> list[present.EntryView]:
    """A record's change history in Chinese (`history` macro; the record itself is the page's)."""
    return present.present(entries, with_names=False)
