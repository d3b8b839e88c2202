"""Pure rules of the target table: 2% rounded up, the share of the year elapsed, status colours."""
from __future__ import annotations

from datetime import date

import pytest

from app.dashboard.queries import elapsed_share, progress_status, target_for


@pytest.mark.parametrize(("baseline", "target"), [
    (None, None), (0, 0), (1, 1), (49, 1), (50, 1), (51, 2), (100, 2), (101, 3), (12345, 247), (12350, 247),
    (12351, 248),
])
def test_target_is_two_percent_rounded_up(baseline, target):
    assert target_for(baseline) == target


def test_elapsed_share():
    assert elapsed_share(2025, date(2026, 3, 1)) == 1.0
    assert elapsed_share(2027, date(2026, 3, 1)) == 0.0
    assert elapsed_share(2026, date(2026, 12, 31)) == 1.0
    assert elapsed_share(2026, date(2026, 1, 1)) == pytest.approx(1 / 365)


def test_no_county_is_red_on_5_january():
    elapsed = elapsed_share(2026, date(2026, 1, 5))
    assert progress_status(0.0, elapsed) == "ahead"


def test_status_compares_progress_with_the_year_elapsed():
    mid = elapsed_share(2026, date(2026, 7, 2))  # about half the year
    assert progress_status(0.5, mid) == "ahead"
    assert progress_status(0.40, mid) == "behind"
    assert progress_status(0.20, mid) == "late"
    assert progress_status(None, mid) == "none"
    assert progress_status(1.2, 1.0) == "ahead"
    assert progress_status(0.5, 1.0) == "late"
