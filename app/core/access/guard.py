"""The before_request hook that enforces every route's declared rule (deny by default)."""
from __future__ import annotations

import logging

from flask import current_app, flash, g, redirect, request, url_for
from flask_login import current_user

from app.core import audit
from app.core.access.rules import is_static_endpoint, rule_for
from app.core.errors import Forbidden, Unauthorized, is_api_request
from app.extensions import csrf

log = logging.getLogger("app.access")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def bearer_presented() -> bool:
    return request.headers.get("Authorization", "").startswith("Bearer ")


def _safe_next() -> str:
    """Where to return after signing in: the path only, never the query (it may carry filters)."""
    return request.path if request.method == "GET" else "/"


def enforce():
    endpoint = request.endpoint
    if endpoint is None or is_static_endpoint(endpoint):
        return None  # unknown URL (404/405 follow) or a static file
    declared = rule_for(current_app, endpoint, request.method)
    if declared is None:
        log.error("route %s %s has no access rule; refused", request.method, endpoint)
        raise Forbidden("此功能尚未配置访问规则，已拒绝访问。")

    if (request.method not in SAFE_METHODS and not bearer_presented()
            and current_app.config.get("WTF_CSRF_ENABLED", True)):
        csrf.protect()

    if declared.public:
        return None

    if not current_user.is_authenticated:
        if is_api_request():
            raise Unauthorized()
        if g.get("session_end_reason") in ("idle", "absolute"):
            flash("登录已超时，请重新登录。", "warning")
        else:
            flash("请先登录。", "warning")
        return redirect(url_for("auth.login", next=_safe_next()))

    if current_user.must_change_password and not declared.during_password_change:
        if is_api_request():
            raise Forbidden("请先在网页上修改初始密码，再使用接口。")
        flash("为了账户安全，请先修改密码。", "warning")
        return redirect(url_for("auth.change_password"))

    if not declared.allows_role(current_user.roles):
        audit.record_failure("access_denied", actor=current_user, object_type="route",
                             object_id=endpoint, result=audit.RESULT_DENIED,
                             detail=f"{request.method} {request.path}")
        raise Forbidden()
    return None
