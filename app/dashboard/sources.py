"""Metrics from the businesses, subsidies and cases domains (issue 7 §1).

Counting rules for new returnee business entities (DOMAIN.md §7):
- the business's registered village decides its unit (`Business.village_id` / `county_id`);
- it counts in the year of its registration (`registered_on`), whatever happened since (a
  business closed later still counts for its year);
- 企业类 = the kinds marked `is_enterprise` in `business_kinds` (data the city edits);
- a founder whose library status is 入乡 (`incomer`) is an 入乡 founder: those businesses are
  shown in their own column and count toward the target only when the year's setting says so.

Sources: the trigger-maintained `village_business_counts` (village, year, kind, 入乡 founder;
a founder's status change moves their businesses' counts) and `business_month_counts`, and
`village_case_counts` for open cases and cases without both "1"s; indexed columns for loans
(county, contract_on) and applications (programme, decided_on|paid_on). The record lists behind
the figures query the businesses themselves with the same rules. Overdue cases come from the
indexed `next_due_on` compared with today, never from a cache.
"""
from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, case, func, or_, select, true

from app.businesses.models import Business, BusinessKindSetting
from app.cases.models import Case
from app.dashboard import metrics
from app.dashboard.metrics import Context, ListKind, Metric, owned_condition, owned_grouping, regions_grouping
from app.dashboard.models import BusinessMonthCount, VillageBusinessCount, VillageCaseCount
from app.extensions import db
from app.persons.models import Person, PersonStatus
from app.regions.models import Region
from app.subsidies import workflow
from app.subsidies.models import Application, AppState, Loan, LoanStatus, Programme


def _year_range(column: Any, year: int) -> Any:
    return and_(column >= date(year, 1, 1), column < date(year + 1, 1, 1))


def _scope(user: Any, model: Any) -> Any:
    from app.core.access.dashboard import record_scope

    return record_scope(user, model)


# ---------------------------------------------------------------------------------------------
# New business entities

INCOMER = Person.status == PersonStatus.INCOMER


def _enterprise_kinds():
    return select(BusinessKindSetting.code).where(BusinessKindSetting.is_enterprise.is_(True))


def business_condition(which: str, ctx: Context) -> Any:
    """Businesses behind `new_entities`, `new_enterprises` or `incomer_entities` (joined to the
    founder as `Person`)."""
    conditions = [_year_range(Business.registered_on, ctx.year)]
    if which == "incomer_entities":
        conditions.append(INCOMER)
    elif not ctx.settings.count_incomers:
        conditions.append(~INCOMER)
    if which == "new_enterprises":
        conditions.append(Business.kind.in_(_enterprise_kinds()))
    return and_(*conditions)


def _business_counts(parent: Region | None, ctx: Context) -> dict[str, dict[int, int]]:
    """The three business figures for the children of `parent`, from the trigger-maintained
    `village_business_counts` (one grouped query over at most a few thousand counter rows)."""
    key = ("businesses", parent.id if parent is not None else None)
    if key not in ctx.memo:
        column, condition = regions_grouping(parent)
        c = VillageBusinessCount
        counted = true() if ctx.settings.count_incomers else c.incomer == 0
        enterprise = c.kind.in_(_enterprise_kinds())
        stmt = (select(column,
                       func.sum(case((counted, c.businesses), else_=0)),
                       func.sum(case((and_(counted, enterprise), c.businesses), else_=0)),
                       func.sum(case((c.incomer == 1, c.businesses), else_=0)))
                .join(Region, Region.id == c.village_id)
                .where(condition, c.year == ctx.year).group_by(column))
        found: dict[str, dict[int, int]] = {"new_entities": {}, "new_enterprises": {}, "incomer_entities": {}}
        for group, entities, enterprises, incomers in db.session.execute(stmt):
            if group is None:
                continue
            found["new_entities"][group] = int(entities or 0)
            found["new_enterprises"][group] = int(enterprises or 0)
            found["incomer_entities"][group] = int(incomers or 0)
        ctx.memo[key] = found
    return ctx.memo[key]


