"""Chinese labels of the person library: fields, assessments, audit actions (one place).

Enum members carry their own labels (`app.core.enums.LabeledEnum`)."""
from __future__ import annotations

from app.persons.fields import FIELDS

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
AUDIT_ACTION_LABELS.update({
    "person_import_preview": "预览导入",
    "person_import": "批量导入",
    "person_export": "导出名单（脱敏）",
    "person_export_unmasked": "导出名单（含完整证件号）",
    "person_baseline_enter": "填报基数",
    "person_baseline_compute": "统计基数",
    "data_keys_rotated": "更换数据加密密钥",
})

# Keys the person operations write into audit entries beyond the fields above.
AUDIT_FIELD_LABELS = {
    "village": "户籍所在村（社区）",
    "rows": "行数",
    "filters": "筛选条件",
    "new": "新增",
    "updated": "更新",
    "unchanged": "无变化",
    "refused": "拒绝",
    "year": "年度",
    "value": "基数",
    "values": "各县（市、区）基数",
    "source_date": "基数日期",
    "source": "来源",
    "entered_by": "填报人",
    "programme": "补贴项目",
    "criteria": "待补充的条件",
    "case": "服务档案",
}
