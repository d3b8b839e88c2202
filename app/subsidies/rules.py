"""Eligibility criteria: pure functions in a registry keyed by code (issue 6 §2–§3).

A programme's criteria list (data, `Programme.criteria`) names codes of `CRITERIA`; each function
takes the facts (`Facts`, plain values read beforehand) and the rule version's parameters and
answers one `CriterionResult`: passed / failed / missing, the value found, the value required, the
policy clause and a Chinese sentence, and for time-based criteria the date from which it holds.
Nothing here touches the database, the clock or the request.
"""
from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from app.core.templating import date_cn
from app.persons.models import PersonStatus
from app.subsidies.models import LoanStatus
from app.subsidies.params import clause_of

PASSED, FAILED, MISSING = "passed", "failed", "missing"
ELIGIBLE, INELIGIBLE, INCOMPLETE = "eligible", "ineligible", "incomplete"
STATUS_LABELS = {ELIGIBLE: "符合条件", INELIGIBLE: "不符合条件", INCOMPLETE: "资料不全"}
RESULT_LABELS = {PASSED: "符合", FAILED: "不符合", MISSING: "缺少数据"}

RETURNEE_STATUSES = {"returned", "incomer", "founded"}


def add_months(day: date, months: int) -> date:
    """Calendar months, clamped to the month's end (31 Aug + 6 months = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class PersonFacts:
    id: int | None
    status: str  # PersonStatus value
    creditworthy: bool | None = None


@dataclass(frozen=True)
class BusinessFacts:
    id: int | None
    registered_on: date
    is_first_registration: bool | None
    jobs: int | None
    status: str = "operating"
    closed_on: date | None = None
    in_city: bool = True


@dataclass(frozen=True)
class LoanFacts:
    borrower_type: str  # individual | partnership | small_micro
    amount: int
    term_months: int
    partners: int = 1
    status: str = "applied"


@dataclass(frozen=True)
class Facts:
    """Everything the criteria may look at. `as_of` judges time-based criteria; `state_on` judges
    "still operating" (the decision date at a re-check, otherwise `as_of`)."""

    person: PersonFacts
    business: BusinessFacts | None
    as_of: date
    state_on: date
    already_granted: bool = False  # this programme granted to the person or the business
    quota_used: int = 0  # this programme's approvals in the year of `as_of`
    loan: LoanFacts | None = None


@dataclass
class CriterionResult:
    code: str
    label: str
    result: str
    actual: str
    required: str
    clause: str
    message: str
    holds_from: date | None = None

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["holds_from"] = self.holds_from.isoformat() if self.holds_from else None
        return out


@dataclass
class Criterion:
    code: str
    label: str
    fn: Callable[[Facts, dict], tuple[str, str, str, str, date | None]]
    # parameter whose source clause is quoted (None: the programme's seed clause)
    clause_param: str | None = None
    collect_hint: str = ""  # what staff should collect when the result is missing


CRITERIA: dict[str, Criterion] = {}


def criterion(code: str, label: str, clause_param: str | None = None, collect_hint: str = ""):
    """Register `fn(facts, params) -> (result, actual, required, message, holds_from)`."""

    def register(fn):
        CRITERIA[code] = Criterion(code, label, fn, clause_param, collect_hint)
        return fn

    return register


def _yes(value: bool | None) -> str:
    return "未知" if value is None else ("是" if value else "否")


@criterion("returnee", "返乡入乡人员")
def _returnee(f: Facts, p: dict):
    status = f.person.status
    actual = PersonStatus.label_of(status)
    required = "已返乡 / 入乡 / 已创业"
    if status in RETURNEE_STATUSES:
        return PASSED, actual, required, "创办人属于返乡入乡人员。", None
    return FAILED, actual, required, f"创办人状态为“{actual}”，不属于返乡入乡人员。", None


@criterion("first_registration", "创办人首次办理注册登记", collect_hint="核实是否为创办人首次办理工商注册登记")
def _first_registration(f: Facts, p: dict):
    required = "是"
    if f.business is None:
        return MISSING, "未关联经营主体", required, "需要关联经营主体才能判断是否首次登记。", None
    value = f.business.is_first_registration
    if value is None:
        return MISSING, "未知", required, "尚未登记是否为创办人首次办理注册登记，请核实补充。", None
    if value:
        return PASSED, "是", required, "该主体是创办人首次办理注册登记。", None
    return FAILED, "否", required, "该主体不是创办人首次办理注册登记。", None


@criterion("operating_months", "正常经营满规定月数", clause_param="min_operating_months")
def _operating_months(f: Facts, p: dict):
    months = int(p.get("min_operating_months", 6))
    required = f"≥ {months} 个月"
    if f.business is None:
        return MISSING, "未关联经营主体", required, "需要关联经营主体才能计算经营时长。", None
    holds_from = add_months(f.business.registered_on, months)
    actual = f"{date_cn(f.business.registered_on)} 登记"
    if f.as_of >= holds_from:
        return PASSED, actual, required, f"截至 {date_cn(f.as_of)} 已正常经营满 {months} 个月。", holds_from
    return (FAILED, actual, required,
            f"截至 {date_cn(f.as_of)} 经营未满 {months} 个月，自 {date_cn(holds_from)} 起满足。", holds_from)


@criterion("still_operating", "仍在正常经营")
def _still_operating(f: Facts, p: dict):
    required = "经营中"
    if f.business is None:
        return MISSING, "未关联经营主体", required, "需要关联经营主体。", None
    b = f.business
    closed = b.status == "closed" and (b.closed_on is None or b.closed_on <= f.state_on)
    if closed:
        when = f"（{date_cn(b.closed_on)} 注销）" if b.closed_on else ""
        return FAILED, f"已注销{when}", required, "该主体已注销，不再正常经营。", None
    return PASSED, "经营中", required, f"截至 {date_cn(f.state_on)} 仍在经营。", None


@criterion("min_jobs", "带动就业人数（含本人）", clause_param="min_jobs", collect_hint="收集带动就业人数（含创办人本人）及证明")
def _min_jobs(f: Facts, p: dict):
    minimum = int(p.get("min_jobs", 2))
    required = f"≥ {minimum} 人"
    if f.business is None:
        return MISSING, "未关联经营主体", required, "需要关联经营主体。", None
    jobs = f.business.jobs
    if jobs is None:
        return MISSING, "未登记", required, "尚未登记带动就业人数，请收集后补充。", None
    if jobs >= minimum:
        return PASSED, f"{jobs} 人", required, f"带动就业 {jobs} 人（含本人），达到 {minimum} 人。", None
    return FAILED, f"{jobs} 人", required, f"带动就业 {jobs} 人（含本人），少于 {minimum} 人。", None


@criterion("not_granted", "此前未享受过该项补贴")
def _not_granted(f: Facts, p: dict):
    required = "未享受过"
    if f.already_granted:
        return FAILED, "已享受", required, "该人员或该主体已享受过此项补贴，不能重复享受。", None
    return PASSED, "未享受", required, "该人员和该主体此前均未享受过此项补贴。", None


@criterion("registered_in_city", "在宜昌市登记注册")
def _registered_in_city(f: Facts, p: dict):
    required = "宜昌市内"
    if f.business is None:
        return MISSING, "未关联经营主体", required, "需要关联经营主体。", None
    if f.business.in_city:
        return PASSED, "宜昌市内", required, "该主体在宜昌市内登记注册。", None
    return FAILED, "市外", required, "该主体不在宜昌市内登记注册。", None


@criterion("within_quota", "年度名额", clause_param="yearly_quota")
def _within_quota(f: Facts, p: dict):
    quota = p.get("yearly_quota")
    if quota is None:
        return PASSED, f"已认定 {f.quota_used} 个", "不限", "本年度未设名额上限。", None
    required = f"本年度 ≤ {quota} 个"
    if f.quota_used < int(quota):
        return PASSED, f"已认定 {f.quota_used} 个", required, f"本年度尚余 {int(quota) - f.quota_used} 个名额。", None
    return FAILED, f"已认定 {f.quota_used} 个", required, "本年度名额已用完。", None


@criterion("creditworthy", "有信誉（三有评估）", collect_hint="完成“有信誉”评估（征信情况）")
def _creditworthy(f: Facts, p: dict):
    value = f.person.creditworthy
    if value is None:
        return MISSING, "未评估", "是", "尚未完成“有信誉”评估，请补充。", None
    if value:
        return PASSED, "是", "是", "三有评估为有信誉。", None
    return FAILED, "否", "是", "三有评估为无信誉，不能申请担保贷款。", None


def loan_cap(params: dict, borrower_type: str, partners: int = 1) -> int:
    """The amount cap of a guaranteed loan (元): individual cap; 合伙创业 up to
    `partnership_uplift_pct`% (default 110%) of partners × the individual cap; 小微企业 its own cap."""
    individual = int(params.get("individual_cap", 200_000))
    if borrower_type == "small_micro":
        return int(params.get("small_micro_cap", 3_000_000))
    if borrower_type == "partnership":
        pct = int(params.get("partnership_uplift_pct", 110))
        return individual * max(partners, 1) * pct // 100
    return individual


def loan_term_cap(params: dict, borrower_type: str) -> int:
    if borrower_type == "small_micro":
        return int(params.get("enterprise_term_months", 24))
    return int(params.get("individual_term_months", 36))


@criterion("loan_amount", "贷款额度不超过上限", clause_param="individual_cap", collect_hint="补充贷款申请信息（金额、期限、借款人类型）")
def _loan_amount(f: Facts, p: dict):
    if f.loan is None:
        return MISSING, "未填写", "不超过上限", "尚未填写贷款金额和借款人类型。", None
    cap = loan_cap(p, f.loan.borrower_type, f.loan.partners)
    required = f"≤ {cap:,} 元"
    if f.loan.amount <= cap:
        return PASSED, f"{f.loan.amount:,} 元", required, f"申请 {f.loan.amount:,} 元，未超过上限 {cap:,} 元。", None
    return FAILED, f"{f.loan.amount:,} 元", required, f"申请 {f.loan.amount:,} 元，超过上限 {cap:,} 元。", None


@criterion("loan_term", "贷款期限不超过上限", clause_param="individual_term_months")
def _loan_term(f: Facts, p: dict):
    if f.loan is None:
        return MISSING, "未填写", "不超过上限", "尚未填写贷款期限。", None
    cap = loan_term_cap(p, f.loan.borrower_type)
    required = f"≤ {cap} 个月"
    if f.loan.term_months <= cap:
        return PASSED, f"{f.loan.term_months} 个月", required, "贷款期限未超过上限。", None
    return FAILED, f"{f.loan.term_months} 个月", required, f"贷款期限超过 {cap} 个月。", None


@criterion("loan_disbursed", "已发放创业担保贷款")
def _loan_disbursed(f: Facts, p: dict):
    required = "已放款 / 还款中 / 已还清"
    if f.loan is None:
        return MISSING, "未关联贷款", required, "需要关联一笔创业担保贷款。", None
    if f.loan.status in ("disbursed", "repaying", "repaid", "overdue"):
        return PASSED, LoanStatus.label_of(f.loan.status), required, "贷款已发放，可按期计算贴息。", None
    return FAILED, LoanStatus.label_of(f.loan.status), required, "贷款尚未发放，暂不能贴息。", None


@dataclass
class CheckResult:
    status: str
    amount: int | None
    rule_version: str
    rule_version_id: int | None
    as_of: date
    criteria: list[CriterionResult] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def holds_from(self) -> date | None:
        """When the only failures are time-based: the date from which all of them hold."""
        failed = [c for c in self.criteria if c.result == FAILED]
        if failed and all(c.holds_from for c in failed):
            return max(c.holds_from for c in failed)  # type: ignore[type-var]
        return None

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "amount": self.amount, "rule_version": self.rule_version,
                "rule_version_id": self.rule_version_id, "as_of": self.as_of.isoformat(),
                "criteria": [c.as_dict() for c in self.criteria]}


def evaluate(criteria: list[str], facts: Facts, params: dict, sources: dict, *, seed_clause: str = "",
             rule_version: str = "", rule_version_id: int | None = None, amount: int | None = None) -> CheckResult:
    """Run the listed criteria; eligible when all pass, ineligible when one fails, else incomplete."""
    results = []
    for code in criteria:
        crit = CRITERIA[code]
        result, actual, required, message, holds_from = crit.fn(facts, params)
        clause = (clause_of(crit.clause_param, sources) if crit.clause_param else "") or seed_clause
        results.append(CriterionResult(code, crit.label, result, actual, required, clause, message, holds_from))
    if any(r.result == FAILED for r in results):
        status = INELIGIBLE
    elif any(r.result == MISSING for r in results):
        status = INCOMPLETE
    else:
        status = ELIGIBLE
    return CheckResult(status, amount, rule_version, rule_version_id, facts.as_of, results)