def _business_grouped(which: str) -> Callable[[Region | None, Context], dict[int, int]]:
    def grouped(parent: Region | None, ctx: Context) -> dict[int, int]:
        return _business_counts(parent, ctx)[which]

    return grouped


def _business_records(which: str) -> Callable[[Any, Region, Context], Select]:
    def records(user: Any, region: Region, ctx: Context) -> Select:
        return (select(Business).join(Person, Person.id == Business.founder_id)
                .where(_scope(user, Business), owned_condition(Business, region), business_condition(which, ctx)))

    return records


for _order, _key, _label in ((10, "new_entities", "新增返乡创业主体"), (20, "new_enterprises", "其中企业类"),
                             (30, "incomer_entities", "入乡人员创办")):
    metrics.register_metric(Metric(_key, _label, _business_grouped(_key), _business_records(_key), "businesses",
                                   order=_order))


# ---------------------------------------------------------------------------------------------
# Guaranteed loans issued in the year

ISSUED = (LoanStatus.DISBURSED, LoanStatus.REPAYING, LoanStatus.REPAID, LoanStatus.OVERDUE)


def _loan_condition(ctx: Context) -> Any:
    return and_(_year_range(Loan.contract_on, ctx.year), Loan.status.in_(ISSUED))


def _loans_grouped(parent: Region | None, ctx: Context) -> dict[int, int]:
    column, condition = owned_grouping(Loan, parent)
    stmt = select(column, func.coalesce(func.sum(Loan.amount), 0)).where(condition, _loan_condition(ctx)).group_by(column)
    return {key: int(n) for key, n in db.session.execute(stmt) if key is not None}


def _loan_records(user: Any, region: Region, ctx: Context) -> Select:
    return select(Loan).where(_scope(user, Loan), owned_condition(Loan, region), _loan_condition(ctx))


metrics.register_metric(Metric("loan_amount", "担保贷款发放（元）", _loans_grouped, _loan_records, "loans",
                               money=True, order=40, amount=Loan.amount))


# ---------------------------------------------------------------------------------------------
# Grants approved and paid in the year

APPROVED_STATES = tuple(sorted(workflow.GRANTED_STATES))  # approved and not withdrawn: the one definition


def _grant_condition(which: str, ctx: Context) -> Any:
    if which == "grants_paid":
        return and_(Application.state == AppState.PAID, _year_range(Application.paid_on, ctx.year))
    return and_(Application.state.in_(APPROVED_STATES), _year_range(Application.decided_on, ctx.year))


DECIDED_STATES = APPROVED_STATES + (AppState.REJECTED,)


def decisions(ctx: Context) -> dict[str, Any]:
    """One read of the year's decided applications, shared by the approved counts per county,
    the approved counts and amounts per programme, and the approval-turnaround medians."""
    if "decisions" not in ctx.memo:
        stmt = (select(Application.county_id, Programme.code, Application.state, Application.amount,
                       Application.submitted_on, Application.decided_on)
                .join(Programme, Programme.id == Application.programme_id)
                .where(_year_range(Application.decided_on, ctx.year), Application.state.in_(DECIDED_STATES)))
        approved: dict[int, int] = defaultdict(int)
        by_programme: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
        days: dict[int, list[int]] = defaultdict(list)
        for county_id, code, state, amount, submitted, decided in db.session.execute(stmt):
            if county_id is None:
                continue
            if submitted and decided:
                days[county_id].append((decided - submitted).days)
            if state in APPROVED_STATES:
                approved[county_id] += 1
                by_programme[county_id][code][0] += 1
                by_programme[county_id][code][1] += int(amount or 0)
        ctx.memo["decisions"] = {"approved": dict(approved), "by_programme": by_programme, "days": days}
    return ctx.memo["decisions"]


def _grants_grouped(which: str) -> Callable[[Region | None, Context], dict[int, int]]:
    def grouped(parent: Region | None, ctx: Context) -> dict[int, int]:
        if which == "grants_approved" and parent is None:
            return decisions(ctx)["approved"]
        column, condition = owned_grouping(Application, parent)
        stmt = select(column, func.count()).where(condition, _grant_condition(which, ctx)).group_by(column)
        return {key: int(n) for key, n in db.session.execute(stmt) if key is not None}

    return grouped


