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
    "subsidy_records_merged": "人员合并后并入补贴记录",
    "proactive_exported": "导出主动服务名单",
}

# Audit entries of applications, loans, programmes and rule versions: field -> label. Parameter
# keys of rule versions are named by `app.subsidies.params`.
FIELD_LABELS = {
    "id": "编号",
    "village_id": "所在村（社区）",
    "township_id": "乡镇（街道）",
    "county_id": "县（市、区）",
    "programme": "补贴项目",
    "programme_id": "补贴项目",
    "rule_version_id": "参数版本",
    "person_id": "人员",
    "business_id": "经营主体",
    "loan_id": "创业担保贷款",
    "state": "办理状态",
    "check": "核验结果",
    "criteria": "条件",
    "case": "服务档案",
    "amount": "金额（元）",
    "submitted_on": "提交日期",
    "submitted_by_id": "提交人",
    "reviewed_by_id": "初审人",
    "reviewed_on": "初审日期",
    "decided_by_id": "决定人",
    "decided_on": "决定日期",
    "reason": "原因",
    "publicity_until": "公示截止日期",
    "paid_on": "拨付日期",
    "paid_amount": "拨付金额（元）",
    "voucher_no": "拨付凭证号",
    "note": "备注",
    "attachment": "附件",
    "rows": "行数",
    "borrower_type": "借款人类型",
    "partners": "合伙人数",
    "term_months": "期限（个月）",
    "lender": "贷款银行",
    "contract_on": "合同日期",
    "rate_bp": "贷款利率（基点）",
    "lpr_bp": "LPR（基点）",
    "status": "贷款状态",
    "overdue_periods": "逾期期数",
    "effective_from": "生效日期",
    "params": "参数",
    "township_review": "需要乡镇初审",
    "publicity_days": "公示工作日",
}
