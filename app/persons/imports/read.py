"""Reading an import file: the template's columns and header labels, the rows of an XLSX
(python-calamine) or a CSV (UTF-8 with or without BOM, else GB18030 — a superset of GBK —
detected, never asked), and each cell as the value `operations.clean` takes."""
from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from app.core.errors import FieldErrors
from app.core.fields import to_date
from app.persons.fields import FIELD

# Columns of the template, in order. The header of a file may use the label (with or without
# the trailing `*` of required columns) or the field name.
IMPORT_FIELDS = (
    "id_number", "name", "phone", "village_code", "source", "status", "work_region", "work_city",
    "work_industry", "occupation", "outside_since", "returned_on", "skills", "intention",
    "intended_industry", "intended_form", "capital_need", "willing", "willing_basis", "capable",
    "capable_basis", "creditworthy", "creditworthy_basis", "remarks",
)
REQUIRED_FOR_NEW = tuple(name for name in IMPORT_FIELDS if FIELD[name].required_on_create)
TEXT_COLUMNS = ("id_number", "phone", "village_code")
HEADER_LABELS = {name: FIELD[name].header for name in IMPORT_FIELDS}
HEADER_ALIASES = {"身份证号": "id_number", "公民身份号码": "id_number", "手机号": "phone", "手机号码": "phone",
                  "电话": "phone", "村（社区）代码": "village_code", "村代码": "village_code",
                  "区划代码": "village_code", "资金需求": "capital_need"}

EXCEL_NUMBER_MESSAGE = ("身份证号码被 Excel 存成了数字，末几位已经丢失。请把该列设置为“文本”格式"
                        "（或使用导入模板），重新录入号码后再导入。")


class ImportFileError(FieldErrors):
    """The file as a whole cannot be read (422 on the `file` field)."""

    def __init__(self, message: str):
        super().__init__(fields={"file": [message]})


@dataclass
class SourceFile:
    path: Path
    kind: str  # "xlsx" | "csv"
    encoding: str | None = None  # csv only: "utf-8-sig" | "utf-8" | "gb18030"

    @property
    def label(self) -> str:
        if self.kind == "xlsx":
            return "xlsx"
        return {"utf-8-sig": "csv:utf-8-bom", "utf-8": "csv:utf-8", "gb18030": "csv:gb18030"}[self.encoding or "utf-8"]


def detect_encoding(path: Path) -> str:
    """UTF-8 with BOM, UTF-8 (the whole file decodes), else GB18030 (which reads GBK too)."""
    with open(path, "rb") as handle:
        head = handle.read(3)
        if head == codecs.BOM_UTF8:
            return "utf-8-sig"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "gb18030"
    return "utf-8"


def file_kind(file_name: str) -> str:
    ext = Path(file_name).suffix.lower()
    if ext in (".xlsx", ".xlsm"):
        return "xlsx"
    if ext in (".csv", ".txt"):
        return "csv"
    if ext == ".xls":
        raise ImportFileError("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 后再导入。")
    raise ImportFileError("请上传 .xlsx 或 .csv 文件。")


def open_source(path: Path, file_name: str) -> SourceFile:
    kind = file_kind(file_name)
    return SourceFile(path, kind, detect_encoding(path) if kind == "csv" else None)


def iter_rows(source: SourceFile) -> Iterator[list[Any]]:
    """Rows of the first sheet (or the CSV), header included, one at a time."""
    if source.kind == "xlsx":
        from python_calamine import CalamineWorkbook

        try:
            workbook = CalamineWorkbook.from_path(str(source.path))
            sheet = workbook.get_sheet_by_index(0)
            rows = sheet.iter_rows()
        except Exception:  # noqa: BLE001 - calamine raises several error types for a bad file
            raise ImportFileError("无法读取该 Excel 文件，请确认文件未损坏且为 .xlsx 格式。") from None
        try:
            yield from rows
        finally:
            workbook.close()
        return
    with open(source.path, encoding=source.encoding, newline="", errors="strict") as handle:
        try:
            yield from csv.reader(handle)
        except UnicodeDecodeError:
            raise ImportFileError("文件编码无法识别，请另存为 UTF-8 或 GBK 编码的 CSV。") from None
        except csv.Error as error:
            raise ImportFileError(f"CSV 格式有误：{error}") from None


def _header_key(text: Any) -> str:
    return re.sub(r"[\s*＊]", "", str(text or "")).replace("(", "（").replace(")", "）")


_HEADER_MAP = {_header_key(label): name for name, label in HEADER_LABELS.items()}
_HEADER_MAP.update({_header_key(FIELD[name].label): name for name in IMPORT_FIELDS})
_HEADER_MAP.update({name: name for name in IMPORT_FIELDS})
_HEADER_MAP.update({_header_key(k): v for k, v in HEADER_ALIASES.items()})


def map_header(row: list[Any]) -> list[str | None]:
    """Field name per column (None for a column the import ignores). Refuses a file without the
    ID column or with a column twice."""
    fields: list[str | None] = []
    for cell in row:
        fields.append(_HEADER_MAP.get(_header_key(cell)))
    if "id_number" not in fields:
        raise ImportFileError("第 1 行应为列标题，且必须有“身份证号码”列（请使用导入模板）。")
    seen: set[str] = set()
    for name in fields:
        if name is not None:
            if name in seen:
                raise ImportFileError(f"列“{HEADER_LABELS[name]}”出现了两次。")
            seen.add(name)
    return fields


def cell_value(name: str, value: Any) -> Any:
    """A cell as the text or value `operations.clean` takes; None when blank. An ID number
    that Excel stored as a number is returned as the marker `EXCEL_NUMBER`."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
        if name in DATE_FIELDS:  # the one date parser; text it cannot read is refused by the check
            day = to_date(value)
            return value if day is None else day
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        if name == "id_number":
            return EXCEL_NUMBER
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return str(value)


EXCEL_NUMBER = object()


DATE_FIELDS = ("outside_since", "returned_on")


def row_values(present: list[tuple[int, str, bool]], raw: list[Any]) -> dict[str, Any]:
    """The non-blank cells of a row by field name (`cell_value` of each; text cells, all of a
    CSV, take the short way)."""
    values: dict[str, Any] = {}
    width = len(raw)
    for index, name, is_date in present:
        cell = raw[index] if index < width else None
        if cell is None:
            continue
        if type(cell) is str:
            cell = cell.strip()
            if not cell:
                continue
            if is_date:
                cell = cell_value(name, cell)
            values[name] = cell
            continue
        value = cell_value(name, cell)
        if value is not None:
            values[name] = value
    return values

