"""Keyset pagination ("seek" paging) with opaque cursors. No OFFSET anywhere.

    SORTS = {"name": Sort("name", Person.name_sort), "returned": Sort("returned", Person.returned_on,
             descending=True, nullable=True)}
    page = keyset_page(select(Person).where(...), SORTS["name"], Person.id, cursor, limit=50)
    page.items, page.next_cursor

A page is `WHERE (sort, id) > (:last_sort, :last_id) ORDER BY sort, id LIMIT n + 1`, so page 200
costs what page 1 costs when an index on (filter columns…, sort, id) exists. A nullable sort
column is paged in two segments — every non-null value first (in the requested direction), then
the NULL rows by id — so that NULLs come last on SQLite and PostgreSQL alike and each segment
can still walk the same index.

The cursor is base64url JSON of the sort name and the last row's (sort value, id). It is not
signed: tampering only moves the reader to another position of a list filtered by their scope.
A malformed or foreign cursor raises `FieldErrors` on the field `cursor` (422).

`driven_by_filter=True` orders by `coalesce(sort, sort)` instead of the bare column: same order,
but no index can deliver it, so the database fetches the (few) rows that match a selective
filter first and sorts them. Use it when the filter is a side-table lookup such as a name
search whose matches cluster in one part of the sort order (pinyin prefixes do): walking the
sort index there reads most of the table before it finds a page of matches.
"""
from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, tuple_

from app.core.errors import FieldErrors

T = TypeVar("T")

INVALID_CURSOR = "分页位置无效或已过期，请从第一页重新开始。"


@dataclass(frozen=True)
class Sort:
    """One sort order of a list: its public name, the ORM attribute, direction, NULL handling."""

    name: str
    column: Any
    descending: bool = False
    nullable: bool = False
    label: str = ""


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


# ---------------------------------------------------------------------------------------------
# Cursor encoding

def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot put {type(value).__name__} in a cursor")


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        (tag, text), = value.items()
        if tag == "t" and isinstance(text, str):
            parsed = datetime.fromisoformat(text)
            if parsed.tzinfo is None:
                raise ValueError("naive datetime in cursor")
            return parsed
        if tag == "d" and isinstance(text, str):
            return date.fromisoformat(text)
        raise ValueError("unknown tag")
    if isinstance(value, str) and any(ord(ch) < 32 or 0xD800 <= ord(ch) <= 0xDFFF for ch in value):
        raise ValueError("control character in cursor")
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise ValueError("bad cursor value")


def encode_cursor(sort_name: str, values: list[Any] | tuple[Any, ...]) -> str:
    payload = json.dumps({"s": sort_name, "v": [_encode_value(v) for v in values]},
                         separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(token: str, sort_name: str, size: int = 2) -> list[Any]:
    """The values in a cursor made for `sort_name`; `FieldErrors` on `cursor` otherwise."""
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        if not isinstance(data, dict) or data.get("s") != sort_name:
            raise ValueError("cursor of another list")
        values = data.get("v")
        if not isinstance(values, list) or len(values) != size:
            raise ValueError("bad cursor shape")
        return [_decode_value(v) for v in values]
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise FieldErrors.single("cursor", INVALID_CURSOR) from None


# ---------------------------------------------------------------------------------------------
# Paging

def _ordered(stmt: Select, sort: Sort, column: Any, tiebreak: Any, *, nulls: bool) -> Select:
    if nulls:
        return stmt.order_by(tiebreak.desc() if sort.descending else tiebreak.asc())
    if sort.descending:
        return stmt.order_by(column.desc(), tiebreak.desc())
    return stmt.order_by(column.asc(), tiebreak.asc())


def _after(sort: Sort, column: Any, tiebreak: Any, value: Any, last_id: Any):
    pair = tuple_(column, tiebreak)
    return pair < (value, last_id) if sort.descending else pair > (value, last_id)


def _fits(sort: Sort, value: Any) -> bool:
    """A tampered cursor must not reach SQL with a value of another type than the column's."""
    if value is None:
        return True
    column_type = sort.column.type
    try:
        expected = column_type.python_type
        if expected is object and hasattr(column_type, "impl_instance"):  # a TypeDecorator
            expected = column_type.impl_instance.python_type
    except NotImplementedError:  # pragma: no cover - exotic column types
        return True
    if expected is date:
        return type(value) is date
    return isinstance(value, expected) and not isinstance(value, bool)


def keyset_page(stmt: Select, sort: Sort, tiebreak: Any, cursor: str | None, limit: int, *,
                driven_by_filter: bool = False) -> Page:
    """One page of `stmt` (a `select(Model)` with its filters) in `sort` order after `cursor`."""
    from app.extensions import db

    column = func.coalesce(sort.column, sort.column) if driven_by_filter else sort.column
    value, last_id, in_nulls = None, None, False
    if cursor:
        value, last_id = decode_cursor(cursor, sort.name)
        in_nulls = value is None
        if in_nulls and not sort.nullable:
            raise FieldErrors.single("cursor", INVALID_CURSOR)
        if last_id is None or not isinstance(last_id, int):
            raise FieldErrors.single("cursor", INVALID_CURSOR)

        if not -(2**63) < last_id < 2**63 or not _fits(sort, value):
            raise FieldErrors.single("cursor", INVALID_CURSOR)

    rows: list[Any] = []
    if not in_nulls:
        seg = stmt.where(sort.column.is_not(None)) if sort.nullable else stmt
        if cursor:
            seg = seg.where(_after(sort, column, tiebreak, value, last_id))
        rows = list(db.session.scalars(_ordered(seg, sort, column, tiebreak, nulls=False).limit(limit + 1)))
    if sort.nullable and len(rows) <= limit:
        seg = stmt.where(sort.column.is_(None))
        if in_nulls:
            seg = seg.where(tiebreak < last_id if sort.descending else tiebreak > last_id)
        rows += list(db.session.scalars(
            _ordered(seg, sort, column, tiebreak, nulls=True).limit(limit + 1 - len(rows))))

    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = encode_cursor(sort.name, [getattr(last, sort.column.key), getattr(last, tiebreak.key)])
    return Page(items=rows[:limit], next_cursor=next_cursor)
