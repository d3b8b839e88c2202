"""Append-only audit log.

Operations call `record()` in the same transaction as the change they make, so a change and its
audit row commit or roll back together. A refused or failed action is queued with
`record_failure()` and written by the error handler *after* the request's transaction has been
rolled back (writing it through a second connection would deadlock on SQLite).

Sensitive values never reach the log in full: `snapshot()` masks the fields a model lists in
`__audit_masked__` and leaves out secrets (`__audit_excluded__`, and columns ending in
`_cipher`, `_hash` or `_key`). UPDATE and DELETE on the table are refused by a database trigger.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from flask import has_request_context, request
from sqlalchemy import DDL, JSON, BigInteger, ForeignKey, Index, Integer, String, event, inspect, select
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import UTCDateTime, utcnow
from app.extensions import db

RESULT_OK = "ok"
RESULT_DENIED = "denied"
RESULT_FAILED = "failed"

RESULT_LABELS = {RESULT_OK: "成功", RESULT_DENIED: "拒绝", RESULT_FAILED: "失败"}

_SECRET_SUFFIXES = ("_cipher", "_hash", "_key")


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_object", "object_type", "object_id", "id"),
        Index("ix_audit_entries_user_at", "user_id", "at"),
        Index("ix_audit_entries_action_at", "action", "at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str | None] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64))
    changes: Mapped[dict | None] = mapped_column(JSON)
    result: Mapped[str] = mapped_column(String(16), default=RESULT_OK)
    detail: Mapped[str | None] = mapped_column(String(500))

    @property
    def result_label(self) -> str:
        return RESULT_LABELS.get(self.result, self.result)


SQLITE_APPEND_ONLY = [
    "CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries "
    "BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END",
    "CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries "
    "BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END",
]
POSTGRES_APPEND_ONLY = [
    "CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_entries is append-only'; END $$",
    "CREATE TRIGGER audit_entries_no_update_delete BEFORE UPDATE OR DELETE ON audit_entries "
    "FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()",
]

for _sql in SQLITE_APPEND_ONLY:
    event.listen(AuditEntry.__table__, "after_create", DDL(_sql).execute_if(dialect="sqlite"))
for _sql in POSTGRES_APPEND_ONLY:
    event.listen(AuditEntry.__table__, "after_create", DDL(_sql).execute_if(dialect="postgresql"))


# ---------------------------------------------------------------------------------------------
# Snapshots and diffs

def object_type_of(obj: Any) -> str:
    explicit = getattr(obj, "__audit_type__", None)
    if explicit:
        return explicit
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(obj).__name__).lower()


def _jsonable(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "<binary>"
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def snapshot(obj: Any, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Column values of `obj` fit for the audit log: masked where sensitive, secrets left out."""
    masked: dict[str, Callable[[Any], str]] = getattr(obj, "__audit_masked__", {})
    excluded: set[str] = set(getattr(obj, "__audit_excluded__", ())) | {"version", "created_at", "updated_at"}
    out: dict[str, Any] = {}
    for attr in inspect(obj).mapper.column_attrs:
        key = attr.key
        if key in excluded or key.endswith(_SECRET_SUFFIXES):
            continue
        value = getattr(obj, key)
        out[key] = masked[key](value) if key in masked and value is not None else _jsonable(value)
    if extra:
        out.update({k: _jsonable(v) for k, v in extra.items()})
    return out


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """`{field: [old, new]}` for each field whose value changed."""
    keys = list(before) + [k for k in after if k not in before]
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


# ---------------------------------------------------------------------------------------------
# Writing

def _context(actor: Any) -> tuple[int | None, str | None, str | None]:
    address = request.remote_addr if has_request_context() else "cli"
    if actor is None and has_request_context():
        from flask_login import current_user

        if current_user and current_user.is_authenticated:
            actor = current_user
    if actor is None:
        return None, None, address
    return actor.id, actor.username, address


def _entry(action: str, *, actor: Any, target: Any, object_type: str | None, object_id: Any,
           changes: dict | None, result: str, detail: str | None) -> AuditEntry:
    user_id, username, address = _context(actor)
    if target is not None:
        object_type = object_type or object_type_of(target)
        object_id = object_id if object_id is not None else getattr(target, "id", None)
    return AuditEntry(
        at=utcnow(), user_id=user_id, username=username, address=address, action=action,
        object_type=object_type, object_id=None if object_id is None else str(object_id),
        changes=_jsonable(changes) if changes else None, result=result,
        detail=(detail[:500] if detail else None),
    )


def record(action: str, target: Any = None, *, actor: Any = None, object_type: str | None = None,
           object_id: Any = None, changes: dict | None = None, result: str = RESULT_OK,
           detail: str | None = None) -> AuditEntry:
    """Add an audit row to the current transaction (it commits with the change it describes)."""
    entry = _entry(action, actor=actor, target=target, object_type=object_type, object_id=object_id,
                   changes=changes, result=result, detail=detail)
    db.session.add(entry)
    return entry


def record_failure(action: str, target: Any = None, *, actor: Any = None, object_type: str | None = None,
                   object_id: Any = None, changes: dict | None = None, result: str = RESULT_FAILED,
                   detail: str | None = None) -> None:
    """Queue an audit row for a refused or failed action; written after the rollback."""
    entry = _entry(action, actor=actor, target=target, object_type=object_type, object_id=object_id,
                   changes=changes, result=result, detail=detail)
    db.session.info.setdefault("pending_audit_failures", []).append(entry)


def write_pending_failures() -> None:
    """Write queued failure rows in a fresh transaction (call after `db.session.rollback()`)."""
    pending = db.session.info.pop("pending_audit_failures", [])
    if not pending:
        return
    db.session.add_all(pending)
    db.session.commit()


def history(object_type: str, object_id: Any, limit: int = 200) -> list[AuditEntry]:
    """Change history of one record, newest first (shown on record pages to users in scope)."""
    stmt = (
        select(AuditEntry)
        .where(AuditEntry.object_type == object_type, AuditEntry.object_id == str(object_id))
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))
