"""Export of the current filtered person list to XLSX (issue 4 §2).

Every page of the list, not the current one: the rows are read with a streaming cursor
(`stream_results`: a server-side cursor on PostgreSQL; plain rows, no ORM processing) in the
list's pinyin order and written by `app.core.xlsx_stream` (one SpreadsheetML string per row into a streamed zip member — XlsxWriter's
per-cell cost dominated a 100,000-row export) to a temporary file, so memory stays flat at any size.

- Masked by default (ID `420502********1234`, phone `138****5678`), for every region role.
- Unmasked only for county officers and city admins, with a reason: the full ID and phone are
  decrypted per row, and the file carries a watermark — the exporter's name and the time on the
  title rows, in the page header and footer, and in a column on every row (it survives copying
  rows out) — and the export is audited with its reason, filters and row count.
- Title rows: the title, the filters in Chinese, the exporter and the time (Asia/Shanghai).
"""
from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from sqlalchemy import Text, cast, select, type_coerce

from app.codes import operations as codes
from app.codes.models import CodeList
from app.core import audit, clock, crypto
from app.core.access import person_scale as access
from app.core.errors import Forbidden
from app.core.fields import parse_reason
from app.core.xlsx_stream import STYLE_HEADER, STYLE_TITLE, StreamingXlsx
from app.extensions import db
from app.persons import labels, queries
from app.persons.models import (
    ID_PURPOSE,
    PHONE_PURPOSE,
    BusinessForm,
    Gender,
    Intention,
    Person,
    PersonSource,
    PersonStatus,
)
from app.regions.models import Region, RegionLevel

STREAM_ROWS = 2000
REASON_LIMIT = 200
HEADERS = ("序号", "姓名", "身份证号码", "性别", "出生日期", "联系电话", "户籍乡镇（街道）", "户籍村（社区）",
           "人员状态", "数据来源", "务工地区", "务工城市", "务工行业", "从事工种 / 职业", "外出务工起始日期",
           "返乡日期", "技能特长", "创业意向", "意向行业", "意向创业形式", "资金需求（元）", "有愿望", "有能力",
           "有信誉", "三有人员", "最近更新")
WIDTHS = (7, 10, 21, 5, 11, 14, 14, 16, 9, 12, 9, 10, 12, 12, 12, 11, 20, 8, 12, 11, 11, 7, 7, 7, 8, 17)


@dataclass
class ExportResult:
    file: IO[bytes]
    rows: int
    file_name: str


def describe_filters(filters: queries.PersonFilters) -> str:
    """The filters in Chinese, for the title rows and the audit entry."""
    parts = []
    for region in filters.regions:
        parts.append(f"地区：{region.full_name}")
    if filters.q:
        parts.append(f"姓名：{filters.q}")
    if filters.status is not None:
        parts.append(f"状态：{PersonStatus(filters.status).label}")
    if filters.sanyou is not None:
        parts.append("三有人员：" + ("是" if filters.sanyou else "否"))
    if filters.intention is not None:
        parts.append(f"创业意向：{Intention(filters.intention).label}")
    if filters.industry:
        parts.append(f"行业：{codes.labels(CodeList.INDUSTRY).get(filters.industry, filters.industry)}")
    if filters.return_year:
        parts.append(f"返乡年份：{filters.return_year}")
    if filters.source is not None:
        parts.append(f"数据来源：{PersonSource(filters.source).label}")
    parts.append({"active": "范围：在库人员", "archived": "范围：已归档", "all": "范围：全部（含归档）"}[filters.archived])
    return "；".join(parts)


def check_reason(reason: str | None) -> str:
    return parse_reason(reason, limit=REASON_LIMIT, missing="导出完整身份证号码和电话须填写原因。")


# Enum columns are read as their stored text (the label maps are keyed by it) and skills as the
# stored JSON text where the driver gives text: no per-row enum or JSON conversion for the
# (mostly empty) values of 100,000 rows.
_RAW = {"gender", "status", "source", "intention", "intended_form"}


def _plain(column: Any) -> Any:
    if column.key == "skills":  # as text on both databases (psycopg would parse JSON per row)
        return cast(column, Text).label("skills")
    return type_coerce(column, Text).label(column.key) if column.key in _RAW else column


_COLUMNS = tuple(_plain(column) for column in (
    Person.id, Person.name, Person.id_number_masked, Person.gender, Person.birth_date, Person.phone_masked,
    Person.township_id, Person.village_id, Person.status, Person.source, Person.work_region,
    Person.work_city, Person.work_industry, Person.occupation, Person.outside_since, Person.returned_on,
    Person.skills, Person.intention, Person.intended_industry, Person.intended_form, Person.capital_need,
    Person.willing, Person.capable, Person.creditworthy, Person.is_sanyou, Person.updated_at))


def _skills(value: str | None) -> str | None:
    """The skills cell from the stored JSON text."""
    if not value or value == "[]":
        return None
    items = json.loads(value)
    return "、".join(items) if items else None


