"""Chart definitions for the dashboard: plain data that `static/js/dashboard.js` draws with the
vendored ECharts, and that the page also prints as a table beside each chart (screen readers,
paper). Each chart is {"id", "title", "kind": "bar"|"line", "categories", "category_label",
"series": [{name, data}]}.
"""
from __future__ import annotations

from app.core import clock
from app.dashboard import queries, sources


def _counties(rows: list[queries.TargetRow]) -> list[queries.TargetRow]:
    return [r for r in rows if not r.is_total]


def progress(rows: list[queries.TargetRow], year: int) -> dict:
    counties = _counties(rows)
    return {"id": "chart-progress", "title": f"{year} 年各县新增返乡创业主体与目标", "kind": "bar",
            "categories": [r.name for r in counties],
            "series": [{"name": "目标（2%）", "data": [r.target for r in counties]},
                       {"name": "新增主体", "data": [r.values.get("new_entities") for r in counties]}]}


def by_month(year: int) -> dict:
    ctx = queries.Context(year, queries.settings_for(year), clock.today())
    last = queries.Context(year - 1, queries.settings_for(year - 1), clock.today())
    return {"id": "chart-months", "title": f"新增返乡创业主体（按月）：{year} 年与 {year - 1} 年", "kind": "line",
            "category_label": "月份", "categories": [f"{m} 月" for m in range(1, 13)],
            "series": [{"name": f"{year} 年", "data": sources.new_entities_by_month(year, ctx)},
                       {"name": f"{year - 1} 年", "data": sources.new_entities_by_month(year - 1, last)}]}


def case_stages() -> dict:
    from app.cases.models import CaseStage

    counts = sources.case_stages()
    stages = [s for s in CaseStage if s != CaseStage.CLOSED]
    return {"id": "chart-stages", "title": "在办服务档案（按阶段，当前）", "kind": "bar", "category_label": "阶段",
            "categories": [s.label for s in stages],
            "series": [{"name": "档案数", "data": [counts.get(s.value, 0) for s in stages]}]}


def turnaround(rows: list[queries.TargetRow], year: int) -> dict:
    counties = _counties(rows)
    ctx = rows[-1].context if rows and rows[-1].context is not None else \
        queries.Context(year, queries.settings_for(year), clock.today())
    medians = sources.approval_turnaround(ctx)
    return {"id": "chart-turnaround", "title": f"{year} 年补贴审批用时（申请至决定，中位数，天）", "kind": "bar",
            "categories": [r.name for r in counties],
            "series": [{"name": "中位天数", "data": [medians.get(r.region.id) if r.region else None for r in counties]}]}


def for_target_table(rows: list[queries.TargetRow], year: int) -> list[dict]:
    return [progress(rows, year), by_month(year), case_stages(), turnaround(rows, year)]
