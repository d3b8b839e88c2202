"""Chinese labels of the subsidy domain: transition titles and audit actions (one place).

Enum members carry their own labels (`app.core.enums.LabeledEnum`)."""

# Timeline titles and audit actions of the transitions.
ACTION_TITLES = {
    "submitted": "提交补贴申请",
    "township_reviewed": "乡镇初审通过",
    "approved": "批准补贴申请",
    "rejected": "驳回补贴申请",
    "returned": "退回补正",
    "publicised": "进入公示",
    "paid": "补贴已拨付",
}
AUDIT_ACTION_LABELS = {
    **{f"application_{k}": v for k, v in ACTION_TITLES.items()},
    "application_attachment_added": "上传申请附件",
    "application_attachment_downloaded": "下载申请附件",
    "rule_version_created": "新增参数版本",
    "rule_version_updated": "修改参数版本",
    "loan_created": "登记担保贷款",
    "loan_updated": "修改担保贷款",
    "collect_data_requested": "生成补充资料任务",
    "programme_options_updated": "修改办理环节",
}
