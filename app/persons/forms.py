"""Forms of the person library. They carry input to the operations, which validate it with
Chinese messages naming each field; the forms only check CSRF and shape."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from app.codes import operations as codes
from app.codes.models import CodeList
from app.core.form_fields import DateField, RegionField
from app.persons.fields import FIELD
from app.persons.labels import (
    FIELD_LABELS,
    NOT_ASSESSED,
    SORT_LABELS,
)
from app.persons.models import BusinessForm, Intention, PersonSource, PersonStatus

L = FIELD_LABELS  # labels of the declared person fields (app/persons/fields.py) and a few more
F = FIELD
ASSESSMENT_CHOICES = {"": NOT_ASSESSED, "1": "是", "0": "否"}


class PersonForm(FlaskForm):
    id_number = StringField(L["id_number"], validators=[Length(max=F["id_number"].limit)],
                            description=F["id_number"].help,
                            render_kw={"autocomplete": "off", "inputmode": "text", "spellcheck": "false"})
    name = StringField(L["name"], validators=[Length(max=F["name"].limit)], render_kw={"autocomplete": "off"})
    phone = StringField(L["phone"], validators=[Length(max=F["phone"].limit)],
                        description=F["phone"].help,
                        render_kw={"autocomplete": "off", "inputmode": "tel"})
    clear_phone = BooleanField("删除已登记的电话")
    village_code = RegionField(L["village_code"])
    source = SelectField(L["source"], choices=PersonSource.choices("请选择…"), validate_choice=False)
    status = SelectField(L["status"], choices=PersonStatus.choices("请选择…"), validate_choice=False)
    work_region = SelectField(L["work_region"], choices={}, validate_choice=False)
    work_city = StringField(L["work_city"], validators=[Length(max=F["work_city"].limit)])
    work_industry = SelectField(L["work_industry"], choices={}, validate_choice=False)
    occupation = StringField(L["occupation"], validators=[Length(max=F["occupation"].limit)])
    outside_since = DateField(L["outside_since"])
    returned_on = DateField(L["returned_on"])
    skills = StringField(L["skills"], validators=[Length(max=F["skills"].limit)], description=F["skills"].help)
    intention = SelectField(L["intention"], choices=Intention.choices(), validate_choice=False)
    intended_industry = SelectField(L["intended_industry"], choices={}, validate_choice=False)
    intended_form = SelectField(L["intended_form"], choices=BusinessForm.choices("（未定）"), validate_choice=False)
    capital_need = StringField(L["capital_need"], render_kw={"inputmode": "numeric"})
    willing = SelectField(L["willing"], choices=ASSESSMENT_CHOICES, validate_choice=False)
    willing_basis = StringField(L["willing_basis"], validators=[Length(max=F["willing_basis"].limit)])
    capable = SelectField(L["capable"], choices=ASSESSMENT_CHOICES, validate_choice=False)
    capable_basis = StringField(L["capable_basis"], validators=[Length(max=F["capable_basis"].limit)])
    creditworthy = SelectField(L["creditworthy"], choices=ASSESSMENT_CHOICES, validate_choice=False)
    creditworthy_basis = StringField(L["creditworthy_basis"], validators=[Length(max=F["creditworthy_basis"].limit)])
    remarks = TextAreaField(L["remarks"], validators=[Length(max=F["remarks"].limit)])
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
