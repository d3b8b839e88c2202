"""Domain errors and how they become responses (DOMAIN.md §1 status codes).

Operations raise these; views and the API let them propagate. The handlers roll back the
request's transaction, write any queued audit rows for the refused action, and answer in Chinese:
an HTML page for the browser, `{"error": {"code", "message", "fields"}}` under `/api/`.
Database error texts quote raw key values, so they are never shown, stored or logged.
"""
from __future__ import annotations

import logging
import uuid
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, flash, g, jsonify, redirect, render_template, request
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

log = logging.getLogger("app.errors")


class AppError(Exception):
    status = 400
    code = "bad_request"
    default_message = "请求有误。"

    def __init__(self, message: str | None = None, *, fields: dict[str, list[str]] | None = None):
        self.message = message or self.default_message
        self.fields = fields or {}
        super().__init__(self.message)


class BadRequest(AppError):
    status = 400
    code = "bad_request"
    default_message = "请求格式不正确。"


class Unauthorized(AppError):
    status = 401
    code = "unauthorized"
    default_message = "请先登录，或提供有效的访问令牌。"


class Forbidden(AppError):
    status = 403
    code = "forbidden"
    default_message = "您的角色无权执行此操作。"


class NotFound(AppError):
    status = 404
    code = "not_found"
    default_message = "未找到该记录，或它不在您的管辖范围内。"


class Conflict(AppError):
    status = 409
    code = "conflict"
    default_message = "操作与记录当前状态冲突。"


class StaleRecord(Conflict):
    code = "stale"
    default_message = "此记录已被他人修改，请刷新页面查看最新内容后再保存。"


class FieldErrors(AppError):
    """422: one or more fields are invalid. `fields` maps field name -> Chinese messages."""

    status = 422
    code = "validation"
    default_message = "提交的内容有误，请按提示修改。"

    @classmethod
    def single(cls, field: str, message: str) -> FieldErrors:
        return cls(fields={field: [message]})


class FieldErrorCollector:
    """Collects field messages while a whole body is checked, then raises them together (422)."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.fields.setdefault(name, []).append(message)

    def raise_if_any(self) -> None:
        if self.fields:
            raise FieldErrors(fields=self.fields)


class TooManyRequests(AppError):
    status = 429
    code = "too_many_requests"
    default_message = "请求过于频繁，请稍后再试。"


VERSION_MISSING = "缺少版本号（version）：请刷新页面，在最新内容上重新提交。"
# `version` sent by a form or API client that saw no record yet (create-or-update pages).
VERSION_NEW = 0


def check_version(obj: Any, expected: int | None) -> None:
    """Refuse a save not based on the stored copy: no version given answers 422 (field `version`;
    no caller may skip the check), a version other than the stored one 409 (stale copy).
    `obj` None is a record not created yet: only `VERSION_NEW` (0) matches it."""
    if expected is None or isinstance(expected, bool) or not isinstance(expected, int):
        raise FieldErrors(VERSION_MISSING, fields={"version": [VERSION_MISSING]})
    stored = VERSION_NEW if obj is None else getattr(obj, "version", None)
    if stored != expected:
        raise StaleRecord()


HTTP_MESSAGES = {
    400: "请求格式不正确。",
    401: "请先登录。",
    403: "您无权访问此页面。",
    404: "页面不存在，或记录不在您的管辖范围内。",
    405: "不支持此请求方式。",
    409: "操作与记录当前状态冲突。",
    413: "上传的文件过大。",
    422: "提交的内容有误。",
    429: "请求过于频繁，请稍后再试。",
    500: "系统内部错误。",
}

HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "too_large", 422: "validation",
              429: "too_many_requests", 500: "internal"}

# marshmallow / webargs messages -> Chinese (the API's field errors are shown to users).
_FIELD_MESSAGES = {
    "Missing data for required field.": "此项为必填项。",
    "Unknown field.": "不支持的字段。",
    "Field may not be null.": "此项不能为空。",
    "Not a valid string.": "应为文本。",
    "Not a valid integer.": "应为整数。",
    "Not a valid number.": "应为数字。",
    "Not a valid boolean.": "应为 true 或 false。",
    "Not a valid date.": "日期格式应为 YYYY-MM-DD。",
    "Not a valid datetime.": "时间格式不正确。",
    "Not a valid list.": "应为列表。",
    "Invalid input type.": "数据类型不正确。",
    "Invalid value.": "取值不正确。",
}


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def translate_field_message(message: str) -> str:
    if message in _FIELD_MESSAGES:
        return _FIELD_MESSAGES[message]
    if message.startswith("Must be one of"):
        return "取值不在允许范围内。"
    if message.startswith("Length must be") or message.startswith("Shorter than") or message.startswith("Longer than"):
        return "长度不符合要求。"
    if message.startswith("Must be greater") or message.startswith("Must be less"):
        return "数值超出允许范围。"
    # Messages raised by our own validators are already Chinese.
    if any("\u4e00" <= ch <= "\u9fff" for ch in message):
        return message
    return "格式不正确。"


def flatten_marshmallow(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """`{"json": {"name": ["..."]}}` -> `{"name": ["此项为必填项。"]}` (location level dropped)."""
    out: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            key = str(key)
            if not prefix and key in {"json", "query", "form", "files", "headers", "view_args"}:
                for k, v in flatten_marshmallow(value, "").items():
                    out.setdefault(k, []).extend(v)
                continue
            name = f"{prefix}.{key}" if prefix else key
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                out.setdefault(name, []).extend(translate_field_message(v) for v in value)
            else:
                for k, v in flatten_marshmallow(value, name).items():
                    out.setdefault(k, []).extend(v)
    elif isinstance(messages, list):
        out.setdefault(prefix or "_schema", []).extend(translate_field_message(str(m)) for m in messages)
    return out


def _json_error(status: int, code: str, message: str, fields: dict | None = None):
    body: dict[str, Any] = {"error": {"code": code, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    response = jsonify(body)
    response.status_code = status
    return response


def _html_error(status: int, message: str, incident: str | None = None):
    template = f"errors/{status}.html" if status in (403, 404, 500) else "errors/generic.html"
    return render_template(template, status=status, message=message, incident=incident), status


def reset_transaction() -> None:
    """Roll back the request's transaction, then write the audit rows queued for refused actions."""
    from app.core import audit
    from app.extensions import db

    try:
        db.session.rollback()
    except SQLAlchemyError:  # pragma: no cover - connection already broken
        log.warning("rollback failed while handling an error")
    audit.write_pending_failures()


