"""Chinese labels of users and sign-in: audit actions and the fields audit entries name."""
from __future__ import annotations

FIELD_LABELS = {
    "id": "编号",
    "username": "用户名",
    "full_name": "姓名",
    "region_id": "所属区域",
    "must_change_password": "须修改密码",
    "is_active_account": "账户启用",
    "deactivated_at": "停用时间",
    "roles": "角色",
    "mentor_level": "导师层级",
    "mentor_category": "导师类别",
    "mentor_capacity": "可同时服务人数",
    "mentor_expertise": "擅长行业",
    "name": "名称",
}

AUDIT_ACTION_LABELS = {
    "login": "登录",
    "login_failed": "登录失败",
    "login_locked": "锁定期间尝试登录",
    "account_locked": "账户锁定",
    "logout": "退出登录",
    "token_create": "新建接口令牌",
    "token_revoke": "撤销接口令牌",
    "password_change": "修改密码",
    "password_reset": "重置密码",
    "user_create": "新建用户",
    "user_update": "修改用户",
    "user_deactivate": "停用用户",
    "user_reactivate": "恢复用户",
    "access_denied": "越权访问被拒绝",
}
