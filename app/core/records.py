"""Primary keys from URLs and request bodies: integer columns hold 1 … 2**31 - 1, so anything
outside that range is simply "not found" (never a database overflow error)."""
from __future__ import annotations

from typing import Any, TypeVar

from app.extensions import db

T = TypeVar("T")
MAX_ID = 2**31 - 1


def valid_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def get(model: type[T], obj_id: Any) -> T | None:
    """`db.session.get` for an id from outside; None when it cannot be a row id."""
    return db.session.get(model, obj_id) if valid_id(obj_id) else None
