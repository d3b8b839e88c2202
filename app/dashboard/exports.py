"""XLSX exports of the target table and of drill-down lists (XlsxWriter, in memory).

Every file starts with a title row, then the year, the scope and the export time, then a blank
row and the header; numbers are written as numbers, ID numbers and phones only masked.
"""
from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

import xlsxwriter

from app.core import clock

HEADER_ROWS = 4  # title, year, scope, time; the table header follows a blank row


def workbook(title: str, year: int, scope: str, header: Sequence[str],
             rows: Iterable[Sequence[Any]], *, sheet: str = "数据") -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False,
                                        "strings_to_formulas": False, "strings_to_urls": False})
    ws = book.add_worksheet(sheet)
    bold = book.add_format({"bold": True})
    title_format = book.add_format({"bold": True, "font_size": 14})
    ws.write(0, 0, title, title_format)
    ws.write(1, 0, f"年度：{year}")
    ws.write(2, 0, f"范围：{scope}")
    ws.write(3, 0, f"导出时间：{clock.local_now():%Y-%m-%d %H:%M}")
    start = HEADER_ROWS + 1
    for col, name in enumerate(header):
        ws.write(start, col, name, bold)
        ws.set_column(col, col, max(10, len(name) * 2 + 2))
    for r, row in enumerate(rows, start=start + 1):
        for col, value in enumerate(row):
            if value is None:
                ws.write_string(r, col, "—")
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                ws.write_number(r, col, value)
            else:
                ws.write_string(r, col, str(value))
    ws.freeze_panes(start + 1, 1)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    book.close()
    return buffer.getvalue()
