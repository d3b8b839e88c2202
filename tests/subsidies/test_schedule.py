"""The interest-subsidy schedule (pure): LPR fixed at contract, LPR − 150BP, overdue periods."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.subsidies import schedule

RATES = [(date(2024, 7, 22), 335), (date(2024, 10, 21), 310), (date(2025, 5, 20), 300)]


def test_lpr_is_the_one_published_before_the_contract_date():
    assert schedule.lpr_for(date(2025, 5, 20), RATES) == 310  # published that day: not yet "before"
    assert schedule.lpr_for(date(2025, 5, 21), RATES) == 300
    assert schedule.lpr_for(date(2024, 1, 1), RATES) is None


def test_borrower_bears_at_most_lpr_minus_150bp():
    assert schedule.rates(rate_bp=345, lpr_bp=310) == (160, 185)
    assert schedule.rates(rate_bp=100, lpr_bp=310) == (100, 0)  # rate below LPR − 150: nothing to subsidise
    assert schedule.rates(rate_bp=500, lpr_bp=300) == (150, 200)  # subsidised only up to LPR + 50BP


def test_schedule_periods_and_totals():
    s = schedule.build(200_000, 12, date(2025, 1, 31), rate_bp=360, lpr_bp=310)
    assert len(s.periods) == 12
    first, second = s.periods[0], s.periods[1]
    assert (first.start, first.end) == (date(2025, 1, 31), date(2025, 2, 28))
    assert second.start == date(2025, 2, 28) and second.end == date(2025, 3, 31)
    assert first.interest == Decimal("600.00")  # 200,000 × 3.60% / 12
    assert first.borrower_part == Decimal("266.67")  # 1.60%
    assert first.subsidy == Decimal("333.33")  # 2.00%
    assert s.total_subsidy == Decimal("333.33") * 12
    assert s.total_interest == s.total_subsidy + s.total_borrower


def test_an_lpr_change_after_the_contract_does_not_move_the_schedule():
    before = schedule.build(100_000, 6, date(2025, 5, 10), rate_bp=310, lpr_bp=schedule.lpr_for(date(2025, 5, 10), RATES))
    later_rates = RATES + [(date(2025, 9, 22), 250)]
    after = schedule.build(100_000, 6, date(2025, 5, 10), rate_bp=310,
                           lpr_bp=schedule.lpr_for(date(2025, 5, 10), later_rates))
    assert before.lpr_bp == after.lpr_bp == 310
    assert before.periods == after.periods


def test_no_subsidy_for_overdue_periods():
    s = schedule.build(120_000, 4, date(2025, 6, 1), rate_bp=300, lpr_bp=300, overdue_periods=[2, 3])
    assert [p.overdue for p in s.periods] == [False, True, True, False]
    assert [p.subsidy for p in s.periods] == [Decimal("150.00"), Decimal("0.00"), Decimal("0.00"), Decimal("150.00")]
    assert s.periods[1].borrower_part == s.periods[1].interest == Decimal("300.00")
