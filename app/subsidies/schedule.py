"""The interest-subsidy schedule of a guaranteed loan (贷款贴息, issue 6 §7). Pure functions.

- The 1-year LPR published before the contract date is fixed for the loan (a later LPR change does
  not move it): `lpr_for(contract_on, rates)`.
- The borrower bears at most LPR − 150BP (never below 0); the government pays the rest of the
  contract rate, up to LPR + `max_rate_over_lpr_bp` (default 50BP: 财金〔2020〕21号 caps the rate
  of a subsidised loan there).
- Interest is paid monthly on the full principal (先息后本); a period in which the borrower was
  overdue gets no subsidy: the borrower bears all of its interest.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from app.subsidies.rules import add_months

BORROWER_DISCOUNT_BP = 150
CENT = Decimal("0.01")


def lpr_for(contract_on: date, rates: Iterable[tuple[date, int]]) -> int | None:
    """The 1-year LPR (bp) in force before the contract date: the latest published strictly before it."""
    before = [(published, bp) for published, bp in rates if published < contract_on]
    return max(before)[1] if before else None


@dataclass(frozen=True)
class Period:
    number: int
    start: date
    end: date
    interest: Decimal
    borrower_part: Decimal
    subsidy: Decimal
    overdue: bool


@dataclass(frozen=True)
class Schedule:
    lpr_bp: int
    rate_bp: int
    borrower_rate_bp: int
    subsidy_rate_bp: int
    periods: list[Period]

    @property
    def total_interest(self) -> Decimal:
        return sum((p.interest for p in self.periods), Decimal(0))

    @property
    def total_subsidy(self) -> Decimal:
        return sum((p.subsidy for p in self.periods), Decimal(0))

    @property
    def total_borrower(self) -> Decimal:
        return sum((p.borrower_part for p in self.periods), Decimal(0))


def rates(rate_bp: int, lpr_bp: int, max_over_lpr_bp: int = 50) -> tuple[int, int]:
    """(borrower bp, government bp) of the annual rate."""
    borrower = min(rate_bp, max(lpr_bp - BORROWER_DISCOUNT_BP, 0))
    subsidised_up_to = min(rate_bp, lpr_bp + max_over_lpr_bp)
    return borrower, max(subsidised_up_to - borrower, 0)


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def build(amount: int, term_months: int, contract_on: date, rate_bp: int, lpr_bp: int, *,
          overdue_periods: Iterable[int] = (), max_over_lpr_bp: int = 50) -> Schedule:
    borrower_bp, subsidy_bp = rates(rate_bp, lpr_bp, max_over_lpr_bp)
    overdue = set(overdue_periods)
    periods = []
    monthly = Decimal(amount) / Decimal(12) / Decimal(10_000)
    for n in range(1, term_months + 1):
        interest = _money(monthly * rate_bp)
        if n in overdue:
            subsidy = Decimal("0.00")
        else:
            subsidy = _money(monthly * subsidy_bp)
        periods.append(Period(n, add_months(contract_on, n - 1), add_months(contract_on, n), interest,
                              interest - subsidy, subsidy, n in overdue))
    return Schedule(lpr_bp, rate_bp, borrower_bp, subsidy_bp, periods)
