"""Chinese labels of the region domain: audit actions and the fields audit entries name."""
from __future__ import annotations

FIELD_LABELS = {
    "id": "编号",
    "code": "区划代码",
    "name": "名称",
    "level": "级别",
    "parent": "上级区划",
    "parent_id": "上级区划",
    "path": "层级路径",
    "county_id": "县（市、区）",
    "township_id": "乡镇（街道）",
    "is_management_zone": "管理区",
}

AUDIT_ACTION_LABELS = {
    "region_create": "新增区划",
    "region_move": "调整区划隶属",
}
