"""Chinese labels of the person library: enums, fields, assessments (one place)."""
from __future__ import annotations

from app.persons.fields import FIELDS
from app.persons.models import BusinessForm, Gender, Intention, PersonSource, PersonStatus

GENDER_LABELS = {Gender.MALE: "男", Gender.FEMALE: "女"}
SOURCE_LABELS = {
    PersonSource.BIGDATA: "大数据比对",
    PersonSource.SURVEY: "入户调查",
    PersonSource.SELF: "个人自主填报",
}
STATUS_LABELS = {
    PersonStatus.WORKING_OUTSIDE: "在外务工",
    PersonStatus.RETURNED: "已返乡",
    PersonStatus.INCOMER: "入乡",
    PersonStatus.FOUNDED: "已创业",
}
INTENTION_LABELS = {
    Intention.NONE: "无",
    Intention.CONSIDERING: "考虑中",
    Intention.FIRM: "明确",
}
FORM_LABELS = {
    BusinessForm.INDIVIDUAL: "个体",
    BusinessForm.ENTERPRISE: "企业",
    BusinessForm.COOPERATIVE: "合作社",
    BusinessForm.FAMILY_FARM: "家庭农场",
}
ENUM_LABELS = {
    Gender: GENDER_LABELS,
    PersonSource: SOURCE_LABELS,
    PersonStatus: STATUS_LABELS,
    Intention: INTENTION_LABELS,
    BusinessForm: FORM_LABELS,
}

# The three 三有 criteria: field -> (name, yes, no).
ASSESSMENTS = {
    "willing": ("有愿望", "有创业愿望", "暂无创业愿望"),
    "capable": ("有能力", "有创业能力", "能力尚不足"),
    "creditworthy": ("有信誉", "信誉良好", "信誉存疑"),
}
NOT_ASSESSED = "未评估"
SANYOU = "三有人员"


def assessment_label(value: bool | None) -> str:
    return NOT_ASSESSED if value is None else ("是" if value else "否")


FIELD_LABELS = {
    **{f.name: f.label for f in FIELDS},  # the declared person fields (app/persons/fields.py)
    "gender": "性别",
    "birth_date": "出生日期",
    "is_sanyou": SANYOU,
    "archived_at": "归档时间",
    "archived_reason": "归档原因",
    "merged_into_id": "已合并到",
    "village_id": "户籍所在村（社区）",
    "township_id": "乡镇（街道）",
    "county_id": "县（市、区）",
    "id_number_masked": "身份证号码",
    "phone_masked": "联系电话",
    "reason": "原因",
    "version": "版本",
}

SORT_LABELS = {"name": "按姓名拼音", "returned": "按返乡日期（近到远）", "updated": "按最近更新"}

AUDIT_ACTION_LABELS = {
    "person_create": "登记人员",
    "person_update": "修改信息",
    "person_reveal_id": "查看完整证件号",
    "person_merge": "合并记录（保留）",
    "person_merged_into": "合并记录（并入他人）",
    "person_move": "迁移户籍村",
    "person_move_out": "人员迁出",
    "person_move_in": "人员迁入",
    "person_correct_id": "更正身份证号",
    "person_archive": "归档",
    "person_restore": "恢复",
    "person_lookup": "按证件号或电话查询",
}

DUPLICATE_ID_MESSAGE = ("该身份证号码已在全市人员信息库中登记，不能重复登记。"
                        "请联系您所在乡镇（街道）服务站核实处理。")

# Issue 4: import batches, exports, baselines.
from app.persons.models import ImportStatus  # noqa: E402

ENUM_LABELS[ImportStatus] = {
    ImportStatus.PREVIEWED: "待确认",
    ImportStatus.COMMITTED: "已导入",
    ImportStatus.FAILED: "导入失败",
}
AUDIT_ACTION_LABELS.update({
    "person_import_preview": "预览导入",
    "person_import": "批量导入",
    "person_export": "导出名单（脱敏）",
    "person_export_unmasked": "导出名单（含完整证件号）",
    "person_baseline_enter": "填报基数",
    "person_baseline_compute": "统计基数",
})
