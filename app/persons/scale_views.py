"""Pages of issue 4 on the persons blueprint: import (template, preview, commit, error report),
export of the filtered list (masked; unmasked with a reason) and the year-end baselines."""
from __future__ import annotations

import io

from flask import current_app, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select

from app.core import clock
from app.core.access import COUNTY_AND_ABOVE, REGION_ROLES, TOWNSHIP_AND_ABOVE, Role, rule
from app.core.access import person_scale as access
from app.core.errors import VERSION_NEW, AppError, Conflict, FieldErrors
from app.core.forms import apply_field_errors, int_or_none, restore, submit_action, submit_form
from app.core.templating import date_cn
from app.extensions import db
from app.persons import baselines, exports, imports, queries
from app.persons.models import ImportStatus, PersonImport
from app.persons.scale_forms import BaselineForm, ComputeForm, ExportReasonForm, ImportForm
from app.persons.views import bp
from app.regions.models import Region, RegionLevel
from app.regions.operations import by_code

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(data, name: str):
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    return send_file(stream, mimetype=XLSX, as_attachment=True, download_name=name)


# ---------------------------------------------------------------------------------------------
# Import


def _load_batch(batch_id: int) -> PersonImport:
    return access.load_import(current_user, batch_id)


@bp.route("/imports", methods=["GET", "POST"])
@rule(TOWNSHIP_AND_ABOVE)
def imports_index():
    form = ImportForm()

    def preview() -> PersonImport:
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            raise FieldErrors.single("file", "请选择要导入的文件。")
        return imports.preview_import(current_user, upload.stream, upload.filename)

    done = submit_form(form, preview, success=None,
                       next_url=lambda batch: url_for("persons.import_batch", batch_id=batch.id))
    return done or render_template("persons/imports.html", form=form, batches=imports.visible_batches(current_user),
                                   labels=imports.HEADER_LABELS)


@bp.route("/imports/template")
@rule(TOWNSHIP_AND_ABOVE)
def import_template():
    return _xlsx(imports.template_xlsx(), "人员信息导入模板.xlsx")


@bp.route("/imports/<int:batch_id>")
@rule(TOWNSHIP_AND_ABOVE, sample="person_import")
def import_batch(batch_id: int):
    batch = _load_batch(batch_id)
    shown = (batch.errors or [])[:200]
    return render_template("persons/import_batch.html", batch=batch, errors=shown, form=ImportForm(),
                           can_commit=access.can_commit_import(current_user, batch)
                           and batch.status == ImportStatus.PREVIEWED)


@bp.route("/imports/<int:batch_id>/commit", methods=["POST"])
@rule(TOWNSHIP_AND_ABOVE, sample="person_import", expect={"demo_city": 403, "demo_county": 403})
def import_commit(batch_id: int):
    batch = _load_batch(batch_id)
    page = url_for("persons.import_batch", batch_id=batch.id)

    def apply() -> PersonImport:
        try:
            imports.commit_import(current_user, batch)
            db.session.flush()
        except AppError:
            raise
        except Exception as error:  # any write failure: nothing applied; record it on the batch
            db.session.rollback()
            current_app.logger.exception("import %s failed", batch_id)
            imports.mark_failed(batch_id, current_user, f"导入失败，数据库未作任何修改：{type(error).__name__}")
            db.session.commit()
            raise Conflict("导入失败，数据库未作任何修改。请稍后重试或联系管理员。") from None
        return batch

    response = submit_action(
        apply, back_url=page, section=None, next_url=page,
        success=lambda b: f"已导入：新增 {b.rows_new} 人，更新 {b.rows_updated} 人，未通过 {b.rows_refused} 行。")
    if batch.status == ImportStatus.COMMITTED:  # applied: the uploaded file is no longer needed
        imports.discard_file(batch)
    return response


@bp.route("/imports/<int:batch_id>/errors.xlsx")
@rule(TOWNSHIP_AND_ABOVE, sample="person_import")
def import_errors(batch_id: int):
    batch = _load_batch(batch_id)
    return _xlsx(imports.error_report_xlsx(batch), f"导入批次{batch.id}-错误报告.xlsx")


# ---------------------------------------------------------------------------------------------
# Export


def _filters_or_422():
    filters, errors = queries.parse_filters(request.args)
    if errors:
        raise FieldErrors(fields=errors)
    return filters


@bp.route("/export")
@rule(REGION_ROLES)
def export():
    """The current filtered list, every page, masked."""
    result = exports.export_people(current_user, _filters_or_422())
    db.session.commit()
    return _xlsx(result.file, result.file_name)