def _grant_records(which: str) -> Callable[[Any, Region, Context], Select]:
    def records(user: Any, region: Region, ctx: Context) -> Select:
        return select(Application).where(_scope(user, Application), owned_condition(Application, region),
                                         _grant_condition(which, ctx))

    return records


metrics.register_metric(Metric("grants_approved", "补贴审批通过（笔）", _grants_grouped("grants_approved"),
                               _grant_records("grants_approved"), "applications", order=50))
metrics.register_metric(Metric("grants_paid", "补贴已发放（笔）", _grants_grouped("grants_paid"),
                               _grant_records("grants_paid"), "applications", order=60))


def grants_by_programme(ctx: Context) -> dict[int | None, dict[str, dict[str, int]]]:
    """{county id (None: all): {programme code: {approved, approved_amount, paid, paid_amount}}}."""
    out: dict[int | None, dict[str, dict[str, int]]] = defaultdict(dict)

    def add(county_id, code, key, n, amount):
        for target in (county_id, None):
            entry = out[target].setdefault(code, {"approved": 0, "approved_amount": 0, "paid": 0, "paid_amount": 0})
            entry[key] += int(n)
            entry[f"{key}_amount"] += int(amount or 0)

    for county_id, codes in decisions(ctx)["by_programme"].items():
        for code, (n, amount) in codes.items():
            add(county_id, code, "approved", n, amount)
    paid = (select(Application.county_id, Programme.code, func.count(), func.sum(Application.paid_amount))
            .join(Programme, Programme.id == Application.programme_id)
            .where(Application.state == AppState.PAID, _year_range(Application.paid_on, ctx.year))
            .group_by(Application.county_id, Programme.code))
    for county_id, code, n, amount in db.session.execute(paid):
        add(county_id, code, "paid", n, amount)
    return out


def programmes() -> list[Programme]:
    return list(db.session.scalars(select(Programme).order_by(Programme.sort_order, Programme.id)))


# ---------------------------------------------------------------------------------------------
# Cases (current values)

def _case_counts(value_column: Any) -> Callable[[Region | None, Context], dict[int, int]]:
    def grouped(parent: Region | None, ctx: Context) -> dict[int, int]:
        column, condition = regions_grouping(parent)
        stmt = (select(column, func.coalesce(func.sum(value_column), 0))
                .join(Region, Region.id == VillageCaseCount.village_id).where(condition).group_by(column))
        return {key: int(n) for key, n in db.session.execute(stmt) if key is not None}

    return grouped


UNASSIGNED = or_(Case.specialist_id.is_(None), Case.mentor_id.is_(None))


def _case_records(which: str) -> Callable[[Any, Region, Context], Select]:
    def records(user: Any, region: Region, ctx: Context) -> Select:
        stmt = select(Case).where(_scope(user, Case), owned_condition(Case, region), Case.closed_on.is_(None))
        if which == "unassigned_cases":
            stmt = stmt.where(UNASSIGNED)
        elif which == "overdue_cases":
            stmt = select(Case).where(_scope(user, Case), owned_condition(Case, region), Case.next_due_on < ctx.today)
        return stmt

    return records


def _overdue_grouped(parent: Region | None, ctx: Context) -> dict[int, int]:
    column, condition = owned_grouping(Case, parent)
    # Closed cases carry no due date (cases.operations.recompute_due): the (county|township,
    # next_due_on) indexes answer this count alone.
    stmt = select(column, func.count()).where(condition, Case.next_due_on < ctx.today).group_by(column)
    return {key: int(n) for key, n in db.session.execute(stmt) if key is not None}


metrics.register_metric(Metric("open_cases", "在办服务档案", _case_counts(VillageCaseCount.open_cases),
                               _case_records("open_cases"), "cases", current=True, order=90))
metrics.register_metric(Metric("unassigned_cases", "未配齐“1+1”", _case_counts(VillageCaseCount.unassigned),
                               _case_records("unassigned_cases"), "cases", current=True, order=100))
