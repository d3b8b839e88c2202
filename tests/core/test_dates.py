"""The one date parser and the one date field: accepted spellings, refusals, the Chinese message."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from app.core.errors import FieldErrorCollector
from app.core.fields import parse_date, to_date
from app.core.form_fields import DateField
from app.core.templating import date_cn

DEC_31 = date(2025, 12, 31)


@pytest.mark.parametrize("text", [
    "2025-12-31", "2025/12/31", "2025.12.31", "20251231", "2025年12月31日", " 2025-12-31 ",
    "2025 年 12 月 31 日", "2025－12－31", "2025／12／31",
])
def test_accepted_spellings(text):
    assert to_date(text) == DEC_31


@pytest.mark.parametrize("text, expected", [
    ("2026-1-8", date(2026, 1, 8)), ("2026/1/8", date(2026, 1, 8)), ("2026年1月8日", date(2026, 1, 8)),
    ("2024-02-29", date(2024, 2, 29)),
])
def test_short_month_and_day(text, expected):
    assert to_date(text) == expected


@pytest.mark.parametrize("text", [
    "2025-13-01", "2025-02-30", "2025-12", "31/12/2025", "12/31/2025", "2025-12-31x", "202511",
    "2025123", "明天", "2025-12-31 10:00", "", "   ", "2023-02-29",
])
def test_refused_spellings(text):
    assert to_date(text) is None


def test_dates_and_datetimes_pass_through():
    assert to_date(DEC_31) == DEC_31
    assert to_date(datetime(2025, 12, 31, 10, 0)) == DEC_31
    assert to_date(None) is None


def test_parse_date_names_the_field_in_chinese():
    errors = FieldErrorCollector()
    assert parse_date("2025/13/01", "returned_on", "返乡时间", errors) is None
    assert errors.fields == {"returned_on": ["「返乡时间」日期格式不正确，例如 2025-12-31"]}


def test_parse_date_required_and_bounds():
    errors = FieldErrorCollector()
    assert parse_date("", "due_on", "办理时限", errors, required=True) is None
    assert parse_date("1800.01.01", "born", "出生日期", errors, min_year=1900) is None
    assert parse_date("20251231", "ok", "日期", errors) == DEC_31
    assert errors.fields == {"due_on": ["请填写办理时限。"], "born": ["出生日期不正确。"]}


class _Form(FlaskForm):
    class Meta:
        csrf = False

    day = DateField("返乡时间")


@pytest.mark.parametrize("text", ["2025-12-31", "2025/12/31", "2025.12.31", "20251231", "2025年12月31日"])
def test_date_field_reads_every_spelling(app, text):
    with app.test_request_context():
        form = _Form(MultiDict({"day": text}))
        assert form.validate()
        assert form.day.data == DEC_31


def test_date_field_keeps_bad_text_and_says_why(app):
    with app.test_request_context():
        form = _Form(MultiDict({"day": "2025-02-30"}))
        assert not form.validate()
        assert form.day.errors == ["「返乡时间」日期格式不正确，例如 2025-12-31"]
        html = form.day()
        assert 'value="2025-02-30"' in html and 'type="text"' in html
        assert _Form(MultiDict({"day": ""})).validate()


def test_date_field_shows_a_stored_date(app):
    with app.test_request_context():
        form = _Form(data={"day": DEC_31})
        assert 'value="2025-12-31"' in form.day()


def test_date_cn_reads_dates_kept_as_text():
    assert date_cn(DEC_31) == "2025年12月31日"
    assert date_cn("2025-12-31") == "2025年12月31日"
    assert date_cn("") == "—"
    assert date_cn("不详") == "不详"
