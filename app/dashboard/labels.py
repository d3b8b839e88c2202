"""Chinese labels of the targets dashboard (one place)."""
from __future__ import annotations

# Defaults suggested on the settings page (seed item 2: +2 provincial, +2 municipal parks;
# each county recommends at least 5 typical cases).
TARGET_DEFAULTS = {"provincial_parks": 2, "municipal_parks": 2, "typical_cases": 5}

STATUS_LABELS = {
    "ahead": "进度正常",
    "behind": "略慢于时间进度",
    "late": "明显落后",
    "none": "无基数",
}
STATUS_TONES = {"ahead": "success", "behind": "warning", "late": "danger", "none": "secondary"}

BASELINE_SOURCE_LABELS = {"entered": "县级填报", "computed": "信息库统计", None: "无基数"}

METRIC_LABELS = {
    "people": "信息库人数",
    "sanyou": "三有人员",
    "new_entities": "新增返乡创业主体",
    "new_enterprises": "其中企业类",
    "incomer_entities": "入乡人员创办",
    "open_cases": "在办服务档案",
    "unassigned_cases": "未配齐“1+1”",
    "overdue_cases": "逾期未跟进",
}

# Audit entries of the yearly settings (target codes are named by `TargetCode.label`).
FIELD_LABELS = {
    "count_incomers": "入乡人员创办的主体计入 2% 目标",
    "loan_target": "创业担保贷款发放目标（元）",
}

AUDIT_ACTION_LABELS = {
    "target_year_update": "修改年度目标",
    "dashboard_export": "导出目标进度",
}
