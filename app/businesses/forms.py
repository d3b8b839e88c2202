"""Business forms: input shape only (rules live in operations)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField

from app.businesses.labels import FIELD_LABELS as L
from app.businesses.models import BusinessKind, BusinessStatus
from app.core.form_fields import DateField, RegionField
from app.persons.pickers import PersonField


class BusinessForm(FlaskForm):
    founder_id = PersonField(L["founder_id"])
    name = StringField(L["name"])
    kind = SelectField(L["kind"], choices=BusinessKind.choices())
    credit_code = StringField(L["credit_code"], description="18 位，见营业执照")
    registered_on = DateField(L["registered_on"])
    is_first_registration = SelectField(L["is_first_registration"],
                                        choices={"": "未知", "true": "是", "false": "否"})
    village_code = RegionField(L["village_code"])
    industry = SelectField(L["industry"], choices={}, validate_choice=False)
    jobs = StringField(L["jobs"], description="含创办人本人；未知请留空")
    park = StringField(L["park"])
    status = SelectField(L["status"], choices=BusinessStatus.choices())
    closed_on = DateField(L["closed_on"], description="已注销时填写")
    version = HiddenField()

    def values(self) -> dict:
        data = {name: getattr(self, name).data for name in (
            "name", "kind", "credit_code", "registered_on", "is_first_registration", "village_code", "industry",
            "jobs", "park", "status", "closed_on")}
        data["founder_id"] = self.founder_id.data
        return data


class ActionForm(FlaskForm):
    version = HiddenField()
