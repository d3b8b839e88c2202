"""Build import files in memory (CSV in any encoding, XLSX with text or number cells)."""
from __future__ import annotations

import csv
import io

import xlsxwriter


def csv_bytes(rows: list[list], encoding: str = "utf-8", bom: bool = False) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(rows: list[list], numbers: set[tuple[int, int]] = frozenset()) -> bytes:
    """Cells are written as text, except (row, col) positions in `numbers` (written as numbers,
    as Excel does when a column is not formatted as text)."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("人员名单")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if (r, c) in numbers:
                sheet.write_number(r, c, float(value))
            else:
                sheet.write_string(r, c, str(value))
    workbook.close()
    return buffer.getvalue()
