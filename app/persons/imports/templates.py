"""The import template (data sheet, explanations, village codes) and a batch's error report."""
from __future__ import annotations

import io

from sqlalchemy import select

from app.codes import operations as codes
from app.extensions import db
from app.persons.fields import ASSESSMENT, CODE, ENUM, FIELD
from app.persons.imports.read import (
    HEADER_LABELS,
    IMPORT_FIELDS,
    REQUIRED_FOR_NEW,
    TEXT_COLUMNS,
)
from app.persons.models import (
    PersonImport,
)
from app.regions.models import RegionLevel


def template_xlsx() -> bytes:
    """The import template: data sheet (text-formatted ID, phone and village-code columns), an
    explanation sheet with each column and its codes, and the village codes."""
    import xlsxwriter

    from app.regions.models import Region

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = workbook.add_format({"num_format": 49})  # built-in "@": text
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    sheet = workbook.add_worksheet("人员名单")
    for col, name in enumerate(IMPORT_FIELDS):
        header = HEADER_LABELS[name] + ("*" if name in REQUIRED_FOR_NEW else "")
        sheet.write_string(0, col, header, bold)
        width = 22 if name in TEXT_COLUMNS else 14
        sheet.set_column(col, col, width, text if name in TEXT_COLUMNS else None)
    sheet.freeze_panes(1, 0)

    notes = workbook.add_worksheet("填写说明")
    notes.set_column(0, 0, 22)
    notes.set_column(1, 1, 10)
    notes.set_column(2, 2, 70)
    for col, title in enumerate(("列名", "新登记必填", "说明与可填写的值")):
        notes.write_string(0, col, title, bold)
    general = [
        "第 1 行为列标题，可删去不需要的列；列的顺序不限。",
        "身份证号码、联系电话、户籍村（社区）代码三列已设为“文本”格式，请勿改为数字，否则身份证号码后几位会丢失。",
        "库中已有的身份证号码按“更新”处理：只更新文件中有的列，空白单元格不改变库中的值。",
        "支持 .xlsx 和 .csv（UTF-8 或 GBK 编码均可，系统自动识别）。",
    ]
    descriptions = _column_descriptions()
    for row, name in enumerate(IMPORT_FIELDS, start=1):
        notes.write_string(row, 0, HEADER_LABELS[name])
        notes.write_string(row, 1, "是" if name in REQUIRED_FOR_NEW else "")
        notes.write_string(row, 2, descriptions.get(name, ""), wrap)
    for offset, line in enumerate(general, start=len(IMPORT_FIELDS) + 2):
        notes.write_string(offset, 0, "注意" if offset == len(IMPORT_FIELDS) + 2 else "")
        notes.write_string(offset, 2, line, wrap)

    villages = workbook.add_worksheet("村（社区）代码")
    villages.set_column(0, 0, 16, text)
    villages.set_column(1, 1, 50)
    villages.write_string(0, 0, "代码", bold)
    villages.write_string(0, 1, "名称", bold)
    stmt = select(Region).where(Region.level == RegionLevel.VILLAGE).order_by(Region.code)
    for row, region in enumerate(db.session.scalars(stmt), start=1):
        villages.write_string(row, 0, region.code)
        villages.write_string(row, 1, region.full_name)
    workbook.close()
    return buffer.getvalue()


# What the template's notes add to a field's declared help line.
IMPORT_NOTES = {"village_code": "见“村（社区）代码”表；只能导入您管辖范围内的村。"}
YES_NO = "是 / 否 / 未评估（空白表示不改变）"


def _column_descriptions() -> dict[str, str]:
    """The notes of each column: the declared field's help, and the codes or labels it takes."""
    out = {}
    for name in IMPORT_FIELDS:
        spec = FIELD[name]
        if spec.kind == ENUM:
            text = "；".join(f"{m.value} 或 {m.label}" for m in spec.enum)
        elif spec.kind == CODE:
            text = "；".join(f"{code} 或 {label}" for code, label in codes.choices(spec.code_list).items())
        elif spec.kind == ASSESSMENT:
            text = YES_NO
        else:
            text = spec.help
        out[name] = "".join(part for part in (text, IMPORT_NOTES.get(name, "")) if part)
    return {name: text for name, text in out.items() if text}


def error_report_xlsx(batch: PersonImport) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = workbook.add_format({"bold": True})
    sheet = workbook.add_worksheet("未通过的行")
    sheet.write_string(0, 0, f"导入批次 #{batch.id} {batch.file_name} 的错误报告", bold)
    for col, title in enumerate(("行号", "列", "原因", "身份证号码（脱敏）")):
        sheet.write_string(1, col, title, bold)
    sheet.set_column(1, 1, 20)
    sheet.set_column(2, 2, 70)
    sheet.set_column(3, 3, 22)
    for row, (number, column, reason, masked) in enumerate(batch.errors or [], start=2):
        sheet.write_number(row, 0, number)
        sheet.write_string(row, 1, column)
        sheet.write_string(row, 2, reason)
        sheet.write_string(row, 3, masked or "")
    workbook.close()
    return buffer.getvalue()

