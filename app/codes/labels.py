"""Chinese labels of the shared code lists: audit actions and the fields audit entries name."""
from __future__ import annotations

FIELD_LABELS = {
    "id": "编号",
    "list_name": "代码表",
    "code": "代码",
    "label": "名称",
    "sort_order": "排序",
    "is_active": "启用",
    "source": "来源",
}

AUDIT_ACTION_LABELS = {
    "code_create": "新增代码项",
    "code_update": "修改代码项",
}
