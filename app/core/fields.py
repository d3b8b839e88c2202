"""Parsing one field of a form or JSON body into a value, collecting Chinese messages.

Each domain's operations pass the field's Chinese label (from its labels module) and a
`FieldErrorCollector`; a bad value adds a message naming the field and yields None, so a whole
body is checked before one 422 is raised.
"""
from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any, TypeVar

from app.core import clock
from app.core.errors import FieldErrorCollector
from app.core.validators import is_blank

E = TypeVar("E", bound=Enum)


def parse_enum(enum_cls: type[E], value: Any, name: str, label: str, errors: FieldErrorCollector, *,
               required: bool = False) -> E | None:
    """A member of `enum_cls` given as itself or as its value; blank is None (a message if required)."""
    if is_blank(value):
        if required:
            errors.add(name, f"请选择{label}。")
        return None
    if isinstance(value, enum_cls):
        return value
    try:
        return enum_cls(str(value).strip())
    except ValueError:
        allowed = "、".join(str(m.value) for m in enum_cls)
        errors.add(name, f"{label}的取值应为 {allowed} 之一。")
        return None


def parse_date(value: Any, name: str, label: str, errors: FieldErrorCollector, *, required: bool = False,
               not_in_future: bool = False, min_year: int | None = None) -> date | None:
    """A date given as itself or as YYYY-MM-DD; optionally not after today and not before `min_year`."""
    if is_blank(value):
        if required:
            errors.add(name, f"请填写{label}。")
        return None
    if isinstance(value, date):
        parsed = value
    else:
        try:
            parsed = date.fromisoformat(str(value).strip())
        except ValueError:
            errors.add(name, f"{label}格式应为 YYYY-MM-DD。")
            return None
    if not_in_future and parsed > clock.today():
        errors.add(name, f"{label}不能晚于今天。")
        return None
    if min_year is not None and parsed.year < min_year:
        errors.add(name, f"{label}不正确。")
        return None
    return parsed


def parse_reason(value: Any, *, limit: int, required: bool = True, name: str = "reason", label: str = "原因",
                 missing: str | None = None) -> str | None:
    """A free-text reason (archive, reveal, reject …): trimmed, no control characters, at most
    `limit` characters; blank is None, or refused with `missing` when required. Raises one
    `FieldErrors` naming the field."""
    from app.core.errors import FieldErrors
    from app.core.validators import has_unsafe_chars

    text = "" if value is None else str(value).strip()
    if has_unsafe_chars(text, multiline=True):
        raise FieldErrors.single(name, f"{label}含有无法保存的控制字符，请删除后重试。")
    if not text:
        if required:
            raise FieldErrors.single(name, missing or f"请填写{label}。")
        return None
    if len(text) > limit:
        raise FieldErrors.single(name, f"{label}不能超过 {limit} 个字。")
    return text
