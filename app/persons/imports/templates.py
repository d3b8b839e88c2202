"""The import template (data sheet, explanations, village codes) and a batch's error report."""
from __future__ import annotations

import io

from sqlalchemy import select

from app.codes import operations as codes
from app.codes.models import CodeList
from app.extensions import db
from app.persons import labels
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


def _column_descriptions() -> dict[str, str]:
    def enum_text(mapping) -> str:
        return "；".join(f"{m.value} 或 {label}" for m, label in mapping.items())

    def code_text(list_name: CodeList) -> str:
        return "；".join(f"{code} 或 {label}" for code, label in codes.choices(list_name).items())

    yes_no = "是 / 否 / 未评估（空白表示不改变）"
    return {
        "id_number": "18 位居民身份证号码（15 位旧号码自动转换），性别和出生日期由号码得出。",
        "name": "汉字姓名，少数民族姓名用间隔号“·”。",
        "phone": "手机号（11 位）或带区号的固定电话，如 0717-6543210。",
        "village_code": "12 位村（社区）区划代码，见“村（社区）代码”表；只能导入您管辖范围内的村。",
        "source": enum_text(labels.SOURCE_LABELS),
        "status": enum_text(labels.STATUS_LABELS),
        "work_region": code_text(CodeList.WORK_REGION),
        "work_industry": code_text(CodeList.INDUSTRY),
        "intended_industry": code_text(CodeList.INDUSTRY),
        "outside_since": "日期，如 2023-03-01。",
        "returned_on": "日期，如 2025-01-20；不能早于外出务工起始日期。",
        "skills": "多项用顿号或逗号分隔，最多 20 项。",
        "intention": enum_text(labels.INTENTION_LABELS),
        "intended_form": enum_text(labels.FORM_LABELS),
        "capital_need": "整数，单位元。",
        "willing": yes_no, "capable": yes_no, "creditworthy": yes_no,
        "willing_basis": "评估为是或否时必填，200 字以内。",
        "capable_basis": "评估为是或否时必填，200 字以内。",
        "creditworthy_basis": "评估为是或否时必填，200 字以内。",
    }


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

