"""Pages of the targets dashboard: the target table with charts, drill-down by region, the
records behind a figure, XLSX exports, the A4 print view and the city's yearly settings."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.core import audit, clock
from app.core.access import dashboard as access
from app.core.access import rule
from app.core.access.roles import Role
from app.core.access.scope import deny
from app.core.errors import VERSION_NEW, FieldErrors, Forbidden, NotFound
from app.core.forms import int_or_none, submit_form
from app.core.records import get as get_record
from app.dashboard import charts, exports, labels, queries, sources
from app.dashboard import operations as ops
from app.dashboard.forms import SettingsForm
from app.dashboard.models import TargetCode
from app.extensions import db
from app.regions.models import Region, RegionLevel

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")


@bp.app_template_filter("dash_count")
def count_filter(value) -> str:
    """`12,345` for the dashboard's many integer cells (the same text as the `number` filter for
    integers, without a Babel call per cell)."""
    if value is None:
        return "—"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.1f}"


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year() -> int:
    return queries.parse_year(request.args.get("year"))


def _scope_label() -> str:
    home = current_user.region
    return home.full_name if home is not None else ""


def _columns(year: int) -> list[dict]:
    """The metric columns of the target table, in order, with their header labels."""
    past = year < clock.today().year
    return [{"key": m.key, "label": m.label + ("（当前）" if m.current and past else ""), "money": m.money}
            for m in queries.METRICS.values()]


def _page_context(year: int) -> dict:
    rows = queries.target_table(current_user, year)
    return {
        "year": year, "rows": rows, "columns": _columns(year), "labels": labels,
        "progress": queries.PROGRESS_METRIC in queries.METRICS,
        "settings": queries.settings_for(year), "other_targets": ops.other_targets(year),
        "target_codes": list(TargetCode), "percent": queries.percent,
        "past": year < clock.today().year, "today": clock.today(),
        "elapsed": queries.elapsed_share(year, clock.today()),
        "charts": charts.for_target_table(rows, year), "programmes": sources.programmes(),
        "scope_label": _scope_label(), "can_set": access.can_set_targets(current_user),
        "years": list(range(clock.today().year + 1, queries.FIRST_YEAR - 1, -1)),
    }


@bp.route("/")
@rule(access.DASHBOARD_ROLES)
def index():
    try:
        year = _year()
    except FieldErrors as error:
        flash(error.fields["year"][0], "warning")
        return redirect(url_for("dashboard.index"))
    return render_template("dashboard/index.html", **_page_context(year))


@bp.route("/print")
@rule(access.DASHBOARD_ROLES)
def print_view():
    """The dashboard laid out for A4 landscape paper (tables only, charts beside as tables)."""
    year = _year()
    return render_template("dashboard/print.html", **_page_context(year))


@bp.route("/export.xlsx")
@rule(access.DASHBOARD_ROLES)
def export_table():
    year = _year()
    rows = queries.target_table(current_user, year)
    columns = _columns(year)
    progress = queries.PROGRESS_METRIC in queries.METRICS
    header = ["代码", "县（市、区）", "基数", "基数来源", "目标（2%）"]
    if progress:
        header += ["完成率", "状态"]
    header += [c["label"] for c in columns]
    out = []
    for row in rows:
        line = [row.code, row.name, row.baseline, labels.BASELINE_SOURCE_LABELS.get(row.baseline_source, "多种来源")
                if row.baseline is not None else "无基数", row.target]
        if progress:
            line += [queries.percent(row.progress), labels.STATUS_LABELS[row.status]]
        line += [row.values.get(c["key"]) for c in columns]
        out.append(line)
    data = exports.workbook(f"返乡创业总体目标进度表（{year} 年）", year, _scope_label(), header, out)
    return _xlsx(data, f"总体目标_{year}.xlsx")


def _xlsx(data: bytes, filename: str) -> Response:
    from urllib.parse import quote

    response = Response(data, mimetype=XLSX)
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


# ---------------------------------------------------------------------------------------------
# Drill-down

def _region(region_id: int) -> Region:
    region = get_record(Region, region_id)
    if region is None:
        raise NotFound()
    if not access.can_drill(current_user, region):
        raise deny("region", region_id, current_user)
    return region


def _metric(key: str) -> queries.Metric:
    metric = queries.METRICS.get(key)
    if metric is None or metric.records is None:
        raise NotFound()
    return metric


def _breadcrumbs(region: Region) -> list[Region]:
    trail = []
    home = current_user.region
    for ancestor_id in (region.county_id, region.township_id):
        if ancestor_id and ancestor_id != region.id:
            ancestor = db.session.get(Region, ancestor_id)
            if ancestor is not None and access.can_drill(current_user, ancestor):
                trail.append(ancestor)
    if home is not None and home.level == RegionLevel.CITY and region.level != RegionLevel.CITY:
        trail.insert(0, home)
    return trail


@bp.route("/regions/<int:region_id>")
@rule(access.DASHBOARD_ROLES, sample="dashboard_region")
def region(region_id: int):
    region = _region(region_id)
    year = _year()
    rows, totals = queries.drill(region, year)
    return render_template("dashboard/region.html", region=region, year=year, rows=rows, totals=totals,
                           columns=_columns(year), trail=_breadcrumbs(region), labels=labels,
                           at_village=region.level == RegionLevel.TOWNSHIP,
                           listable={k for k, m in queries.METRICS.items() if m.records is not None})


@bp.route("/regions/<int:region_id>/<metric_key>")
@rule(access.DASHBOARD_ROLES, sample="dashboard_records")
def records(region_id: int, metric_key: str):
    region = _region(region_id)
    metric = _metric(metric_key)
    year = _year()
    stmt = queries.records(current_user, region, metric, year)
    total = queries.count(stmt)
    amount = queries.amount_total(stmt, metric.amount) if metric.money and metric.amount is not None else None
    page = queries.record_page(metric, stmt, request.args.get("cursor") or None, current_app.config["PAGE_SIZE"])
    return render_template("dashboard/records.html", region=region, metric=metric, year=year, total=total,
                           amount=amount, page=page, kind=queries.LIST_KINDS[metric.list_kind],
                           trail=_breadcrumbs(region) + [region], past=year < clock.today().year)


@bp.route("/regions/<int:region_id>/<metric_key>/export.xlsx")
@rule(access.DASHBOARD_ROLES, sample="dashboard_records")
def export_records(region_id: int, metric_key: str):
    region = _region(region_id)
    metric = _metric(metric_key)
    year = _year()
    stmt = queries.records(current_user, region, metric, year)
    header, rows = queries.record_rows(metric, stmt)
    data = exports.workbook(f"{metric.label}名单 · {region.full_name}", year, _scope_label(), header, rows)
    # A list of named records leaves the system (masked): recorded like the person exports.
    audit.record("dashboard_export", actor=current_user, object_type="region", object_id=region.id,
                 detail=f"{metric.label}名单（{year} 年），{queries.count(stmt)} 条")
    db.session.commit()
    return _xlsx(data, f"{metric.label}_{region.name}_{year}.xlsx")


# ---------------------------------------------------------------------------------------------
# The city's yearly settings

@bp.route("/settings", methods=["GET", "POST"])
@rule({Role.CITY_ADMIN})
def settings():
    if not access.can_set_targets(current_user):
        raise Forbidden("只有市级管理员可以设置年度目标。")
    year = _year()
    current = queries.settings_for(year)
    others = ops.other_targets(year)
    form = SettingsForm()
    if request.method == "GET":
        form.count_incomers.data = current.count_incomers
        form.loan_target.data = current.loan_target
        form.version.data = current.version or VERSION_NEW
        for code in TargetCode:
            getattr(form, code.value).data = others.get(code, labels.TARGET_DEFAULTS.get(code))

    def save() -> None:
        values = ops.YearSettings(
            count_incomers=bool(form.count_incomers.data), loan_target=form.loan_target.data,
            targets={code: getattr(form, code.value).data for code in TargetCode})
        ops.save_year_settings(current_user, year, values, expected_version=int_or_none(form.version.data))

    done = submit_form(form, save, success=f"{year} 年度目标已保存。",
                       next_url=lambda _: url_for("dashboard.index", year=year))
    return done or render_template("dashboard/settings.html", form=form, year=year, target_codes=list(TargetCode),
                                   labels=labels)
