"""Chinese labels of the business domain (one place)."""
from app.businesses.models import BusinessKind, BusinessStatus

KIND_LABELS = {
    BusinessKind.INDIVIDUAL: "个体工商户",
    BusinessKind.LLC: "有限责任公司",
    BusinessKind.SOLE_PROPRIETORSHIP: "个人独资企业",
    BusinessKind.PARTNERSHIP: "合伙企业",
    BusinessKind.COOPERATIVE: "农民专业合作社",
    BusinessKind.FAMILY_FARM: "家庭农场",
    BusinessKind.FAMILY_FOREST: "家庭林场",
    BusinessKind.OTHER: "其他",
}
STATUS_LABELS = {BusinessStatus.OPERATING: "经营中", BusinessStatus.CLOSED: "已注销"}
ENUM_LABELS = {BusinessKind: KIND_LABELS, BusinessStatus: STATUS_LABELS}

FIELD_LABELS = {
    "founder_id": "创办人",
    "name": "主体名称",
    "kind": "主体类型",
    "credit_code": "统一社会信用代码",
    "registered_on": "首次登记日期",
    "is_first_registration": "是否创办人首次登记",
    "village_code": "登记所在村（社区）",
    "industry": "行业",
    "jobs": "带动就业人数",
    "park": "所在园区",
    "status": "经营状态",
    "closed_on": "注销日期",
}

AUDIT_ACTION_LABELS = {
    "business_created": "登记经营主体",
    "business_updated": "修改经营主体",
}
