"""Chart definitions for the dashboard: plain data that `static/js/dashboard.js` draws with the
vendored ECharts, and that the page also prints as a table beside each chart (screen readers,
paper). Each chart is {"id", "title", "kind": "bar"|"line", "categories", "series": [{name, data}]}.
"""
from __future__ import annotations

from typing import Any

from app.dashboard import queries

CHART_PROVIDERS: list[Any] = []  # later sources add (rows, year) -> chart | None


def _progress(rows: list[queries.TargetRow], year: int) -> dict | None:
    counties = [r for r in rows if not r.is_total]
    if queries.PROGRESS_METRIC in queries.METRICS:
        return {"id": "chart-progress", "title": f"{year} 年各县新增返乡创业主体与目标", "kind": "bar",
                "categories": [r.name for r in counties],
                "series": [{"name": "目标（2%）", "data": [r.target for r in counties]},
                           {"name": "新增主体", "data": [r.values.get(queries.PROGRESS_METRIC) for r in counties]}]}
    return None


def _library(rows: list[queries.TargetRow], year: int) -> dict:
    counties = [r for r in rows if not r.is_total]
    return {"id": "chart-library", "title": "各县信息库人数与三有人员（当前）", "kind": "bar",
            "categories": [r.name for r in counties],
            "series": [{"name": "信息库人数", "data": [r.values.get("people") for r in counties]},
                       {"name": "三有人员", "data": [r.values.get("sanyou") for r in counties]}]}


def for_target_table(rows: list[queries.TargetRow], year: int) -> list[dict]:
    charts = [c for c in (_progress(rows, year), _library(rows, year)) if c]
    for provider in CHART_PROVIDERS:
        chart = provider(rows, year)
        if chart:
            charts.append(chart)
    return charts