metrics.register_metric(Metric("overdue_cases", "逾期未跟进", _overdue_grouped, _case_records("overdue_cases"),
                               "cases", current=True, order=110))


def case_stages() -> dict[str, int]:
    """Open cases per stage, city-wide (from the counters)."""
    stmt = select(VillageCaseCount.stage, func.sum(VillageCaseCount.open_cases)).group_by(VillageCaseCount.stage)
    return {stage: int(n) for stage, n in db.session.execute(stmt) if n}


# ---------------------------------------------------------------------------------------------
# Charts' extra series

def new_entities_by_month(year: int, ctx: Context) -> list[int]:
    """City-wide new entities per month of `year` (counting rule of the year's 入乡 setting)."""
    c = BusinessMonthCount
    stmt = select(c.month, func.sum(c.businesses)).where(c.year == year).group_by(c.month)
    if not ctx.settings.count_incomers:
        stmt = stmt.where(c.incomer == 0)
    counts = {int(m): int(n) for m, n in db.session.execute(stmt)}
    return [counts.get(m, 0) for m in range(1, 13)]


def approval_turnaround(ctx: Context) -> dict[int, float]:
    """{county id: median days from submission to decision} for applications decided in the year."""
    return {county_id: float(statistics.median(values)) for county_id, values in decisions(ctx)["days"].items()
            if values}


# ---------------------------------------------------------------------------------------------
# Record lists

def _business_row(b: Business) -> list[Any]:
    from app.persons.views import place

    return [b.name, b.credit_code, b.kind.label, b.registered_on.isoformat(), place(b.village), b.founder.name,
            "入乡" if b.founder.status == PersonStatus.INCOMER else "返乡", b.status.label]


def _loan_row(loan: Loan) -> list[Any]:
    return [loan.person.name, loan.borrower_type.label, loan.amount, loan.contract_on.isoformat(), loan.lender,
            loan.status.label]


def _application_row(a: Application) -> list[Any]:
    return [a.programme.name, a.person.name, a.state.label, a.amount, a.submitted_on.isoformat(),
            a.decided_on.isoformat() if a.decided_on else None, a.paid_on.isoformat() if a.paid_on else None,
            a.paid_amount]


def _case_row(c: Case) -> list[Any]:
    return [c.person.name, c.stage.label, c.opened_on.isoformat(),
            c.specialist.full_name if c.specialist else "未分配", c.mentor.full_name if c.mentor else "未分配",
            c.specialist_due_on.isoformat() if c.specialist_due_on else None,
            c.mentor_due_on.isoformat() if c.mentor_due_on else None]


def _register_lists() -> None:
    from app.core.access.cases import can_view_case
    from app.core.access.subsidies import can_view_application, can_view_business, can_view_loan
    from app.core.pagination import Sort

    metrics.LIST_KINDS["businesses"] = ListKind(
        Sort("registered", Business.registered_on), Business.id,
        ["名称", "统一社会信用代码", "类型", "登记日期", "登记地", "创办人", "返乡/入乡", "状态"], _business_row,
        ("businesses.detail", "business_id", can_view_business))
    metrics.LIST_KINDS["loans"] = ListKind(
        Sort("contract", Loan.contract_on), Loan.id, ["借款人", "类型", "金额（元）", "合同日期", "经办银行", "状态"], _loan_row,
        ("subsidies.loan_detail", "loan_id", can_view_loan))
    metrics.LIST_KINDS["applications"] = ListKind(
        Sort("submitted", Application.submitted_on), Application.id,
        ["项目", "申请人", "状态", "金额（元）", "申请日期", "决定日期", "发放日期", "发放金额（元）"], _application_row,
        ("subsidies.application_detail", "application_id", can_view_application))
    metrics.LIST_KINDS["cases"] = ListKind(
        Sort("opened", Case.opened_on), Case.id, ["服务对象", "阶段", "建档日期", "服务专员", "创业导师",
                                                       # Each "1"'s own clock, named (issue 12 §7).
                                                       "专员联系期限", "导师辅导期限"],
        _case_row, ("cases.detail", "case_id", can_view_case))


_register_lists()
