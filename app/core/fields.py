"""Parsing one field of a form or JSON body into a value, collecting Chinese messages.

Each domain's operations pass the field's Chinese label (from its labels module) and a
`FieldErrorCollector`; a bad value adds a message naming the field and yields None, so a whole
body is checked before one 422 is raised.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar

from app.core import clock
from app.core.enums import LabeledEnum
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
        allowed = (enum_cls.describe() if issubclass(enum_cls, LabeledEnum)
                   else "、".join(str(m.value) for m in enum_cls))
        errors.add(name, f"{label}的取值应为 {allowed} 之一。")
        return None


# 2025-12-31, 2025/12/31, 2025.12.31, 2025年12月31日 (one or two digit month and day), 20251231.
_DATE_PARTS = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_DATE_DIGITS = re.compile(r"(\d{4})(\d{2})(\d{2})")
DATE_EXAMPLE = "2025-12-31"


def to_date(value: Any) -> date | None:
    """A date from itself, a datetime, or text in one of the accepted spellings; None if it is none.

    The one date parser: forms, the API, imports and filters all read dates through it."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if value is None:
        return None
    text = str(value).strip().replace("－", "-").replace("／", "/").replace("．", ".")
    match = _DATE_PARTS.fullmatch(text) or _DATE_DIGITS.fullmatch(text)
    if match is None:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def date_format_message(label: str) -> str:
    return f"「{label}」日期格式不正确，例如 {DATE_EXAMPLE}"


def parse_date(value: Any, name: str, label: str, errors: FieldErrorCollector, *, required: bool = False,
               not_in_future: bool = False, min_year: int | None = None) -> date | None:
    """A date given as itself or as text `to_date` reads; optionally not after today and not before
    `min_year`. Blank is None (a message if required)."""
    if is_blank(value):
        if required:
            errors.add(name, f"请填写{label}。")
        return None
    parsed = to_date(value)
    if parsed is None:
        errors.add(name, date_format_message(label))
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
