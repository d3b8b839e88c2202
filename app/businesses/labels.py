"""Chinese labels of the business domain: fields and audit actions (one place).

Enum members carry their own labels (`app.core.enums.LabeledEnum`)."""
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
    "business_kinds_updated": "设置企业类主体类型",
}

# Keys of a business that audit entries name beyond the form fields above.
AUDIT_FIELD_LABELS = {
    "id": "编号",
    "village_id": "登记所在村（社区）",
    "township_id": "乡镇（街道）",
    "county_id": "县（市、区）",
}