@bp.route("/export/full", methods=["GET", "POST"])
@rule(COUNTY_AND_ABOVE)
def export_full():
    """Unmasked export after a reason (county officers, city admins); watermarked and audited."""
    filters = _filters_or_422()
    form = ExportReasonForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                result = exports.export_people(current_user, filters, unmasked=True, reason=form.reason.data)
            except FieldErrors as error:
                apply_field_errors(form, error)
                status = 422
            else:
                db.session.commit()
                return _xlsx(result.file, result.file_name)
        else:
            status = 422
    return render_template("persons/export_full.html", form=form, described=exports.describe_filters(filters)), status


# ---------------------------------------------------------------------------------------------
# Baselines


def _year_arg(value) -> int:
    year = int_or_none(value)
    return year if year is not None and baselines.MIN_YEAR <= year <= clock.today().year + 1 else clock.today().year


@bp.route("/baselines")
@rule(REGION_ROLES)
def baselines_page():
    return _render_baselines(_year_arg(request.args.get("year")))


def _render_baselines(year: int):
    found = baselines.baselines_for_year(year)
    counties = list(db.session.scalars(
        select(Region).where(Region.level == RegionLevel.COUNTY,
                                access.baseline_counties_condition(current_user, Region.id)).order_by(Region.code)))
    rows = []
    for county in counties:
        b = found.get(county.id) or baselines.Baseline(county.id, year)
        form = None
        if access.can_enter_baseline(current_user, county):
            form = BaselineForm(formdata=None, county=county.code, year=year, version=b.entered_version or VERSION_NEW,
                                value=b.entered if b.entered is not None else "", source=b.entered_source or "",
                                source_date=b.entered_source_date.isoformat() if b.entered_source_date else "")
            section = f"baseline-{county.code}"
            restore(form, section=section)
            for f in form:  # one form per county on the page: ids that the error summary can name
                f.id = f.label.field_id = f"{section}-{f.name}"
        rows.append((county, b, form))
    return render_template("persons/baselines.html", year=year, rows=rows, day=baselines.baseline_date(year),
                           compute_form=ComputeForm(year=year),
                           can_compute=access.can_compute_baselines(current_user),
                           years=list(range(clock.today().year + 1, clock.today().year - 5, -1)))


@bp.route("/baselines/enter", methods=["POST"])
@rule({Role.COUNTY_OFFICER})
def baseline_enter():
    form = BaselineForm()
    code = (form.county.data or "")[:12]
    year = int_or_none(form.year.data)

    def enter() -> Region:
        county = by_code(code)
        if county is None or county.level != RegionLevel.COUNTY:
            raise FieldErrors.single("county", "没有这个县级区划代码。")
        if year is None:
            raise FieldErrors.single("year", "请选择目标年度。")
        baselines.enter_baseline(current_user, county, year, value=form.value.data, source=form.source.data,
                                 source_date=form.source_date.data, expected_version=int_or_none(form.version.data))
        return county

    return submit_action(enter, form=form, back_url=url_for("persons.baselines_page", year=_year_arg(year)),
                         section=f"baseline-{code}", next_url=url_for("persons.baselines_page", year=year),
                         success=lambda county: f"已保存 {county.name} {year} 年基数。")


@bp.route("/baselines/compute", methods=["POST"])
@rule(COUNTY_AND_ABOVE)
def baseline_compute():
    form = ComputeForm()
    year = int_or_none(form.year.data) or clock.today().year
    return submit_action(lambda: baselines.compute_snapshots(current_user, year), form=form,
                         back_url=url_for("persons.baselines_page", year=_year_arg(year)), section=None,
                         next_url=url_for("persons.baselines_page", year=year),
                         success=f"已按信息库重新统计 {year} 年基数（{date_cn(baselines.baseline_date(year))}市外务工人数）。")


EXPORT_PARAMS = ("q", "county", "township", "village", "region") + tuple(queries.REGION_PARAMS) + (
    "status", "sanyou", "intention", "industry", "return_year", "source", "archived")


@bp.context_processor
def _scale_links():
    """Buttons of the person list: import, export (with the list's current filters)."""
    user = current_user
    if not getattr(user, "is_authenticated", False):
        return {}
    return {
        "scale_links": {"imports": access.can_import_persons(user), "export": access.can_export_persons(user),
                        "export_full": access.can_export_unmasked(user)},
        "export_args": {k: v for k, v in request.args.items(multi=True) if k in EXPORT_PARAMS and v},  # the deepest region choice
    }




def import_batches(person) -> list[tuple[PersonImport, str]]:
    """The import batches that wrote this person (newest first): the per-person trace of an
    import, whose audit entry is one row per batch."""
    from app.persons.models import PersonImportItem

    stmt = (select(PersonImport, PersonImportItem.change)
            .join(PersonImportItem, PersonImportItem.batch_id == PersonImport.id)
            .where(PersonImportItem.person_id == person.id).order_by(PersonImport.id.desc()).limit(20))
    return [(batch, change) for batch, change in db.session.execute(stmt)]

