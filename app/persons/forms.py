"""Forms of the person library. They carry input to the operations, which validate it with
Chinese messages naming each field; the forms only check CSRF and shape."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from app.codes import operations as codes
from app.codes.models import CodeList
from app.core.form_fields import DateField, RegionField
from app.persons.labels import (
    ASSESSMENTS,
    FIELD_LABELS,
    NOT_ASSESSED,
    SORT_LABELS,
)
from app.persons.models import BusinessForm, Intention, PersonSource, PersonStatus

L = FIELD_LABELS
ASSESSMENT_CHOICES = {"": NOT_ASSESSED, "1": "是", "0": "否"}


class PersonForm(FlaskForm):
    id_number = StringField(L["id_number"], validators=[Length(max=40)],
                            description="18 位；15 位旧号码自动转换。性别和出生日期由号码自动得出。",
                            render_kw={"autocomplete": "off", "inputmode": "text", "spellcheck": "false"})
    name = StringField(L["name"], validators=[Length(max=64)], render_kw={"autocomplete": "off"})
    phone = StringField(L["phone"], validators=[Length(max=30)],
                        description="手机号，或带区号的固定电话，如 0717-6543210。",
                        render_kw={"autocomplete": "off", "inputmode": "tel"})
    clear_phone = BooleanField("删除已登记的电话")
    village_code = RegionField(L["village_code"])
    source = SelectField(L["source"], choices=PersonSource.choices("请选择…"), validate_choice=False)
    status = SelectField(L["status"], choices=PersonStatus.choices("请选择…"), validate_choice=False)
    work_region = SelectField(L["work_region"], choices={}, validate_choice=False)
    work_city = StringField(L["work_city"], validators=[Length(max=64)])
    work_industry = SelectField(L["work_industry"], choices={}, validate_choice=False)
    occupation = StringField(L["occupation"], validators=[Length(max=64)])
    outside_since = DateField(L["outside_since"])
    returned_on = DateField(L["returned_on"])
    skills = StringField(L["skills"], validators=[Length(max=500)], description="多项用顿号“、”或逗号分隔，如：电工、厨师。")
    intention = SelectField(L["intention"], choices=Intention.choices(), validate_choice=False)
    intended_industry = SelectField(L["intended_industry"], choices={}, validate_choice=False)
    intended_form = SelectField(L["intended_form"], choices=BusinessForm.choices("（未定）"), validate_choice=False)
    capital_need = StringField(L["capital_need"], render_kw={"inputmode": "numeric"})
    willing = SelectField(ASSESSMENTS["willing"][0], choices=ASSESSMENT_CHOICES, validate_choice=False)
    willing_basis = StringField(L["willing_basis"], validators=[Length(max=200)])
    capable = SelectField(ASSESSMENTS["capable"][0], choices=ASSESSMENT_CHOICES, validate_choice=False)
    capable_basis = StringField(L["capable_basis"], validators=[Length(max=200)])
    creditworthy = SelectField(ASSESSMENTS["creditworthy"][0], choices=ASSESSMENT_CHOICES, validate_choice=False)
    creditworthy_basis = StringField(L["creditworthy_basis"], validators=[Length(max=200)])
    remarks = TextAreaField(L["remarks"], validators=[Length(max=1000)])
    version = HiddenField()
    confirm_near_duplicate = BooleanField("已核对，确认仍要保存")
    submit = SubmitField("保存")

    def load_code_choices(self) -> None:
        self.work_region.choices = codes.choices(CodeList.WORK_REGION, blank="（未填）")
        industries = codes.choices(CodeList.INDUSTRY, blank="（未填）")
        self.work_industry.choices = industries
        self.intended_industry.choices = dict(industries)


class LookupForm(FlaskForm):
    """Exact search by a full ID number or phone: always POSTed, never in a URL."""

    value = StringField("身份证号码或手机号", validators=[Length(max=40)],
                        render_kw={"autocomplete": "off", "placeholder": "完整身份证号码或电话"})
    submit = SubmitField("精确查找")


class FilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("姓名", validators=[Optional(), Length(max=64)],
                    render_kw={"placeholder": "姓名、拼音或首字母，如 zw"})
    region = RegionField("区域", level=None)
    status = SelectField(L["status"], choices=PersonStatus.choices("全部状态"), validate_choice=False)
    sanyou = SelectField("三有", choices={"": "三有：全部", "1": "三有人员", "0": "非三有人员"}, validate_choice=False)
    intention = SelectField(L["intention"], choices=Intention.choices("全部意向"), validate_choice=False)
    industry = SelectField("行业", choices={}, validate_choice=False)
    return_year = StringField("返乡年份", validators=[Optional(), Length(max=4)],
                              render_kw={"inputmode": "numeric", "placeholder": "返乡年份"})
    source = SelectField(L["source"], choices=PersonSource.choices("全部来源"), validate_choice=False)
    archived = SelectField("归档", choices={"active": "在库人员", "archived": "已归档", "all": "全部"},
                           validate_choice=False)
    sort = SelectField("排序", choices=SORT_LABELS, validate_choice=False)

    def load_code_choices(self) -> None:
        self.industry.choices = codes.choices(CodeList.INDUSTRY, blank="全部行业")


class ReasonForm(FlaskForm):
    reason = TextAreaField("原因", validators=[Length(max=200)], render_kw={"rows": 2})
    version = HiddenField()
    submit = SubmitField("确认")


class MoveForm(ReasonForm):
    village_code = RegionField("迁入村（社区）")


class CorrectIdForm(ReasonForm):
    id_number = StringField("正确的身份证号码", validators=[Length(max=40)],
                            render_kw={"autocomplete": "off", "spellcheck": "false"})


class MergeForm(ReasonForm):
    other_id = StringField("要并入的记录编号", validators=[Length(max=12)],
                           description="人员页面标题旁的 # 编号；该记录将归档并指向本记录。")
    other_version = HiddenField()
