"""Jinja filters and globals shared by every template: Chinese dates, numbers, navigation."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

from flask import Flask, has_request_context, request, url_for
from flask_babel import format_decimal
from flask_login import current_user

from app.core import clock, nav, widgets
from app.core.fields import to_date


def _local(value: datetime) -> datetime:
    """An instant in Asia/Shanghai; a naive datetime is UTC (as stored), like Babel's rule."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(clock.LOCAL_TZ)


def date_cn(value: date | datetime | str | None, empty: str = "—") -> str:
    """2026年11月28日 (a datetime: its day in Asia/Shanghai; a date stored as text in a JSON
    snapshot is read with the one date parser, other text is shown as it is).

    Formatted directly rather than through Babel: a list page shows a hundred dates and
    Babel's pattern formatting cost about 0.2 ms each."""
    if value is None or value == "":
        return empty
    if isinstance(value, str):
        parsed = to_date(value)
        if parsed is None:
            return value
        value = parsed
    if isinstance(value, datetime):
        value = _local(value)
    return f"{value.year}年{value.month}月{value.day}日"


def datetime_cn(value: datetime | None, empty: str = "—") -> str:
    """2026年11月28日 10:05 (Asia/Shanghai)"""
    if value is None:
        return empty
    value = _local(value)
    return f"{value.year}年{value.month}月{value.day}日 {value.hour:02d}:{value.minute:02d}"


def number(value: int | float | Decimal | None, empty: str = "—") -> str:
    if value is None:
        return empty
    return format_decimal(value)


def money(value: int | float | Decimal | None, empty: str = "—") -> str:
    """5,000 元"""
    if value is None:
        return empty
    return f"{format_decimal(value, format='#,##0.##')} 元"


def url_with(**changes) -> str:
    """The current page's URL with some query arguments changed (filters, paging)."""
    args = request.args.to_dict(flat=False)
    for key, value in changes.items():
        if value is None or value == "":
            args.pop(key, None)
        else:
            args[key] = [value]
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def row_url(endpoint: str, key: str):
    """`id -> URL of endpoint` for the rows of a list: `url_for` once per page rather than once
    per row (`{% set person_url = row_url('persons.detail', 'person_id') %}`, then
    `person_url(p.id)`). For endpoints whose only argument is an integer id."""
    marker = 2147483647
    prefix, _, suffix = url_for(endpoint, **{key: marker}).partition(str(marker))
    return lambda value: f"{prefix}{int(value)}{suffix}"


def init_templating(app: Flask) -> None:
    app.jinja_env.filters.update(date_cn=date_cn, datetime_cn=datetime_cn, number=number, money=money)
    app.jinja_env.globals.update(url_with=url_with, row_url=row_url)
    widgets.install()

    @app.context_processor
    def _globals():
        return {
            "app_name": app.config["APP_NAME"],
            "nav_menu": nav.menu_for(current_user, request.endpoint if has_request_context() else None),
            "today": clock.today(),
        }
