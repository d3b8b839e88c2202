"""Form of the city's yearly settings (shape only; rules live in operations)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField
from wtforms.validators import NumberRange, Optional

from app.dashboard.models import TargetCode


class SettingsForm(FlaskForm):
    count_incomers = BooleanField("入乡人员创办的主体计入 2% 目标")
    loan_target = IntegerField("创业担保贷款发放目标（元）", validators=[Optional(), NumberRange(min=0)])
    version = HiddenField()


for _code in TargetCode:
    setattr(SettingsForm, _code.value,
            IntegerField(_code.label, validators=[Optional(), NumberRange(min=0)]))
