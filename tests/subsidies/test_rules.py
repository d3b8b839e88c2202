"""Table-driven tests of the eligibility criteria and loan caps (pure: no app, no database)."""
from __future__ import annotations

from datetime import date

import pytest

from app.subsidies import rules
from app.subsidies.rules import FAILED, MISSING, PASSED, BusinessFacts, Facts, PersonFacts, add_months
from app.subsidies.seed import PROGRAMMES

STARTUP = next(p for p in PROGRAMMES if p[0] == "startup_once")
CRITERIA, PARAMS, SOURCES = STARTUP[5], STARTUP[7], STARTUP[8]


def facts(*, as_of=date(2026, 7, 1), registered=date(2026, 1, 1), first=True, jobs=2, status="operating",
          closed_on=None, person_status="returned", granted=False, state_on=None):
    return Facts(person=PersonFacts(id=1, status=person_status),
                 business=BusinessFacts(id=1, registered_on=registered, is_first_registration=first, jobs=jobs,
                                        status=status, closed_on=closed_on),
                 as_of=as_of, state_on=state_on or as_of, already_granted=granted)


def run(f):
    return rules.evaluate(CRITERIA, f, PARAMS, SOURCES, seed_clause=STARTUP[6], amount=PARAMS["amount"])


def by_code(result):
    return {c.code: c for c in result.criteria}


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2026, 1, 1), 6, date(2026, 7, 1)),
    (date(2025, 8, 31), 6, date(2026, 2, 28)),  # clamped to the month's end
    (date(2027, 8, 31), 6, date(2028, 2, 29)),  # leap year
    (date(2026, 3, 31), 1, date(2026, 4, 30)),
    (date(2026, 12, 15), 1, date(2027, 1, 15)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
])
def test_calendar_months_clamp_to_month_end(day, months, expected):
    assert add_months(day, months) == expected


# case id, facts overrides, expected status, {criterion: result}, holds_from of operating_months
CASES = [
    ("all met", {}, "eligible", {c: PASSED for c in CRITERIA}, date(2026, 7, 1)),
    ("5 months 30 days", {"as_of": date(2026, 6, 30)}, "ineligible", {"operating_months": FAILED}, date(2026, 7, 1)),
    ("exactly 6 months", {"as_of": date(2026, 7, 1)}, "eligible", {"operating_months": PASSED}, date(2026, 7, 1)),
    ("month end: 31 Aug → 28 Feb, day before", {"registered": date(2025, 8, 31), "as_of": date(2026, 2, 27)},
     "ineligible", {"operating_months": FAILED}, date(2026, 2, 28)),
    ("month end: 31 Aug → 28 Feb", {"registered": date(2025, 8, 31), "as_of": date(2026, 2, 28)},
     "eligible", {"operating_months": PASSED}, date(2026, 2, 28)),
    ("1 job", {"jobs": 1}, "ineligible", {"min_jobs": FAILED}, None),
    ("2 jobs", {"jobs": 2}, "eligible", {"min_jobs": PASSED}, None),
    ("jobs unknown", {"jobs": None}, "incomplete", {"min_jobs": MISSING}, None),
    ("second registration", {"first": False}, "ineligible", {"first_registration": FAILED}, None),
    ("first registration unknown", {"first": None}, "incomplete", {"first_registration": MISSING}, None),
    ("closed business", {"status": "closed", "closed_on": date(2026, 6, 1)}, "ineligible",
     {"still_operating": FAILED}, None),
    ("closed after the check date", {"status": "closed", "closed_on": date(2026, 8, 1)}, "eligible",
     {"still_operating": PASSED}, None),
    ("already granted", {"granted": True}, "ineligible", {"not_granted": FAILED}, None),
    ("still working outside", {"person_status": "working_outside"}, "ineligible", {"returnee": FAILED}, None),
    ("incomer", {"person_status": "incomer"}, "eligible", {"returnee": PASSED}, None),
    ("missing and failing: failing wins", {"jobs": None, "first": False}, "ineligible",
     {"min_jobs": MISSING, "first_registration": FAILED}, None),
]


