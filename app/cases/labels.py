"""Chinese labels of the cases domain: fields, the service catalogue, audit actions (one place).

Enum members carry their own labels (`app.core.enums.LabeledEnum`)."""
from __future__ import annotations

FIELD_LABELS = {
    "person_id": "人员",
    "reason": "原因",
    "needs": "需求",
    "specialist": "服务专员",
    "mentor": "创业导师",
    "stage": "阶段",
    "kind": "记录类型",
    "date": "日期",
    "method": "走访方式",
    "content": "内容",
    "topic": "辅导主题",
    "advice": "建议",
    "next_steps": "下一步",
    "next_follow_up": "下次跟进日期",
    "service_type": "服务类型",
    "title": "事项",
    "responsible_unit": "责任单位",
    "due_on": "办理时限",
    "status": "办理状态",
    "cannot_reason": "无法办理原因",
    "outcome": "办理结果",
    "code": "代码",
    "label": "名称",
    "version": "版本",
}

# The catalogue of the "N" (DOMAIN.md §4) plus the restart services (issue 5 §1) and
# `collect_data` (补充材料), used by the subsidies domain for missing-data tasks.
DEFAULT_SERVICE_TYPES: list[tuple[str, str, str | None]] = [
    ("labour_support", "用工保障", "人社部门"),
    ("business_agency", "业务帮办", "乡镇服务站"),
    ("accompany", "创业陪跑", "服务专员"),
    ("policy_advice", "政策咨询", "乡镇服务站"),
    ("one_thing", "一件事集成办理", "政务服务中心"),
    ("legal_aid", "法律援助", "司法部门"),
    ("financing", "融资对接", "金融机构"),
    ("training_signup", "培训报名", "人社部门"),
    ("land_transfer", "土地流转", "村委会"),
    ("villager_coordination", "村民协调", "村委会"),
    ("site_park", "场地/园区对接", "园区"),
    ("social_insurance", "社保接续", "社保经办机构"),
    ("schooling", "子女就学", "教育部门"),
    ("housing", "安居", "住建部门"),
    ("health", "健康医疗", "卫健部门"),
    ("restart_guidance", "再创业指导", "服务专员"),
    ("labour_relations", "劳动关系处理", "劳动监察"),
    ("employment_aid", "就业援助", "人社部门"),
    ("relief_referral", "转介社会救助", "民政部门"),
    ("collect_data", "补充材料", "乡镇服务站"),
]

AUDIT_ACTION_LABELS = {
    "case_open": "建档",
    "case_request": "申请建档",
    "case_request_decline": "不予建档",
    "case_assign": "分配服务专员/导师",
    "case_stage": "变更阶段",
    "case_log": "走访/辅导记录",
    "case_log_revise": "修订记录",
    "case_phone_view": "查看完整电话",
    "service_item_create": "新增服务事项",
    "service_item_update": "更新服务事项",
    "service_type_create": "新增服务类型",
    "service_type_update": "修改服务类型",
}
