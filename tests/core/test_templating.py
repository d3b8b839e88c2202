"""Chinese date filters and the per-request code-list memo used by every list page."""
from datetime import date, datetime, timezone

from app.codes import operations as codes
from app.codes.models import CodeList
from app.core.templating import date_cn, datetime_cn


def test_dates_are_shown_in_beijing_time():
    assert date_cn(date(2026, 3, 5)) == "2026年3月5日"
    assert date_cn(None) == "—" and datetime_cn(None, "") == ""
    # 2026-12-31 17:30 UTC is already 1 January in Asia/Shanghai.
    late = datetime(2026, 12, 31, 17, 30, tzinfo=timezone.utc)
    assert datetime_cn(late) == "2027年1月1日 01:30"
    assert date_cn(late) == "2027年1月1日"
    # A naive value is UTC, as the database returns it on SQLite.
    assert datetime_cn(datetime(2026, 11, 28, 2, 5)) == "2026年11月28日 10:05"


def test_code_labels_are_read_once_per_request_and_fresh_after_a_write(app, demo):
    with app.test_request_context("/"):
        before = codes.labels(CodeList.INDUSTRY)
        assert codes.labels(CodeList.INDUSTRY) == before
        codes.create_item(demo["demo_city"], CodeList.INDUSTRY, "drone_service", "无人机植保", 990)
        assert codes.labels(CodeList.INDUSTRY)["drone_service"] == "无人机植保"
        assert "drone_service" in codes.choices(CodeList.INDUSTRY)
    with app.test_request_context("/"):  # a new request reads the lists again
        assert codes.labels(CodeList.INDUSTRY)["drone_service"] == "无人机植保"
