"""The one source of "now". Tests move time with `frozen()`; nothing else calls datetime.now().

"Today", overdue and year boundaries are reckoned in Asia/Shanghai (DOMAIN.md §1).
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")

_frozen: datetime | None = None
_offset: timedelta = timedelta(0)


def now() -> datetime:
    """Aware UTC datetime."""
    if _frozen is not None:
        return _frozen + _offset
    return datetime.now(timezone.utc) + _offset


def local_now() -> datetime:
    return now().astimezone(LOCAL_TZ)


def today() -> date:
    """Today's date in Asia/Shanghai."""
    return local_now().date()


def local_day_start(day: date) -> datetime:
    """UTC instant at which `day` begins in Asia/Shanghai."""
    return datetime(day.year, day.month, day.day, tzinfo=LOCAL_TZ).astimezone(timezone.utc)


@contextmanager
def frozen(at: datetime | date) -> Iterator[_Clock]:
    """Freeze time (tests). A date means 10:00 local time on that day."""
    global _frozen, _offset
    if isinstance(at, date) and not isinstance(at, datetime):
        at = datetime(at.year, at.month, at.day, 10, tzinfo=LOCAL_TZ)
    if at.tzinfo is None:
        raise ValueError("frozen() needs an aware datetime")
    saved = (_frozen, _offset)
    _frozen, _offset = at.astimezone(timezone.utc), timedelta(0)
    try:
        yield _Clock()
    finally:
        _frozen, _offset = saved


class _Clock:
    def advance(self, delta: timedelta) -> None:
        global _offset
        _offset += delta

    def set(self, at: datetime) -> None:
        global _frozen, _offset
        _frozen, _offset = at.astimezone(timezone.utc), timedelta(0)