@pytest.mark.parametrize(("overrides", "status", "expected", "holds_from"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_startup_once_criteria_at_their_boundaries(overrides, status, expected, holds_from):
    result = run(facts(**overrides))
    assert result.status == status
    found = by_code(result)
    for code, outcome in expected.items():
        assert found[code].result == outcome, (code, found[code])
    if holds_from is not None:
        assert found["operating_months"].holds_from == holds_from


def test_every_criterion_explains_itself_in_chinese():
    result = run(facts(as_of=date(2026, 6, 30), jobs=None))
    for c in result.criteria:
        assert c.label and c.actual and c.required and c.clause and c.message
        assert any("\u4e00" <= ch <= "\u9fff" for ch in c.message)
    months = by_code(result)["operating_months"]
    assert "2026年7月1日" in months.message and "6 个月" in months.clause
    # The only failure is time-based: the result says from when it holds (jobs stay missing).
    assert result.holds_from == date(2026, 7, 1)
    assert run(facts(as_of=date(2026, 6, 30), jobs=1)).holds_from is None


def test_still_operating_is_judged_on_state_on():
    # Decision re-check: months as of submission, closure as of the decision.
    f = facts(as_of=date(2026, 7, 1), status="closed", closed_on=date(2026, 8, 1), state_on=date(2026, 8, 10))
    assert by_code(run(f))["still_operating"].result == FAILED
    assert by_code(run(f))["operating_months"].result == PASSED


def test_no_business_is_missing_not_failed():
    f = Facts(person=PersonFacts(id=1, status="returned"), business=None, as_of=date(2026, 7, 1),
              state_on=date(2026, 7, 1))
    assert run(f).status == "incomplete"


LOAN = next(p for p in PROGRAMMES if p[0] == "guaranteed_loan")[7]


@pytest.mark.parametrize(("borrower", "partners", "cap"), [
    ("individual", 1, 200_000),
    ("partnership", 1, 220_000),
    ("partnership", 3, 660_000),  # 110% of 3 × 200,000
    ("partnership", 5, 1_100_000),
    ("small_micro", 1, 3_000_000),
])
def test_loan_caps(borrower, partners, cap):
    assert rules.loan_cap(LOAN, borrower, partners) == cap


@pytest.mark.parametrize(("borrower", "partners", "amount", "term", "result"), [
    ("individual", 1, 200_000, 36, PASSED),
    ("individual", 1, 200_001, 36, FAILED),
    ("partnership", 3, 660_000, 36, PASSED),
    ("partnership", 3, 660_001, 36, FAILED),
    ("small_micro", 1, 3_000_000, 24, PASSED),
    ("small_micro", 1, 3_000_001, 24, FAILED),
])
def test_loan_amount_criterion(borrower, partners, amount, term, result):
    f = Facts(person=PersonFacts(id=1, status="returned", creditworthy=True), business=None,
              as_of=date(2026, 7, 1), state_on=date(2026, 7, 1),
              loan=rules.LoanFacts(borrower_type=borrower, amount=amount, term_months=term, partners=partners))
    out = rules.evaluate(["returnee", "creditworthy", "loan_amount", "loan_term"], f, LOAN, {})
    assert {c.code: c.result for c in out.criteria}["loan_amount"] == result


@pytest.mark.parametrize(("borrower", "term", "result"), [
    ("individual", 36, PASSED), ("individual", 37, FAILED), ("small_micro", 24, PASSED), ("small_micro", 25, FAILED),
])
def test_loan_term_caps(borrower, term, result):
    f = Facts(person=PersonFacts(id=1, status="returned", creditworthy=None), business=None,
              as_of=date(2026, 7, 1), state_on=date(2026, 7, 1),
              loan=rules.LoanFacts(borrower_type=borrower, amount=1000, term_months=term))
    out = rules.evaluate(["creditworthy", "loan_term"], f, LOAN, {})
    assert {c.code: c.result for c in out.criteria} == {"creditworthy": MISSING, "loan_term": result}
    assert out.status == ("incomplete" if result == PASSED else "ineligible")
