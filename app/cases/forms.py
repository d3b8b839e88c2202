"""Forms of the case pages: CSRF and shape only; the operations validate and name the fields."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from app.auth.forms import MultiCheckboxField
from app.cases.labels import FIELD_LABELS
from app.cases.models import ItemStatus, NoteTopic, VisitMethod
from app.core.form_fields import DateField

L = FIELD_LABELS


class ActionForm(FlaskForm):
    """A bare CSRF-protected form for one-button actions."""


class NeedsMixin:
    def load_needs(self, types) -> None:
        self.needs.choices = [(t.code, t.label) for t in types]


class RequestForm(FlaskForm, NeedsMixin):
    reason = TextAreaField("申请原因", validators=[Length(max=500)], render_kw={"rows": 3})
    needs = MultiCheckboxField("需求（可多选）", choices=[], validators=[Optional()], validate_choice=False)


class DecideForm(FlaskForm):
    decision = HiddenField()
    version = HiddenField()
    reason = TextAreaField("说明（不予建档时必填）", validators=[Length(max=500)], render_kw={"rows": 2})


class LogForm(FlaskForm, NeedsMixin):
    kind = HiddenField()
    date = DateField(L["date"])
    method = SelectField(L["method"], choices=VisitMethod.choices("请选择"), validate_choice=False)
    topic = SelectField(L["topic"], choices=NoteTopic.choices("请选择"), validate_choice=False)
    content = TextAreaField(L["content"], validators=[Length(max=2000)], render_kw={"rows": 4})
    advice = TextAreaField(L["advice"], validators=[Length(max=2000)], render_kw={"rows": 2})
    next_steps = TextAreaField(L["next_steps"], validators=[Length(max=2000)], render_kw={"rows": 2})
    needs = MultiCheckboxField("提出的需求（将生成服务事项）", choices=[], validators=[Optional()], validate_choice=False)
    next_follow_up = DateField(L["next_follow_up"])
    reason = StringField("修订原因", validators=[Length(max=500)])


class AssignForm(FlaskForm):
    specialist = SelectField(L["specialist"], choices=[], validate_choice=False)
    mentor = SelectField(L["mentor"], choices=[], validate_choice=False)
    reason = StringField("更换原因（更换时必填）", validators=[Length(max=500)])
    version = HiddenField()


class StageForm(FlaskForm):
    stage = SelectField(L["stage"], choices=[], validate_choice=False)
    reason = StringField("原因", validators=[Length(max=500)])
    version = HiddenField()


class ServiceForm(FlaskForm):
    service_type = SelectField(L["service_type"], choices=[], validate_choice=False)
    title = StringField("事项说明（可空，默认为服务类型）", validators=[Length(max=200)])
    responsible_unit = StringField(L["responsible_unit"], validators=[Length(max=64)])
    due_on = DateField(L["due_on"])


class ServiceUpdateForm(FlaskForm):
    status = SelectField(L["status"], choices=ItemStatus.choices(), validate_choice=False)
    outcome = StringField(L["outcome"], validators=[Length(max=2000)])
    cannot_reason = StringField(L["cannot_reason"], validators=[Length(max=500)])
    version = HiddenField()


class ServiceTypeForm(FlaskForm):
    code = StringField("代码（英文小写、数字、下划线）", validators=[Length(max=32)])
    label = StringField("名称", validators=[Length(max=32)])
    responsible_unit = StringField("默认责任单位", validators=[Length(max=64)])
    is_active = BooleanField("启用", default=True)
