from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.auth.models import MentorCategory, MentorLevel
from app.core.access.roles import Role
from app.core.form_fields import RegionField


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名。"), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码。"), Length(max=256)])
    submit = SubmitField("登录")


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("当前密码", validators=[DataRequired("请输入当前密码。")])
    new_password = PasswordField("新密码", validators=[DataRequired("请输入新密码。")])
    confirm = PasswordField("再次输入新密码", validators=[
        DataRequired("请再次输入新密码。"), EqualTo("new_password", "两次输入的新密码不一致。")])
    submit = SubmitField("修改密码")


class TokenForm(FlaskForm):
    name = StringField("令牌名称", validators=[DataRequired("请填写令牌名称。"), Length(max=64)])
    submit = SubmitField("生成令牌")


class ConfirmForm(FlaskForm):
    """A one-button POST with its CSRF token (revoke, reactivate, …) and, for a versioned
    record, the version shown."""

    version = HiddenField()
    submit = SubmitField("确认")


class UserForm(FlaskForm):
    username = StringField("用户名", validators=[Length(max=64)],
                           description="3–64 位小写字母、数字或 _ . -，创建后不能修改。")
    full_name = StringField("姓名", validators=[DataRequired("请填写姓名。"), Length(max=64)])
    region_code = RegionField("所属区域", level=None, home_is_choice=True, blank="（{parent}本级）",
                              validators=[DataRequired("请选择所属区域。")])
    roles = MultiCheckboxField("角色", choices=Role.choices(),
                               validators=[DataRequired("请至少选择一个角色。")])
    mentor_level = SelectField("导师层级", choices=MentorLevel.choices("（非导师不填）"),
                               validators=[Optional()])
    mentor_category = SelectField("导师类别", choices=MentorCategory.choices("（非导师不填）"), validators=[Optional()])
    mentor_capacity = IntegerField("可同时服务人数", validators=[Optional(), NumberRange(1, 200, "应为 1–200。")],
                                   default=10)
    mentor_expertise = MultiCheckboxField("擅长行业", choices={}, validators=[Optional()])
    mentor_bio = TextAreaField("导师简介", validators=[Optional(), Length(max=500)])
    password = PasswordField("初始密码", validators=[Optional()],
                             description="至少 8 位；用户首次登录时须修改。")
    version = HiddenField()
    submit = SubmitField("保存")


class ResetPasswordForm(FlaskForm):
    password = PasswordField("临时密码", validators=[InputRequired("请填写临时密码。")],
                             description="用户下次登录时必须修改此密码。")
    version = HiddenField()
    submit = SubmitField("重置密码")


class DeactivateForm(FlaskForm):
    reason = TextAreaField("停用原因", validators=[DataRequired("请填写停用原因。"), Length(max=500)])
    version = HiddenField()
    submit = SubmitField("停用账户")


class UserFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("用户名或姓名", validators=[Optional(), Length(max=64)])
    role = SelectField("角色", choices=Role.choices("全部角色"),
                       validators=[Optional()])
    active = SelectField("状态", choices={"": "全部", "1": "启用", "0": "已停用"}, validators=[Optional()])
    include_sub = BooleanField("含下级区域", default=True)