def _caused_by_database(error: BaseException | None) -> bool:
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, DBAPIError):
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


def _same_site_referrer() -> str | None:
    """The page a browser form was sent from, when it is a page of this site (path and query)."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host or not referrer.path.startswith("/") or referrer.path.startswith("//"):
        return None
    return referrer.path + (f"?{referrer.query}" if referrer.query else "")


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(AppError)
    def handle_app_error(error: AppError):
        reset_transaction()
        if is_api_request():
            return _json_error(error.status, error.code, error.message, error.fields)
        return _html_error(error.status, error.message)

    @app.errorhandler(StaleDataError)
    def handle_stale(error: StaleDataError):
        reset_transaction()
        stale = StaleRecord()
        if is_api_request():
            return _json_error(stale.status, stale.code, stale.message)
        return _html_error(stale.status, stale.message)

    @app.errorhandler(HTTPException)
    def handle_http(error: HTTPException):
        status = error.code or 500
        if status >= 400:
            reset_transaction()
        message = HTTP_MESSAGES.get(status, error.description or "请求有误。")
        fields = None
        data = getattr(error, "data", None)
        if isinstance(data, dict) and "messages" in data:  # webargs / flask-smorest validation
            fields = flatten_marshmallow(data["messages"])
            if status == 400:
                message = "请求体不是有效的 JSON。"
        if error.__class__.__name__ == "CSRFError":
            message = "表单已过期或缺少安全校验码（CSRF），请刷新页面后重试。"
            back = None if is_api_request() else _same_site_referrer()
            if back is not None:  # a stale page's form: back to that page with the message
                flash("表单已过期，未保存。页面已刷新，请重新填写后提交。", "danger")
                return redirect(back, 303)
        if is_api_request():
            return _json_error(status, HTTP_CODES.get(status, "error"), message, fields)
        if status == 401:
            return _html_error(401, message)
        return _html_error(status, message)

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        incident = uuid.uuid4().hex[:12]
        if _caused_by_database(error):
            # The driver's message quotes raw key values (ID numbers): log only its type.
            log.error("incident %s: database error %s", incident, type(error).__name__)
        else:
            log.exception("incident %s: unexpected error", incident)
        g.incident = incident
        reset_transaction()
        if is_api_request():
            return _json_error(500, "internal", f"系统内部错误，事件编号 {incident}。")
        return _html_error(500, HTTP_MESSAGES[500], incident)
