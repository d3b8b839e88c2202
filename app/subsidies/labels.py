"""Chinese labels of the subsidy domain (one place)."""
from app.subsidies.models import AppState, AttachmentKind, BorrowerType, DeciderLevel, LoanStatus

STATE_LABELS = {
    AppState.SUBMITTED: "已提交",
    AppState.TOWNSHIP_REVIEWED: "乡镇初审",
    AppState.APPROVED: "已批准",
    AppState.REJECTED: "已驳回",
    AppState.RETURNED: "退回补正",
    AppState.PUBLICISED: "公示",
    AppState.PAID: "已拨付",
}
STATE_TONES = {
    AppState.SUBMITTED: "primary", AppState.TOWNSHIP_REVIEWED: "info", AppState.APPROVED: "success",
    AppState.REJECTED: "danger", AppState.RETURNED: "warning", AppState.PUBLICISED: "success",
    AppState.PAID: "dark",
}
BORROWER_LABELS = {BorrowerType.INDIVIDUAL: "个人", BorrowerType.PARTNERSHIP: "合伙创业",
                   BorrowerType.SMALL_MICRO: "小微企业"}
LOAN_STATUS_LABELS = {LoanStatus.APPLIED: "申请", LoanStatus.APPROVED: "审批", LoanStatus.DISBURSED: "放款",
                      LoanStatus.REPAYING: "还款中", LoanStatus.REPAID: "还清", LoanStatus.OVERDUE: "逾期"}
ATTACHMENT_LABELS = {AttachmentKind.LICENSE: "营业执照", AttachmentKind.JOBS_PROOF: "带动就业证明",
                     AttachmentKind.BANK_ACCOUNT: "收款银行账户", AttachmentKind.OTHER: "其他材料"}
DECIDER_LABELS = {DeciderLevel.COUNTY: "县级审批", DeciderLevel.CITY: "市级审批"}
ENUM_LABELS = {AppState: STATE_LABELS, BorrowerType: BORROWER_LABELS, LoanStatus: LOAN_STATUS_LABELS,
               AttachmentKind: ATTACHMENT_LABELS, DeciderLevel: DECIDER_LABELS}

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
}