def _rows(actor, filters: queries.PersonFilters, unmasked: bool) -> Iterator[Any]:
    columns = _COLUMNS + ((Person.id_number_cipher, Person.phone_cipher) if unmasked else ())
    stmt = queries.filtered(actor, filters).with_only_columns(*columns).order_by(Person.name_sort, Person.id)
    # Plain rows through the session's connection (no ORM row processing), streamed.
    yield from db.session.connection().execute(
        stmt, execution_options={"stream_results": True, "max_row_buffer": STREAM_ROWS})


def _yes_no(value: bool | None) -> str:
    return labels.assessment_label(value)


def export_people(actor, filters: queries.PersonFilters, *, unmasked: bool = False,
                  reason: str | None = None) -> ExportResult:
    """Write the filtered list to a temporary XLSX file (rewound, deleted on close) and audit
    the export. The caller commits and streams the file."""
    if not access.can_export_persons(actor):
        raise Forbidden("您的角色不能导出人员名单。")
    text = None
    if unmasked:
        if not access.can_export_unmasked(actor):
            raise Forbidden("只有县级服务中心和市级管理员可以导出完整身份证号码和电话。")
        text = check_reason(reason)
    now_local = clock.local_now()
    stamp = now_local.strftime("%Y-%m-%d %H:%M")
    who = f"{actor.full_name or actor.username}（{actor.username}）"
    described = describe_filters(filters)

    region_names = {r.id: r.name for r in db.session.execute(
        select(Region.id, Region.name).where(Region.level.in_((RegionLevel.TOWNSHIP, RegionLevel.VILLAGE))))}
    industry = codes.labels(CodeList.INDUSTRY)
    work_region = codes.labels(CodeList.WORK_REGION)
    gender = Gender.choices()
    status = PersonStatus.choices()
    source = PersonSource.choices()
    intention = Intention.choices()
    form = BusinessForm.choices()
    ring = crypto.ring() if unmasked else None

    handle = tempfile.TemporaryFile(suffix=".xlsx")
    headers = HEADERS + (("导出水印",) if unmasked else ())
    mark = f"{who} {stamp} 导出"
    book = StreamingXlsx(handle, "人员名单", WIDTHS + ((30,) if unmasked else ()), freeze_rows=4,
                         header=f"&C{mark}（含完整身份证号码，严禁外传）" if unmasked else None,
                         footer=f"&L{mark}&R第 &P 页，共 &N 页" if unmasked else None,
                         title="人员信息库导出", author=who, comments=f"导出时间 {stamp}")
    book.row(["宜昌市返乡创业服务人员信息库 · 人员名单"], STYLE_TITLE)
    book.row([f"筛选条件：{described}"])
    note = (f"含完整身份证号码和电话，仅限“{text}”使用，严禁外传。" if unmasked
            else "身份证号码和联系电话已脱敏。")
    book.row([f"导出人：{who}　导出时间：{stamp}（北京时间）　{note}"])
    book.row(headers, STYLE_HEADER)

    count = 0
    write_row = book.row
    local_tz = clock.LOCAL_TZ
    for row in _rows(actor, filters, unmasked):
        count += 1
        id_text = ring.decrypt(row.id_number_cipher, ID_PURPOSE) if unmasked else row.id_number_masked
        phone_text = ((ring.decrypt(row.phone_cipher, PHONE_PURPOSE) if row.phone_cipher is not None else "")
                      if unmasked else row.phone_masked)
        values = [
            count, row.name, id_text, gender.get(row.gender), row.birth_date.isoformat(), phone_text,
            region_names.get(row.township_id), region_names.get(row.village_id),
            status.get(row.status), source.get(row.source),
            work_region.get(row.work_region, row.work_region), row.work_city,
            industry.get(row.work_industry, row.work_industry), row.occupation,
            row.outside_since.isoformat() if row.outside_since else None,
            row.returned_on.isoformat() if row.returned_on else None,
            _skills(row.skills), intention.get(row.intention),
            industry.get(row.intended_industry, row.intended_industry), form.get(row.intended_form),
            row.capital_need,
            _yes_no(row.willing), _yes_no(row.capable), _yes_no(row.creditworthy), "是" if row.is_sanyou else "否",
            _minute(row.updated_at, local_tz) if row.updated_at else None,
        ]
        if unmasked:
            values.append(mark)
        write_row(values)
    book.close()
    handle.seek(0)

    action = "person_export_unmasked" if unmasked else "person_export"
    detail = f"导出人员名单 {count} 人（{'含完整证件号' if unmasked else '脱敏'}）；{described}"
    if unmasked:
        detail += f"；原因：{text}"
    audit.record(action, actor=actor, object_type="person", changes={"rows": count, "filters": described},
                 detail=detail[:500])
    db.session.flush()
    day = now_local.strftime("%Y%m%d-%H%M")
    return ExportResult(handle, count, f"人员名单-{day}{'-完整' if unmasked else ''}.xlsx")


def _minute(value: Any, tz: Any) -> str:
    local = value.astimezone(tz)
    return f"{local.year:04d}-{local.month:02d}-{local.day:02d} {local.hour:02d}:{local.minute:02d}"
