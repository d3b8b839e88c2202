"""Import of people from XLSX or CSV (issue 4 §1): template, preview, commit.

- `template_xlsx()` — the template: a data sheet whose ID, phone and village-code columns are
  formatted as text, an explanation sheet (each column, required or not, allowed codes) and the
  village codes.
- `check_file(actor, path, …)` reads the file streaming (python-calamine for XLSX; CSV decoded
  as UTF-8 with or without BOM, else GB18030 — a superset of GBK — detected, never asked) and
  validates every row with the person library's own validators (`operations.clean` with
  preloaded `Lookups`, `validators.parse_id_number`). It returns the counts and every refused
  row (row number, column, Chinese reason).
- `preview_import` records a batch (`PersonImport`, status previewed) with those results, and
  keeps the **prepared outcome** (`prepare_file`: the same check, plus the new people's rows
  derived by `write.new_person_row` and each update's changed values with the version seen)
  next to the stored upload (`prepared_path`): a pickle preceded by an HMAC-SHA256 keyed by the
  key ring's hash key and bound to the batch and its file (`save_prepared` / `load_prepared`).
- `commit_import` writes in the caller's transaction. It uses the prepared outcome only if it
  authenticates and is still fresh: the fingerprint of the reference data (villages, active
  codes and their labels, the importer's home region, today, the current key id) is unchanged
  and the file's ID hashes match exactly the people, at the versions, the preview saw (no ID
  registered since, no matched person edited). Otherwise it checks the file again (the full
  path); the result is the same either way. New people go through the bulk write path
  (`write.insert_new_people`: raw executemany / COPY), existing IDs are updated in the columns
  the file has, where the cell is not blank, each only at the version it was checked at (else
  `Conflict`). One audit row per batch; `person_import_items` lists every person the batch
  wrote (the batch is traceable per person). Any error raised while writing propagates: the
  caller rolls back and nothing is half-applied.
- A file of more than `PARALLEL_FROM` rows has its further chunks checked and derived in worker
  processes (`_Parallel`: fork, `PERSON_IMPORT_WORKERS`): the parent reads the rows, parses and
  hashes the IDs and looks the chunk's people up; the workers get plain data (the rows, the
  matched people as tuples, the context inherited through fork) and never touch the database.
  Counts, errors (and their cap) and rows are the same as in one process; a worker that fails,
  dies or hangs hands its chunk and the rest back to the request's process.
"""
from __future__ import annotations

import codecs
import csv
import gc
import hashlib
import hmac
import io
import multiprocessing
import os

# pickle only reads back the prepared outcome the app itself wrote into its instance folder, after
# its HMAC is verified (load_prepared): nosec B403.
import pickle  # nosec B403
import re
import uuid
from collections import namedtuple
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

from flask import current_app
from sqlalchemy import bindparam, delete, insert, select, update

from app.codes import operations as codes
from app.codes.models import CodeList
from app.core import audit, clock, crypto
from app.core.access import person_scale as access
from app.core.errors import Conflict, FieldErrorCollector, FieldErrors, Forbidden
from app.core.masking import mask_id_number
from app.core.validators import IdNumberInfo, InvalidIdNumber, clean_id_input, parse_id_number
from app.extensions import db
from app.persons import columns, labels, write
from app.persons import operations as ops
from app.persons.models import (
    BusinessForm,
    ImportStatus,
    Intention,
    Person,
    PersonImport,
    PersonImportItem,
    PersonNameKey,
    PersonSource,
    PersonStatus,
)
from app.regions.models import RegionLevel

# Columns of the template, in order. The header of a file may use the label (with or without
# the trailing `*` of required columns) or the field name.
IMPORT_FIELDS = (
    "id_number", "name", "phone", "village_code", "source", "status", "work_region", "work_city",
    "work_industry", "occupation", "outside_since", "returned_on", "skills", "intention",
    "intended_industry", "intended_form", "capital_need", "willing", "willing_basis", "capable",
    "capable_basis", "creditworthy", "creditworthy_basis", "remarks",
)
REQUIRED_FOR_NEW = ("id_number", "name", "village_code", "source", "status")
TEXT_COLUMNS = ("id_number", "phone", "village_code")
HEADER_LABELS = {name: labels.FIELD_LABELS[name] for name in IMPORT_FIELDS}
HEADER_LABELS["village_code"] = "户籍村（社区）代码"
HEADER_ALIASES = {"身份证号": "id_number", "公民身份号码": "id_number", "手机号": "phone", "手机号码": "phone",
                  "电话": "phone", "村（社区）代码": "village_code", "村代码": "village_code",
                  "区划代码": "village_code", "资金需求": "capital_need"}
ENUM_FIELDS = {"source": PersonSource, "status": PersonStatus, "intention": Intention,
               "intended_form": BusinessForm}
CODE_FIELDS = {"work_region": CodeList.WORK_REGION, "work_industry": CodeList.INDUSTRY,
               "intended_industry": CodeList.INDUSTRY}
NOT_ASSESSED_WORDS = {"未评估", "待评估"}

CHUNK_ROWS = 2000
MAX_STORED_ERRORS = 20000
ROW_LABEL = "整行"

EXCEL_NUMBER_MESSAGE = ("身份证号码被 Excel 存成了数字，末几位已经丢失。请把该列设置为“文本”格式"
                        "（或使用导入模板），重新录入号码后再导入。")


class ImportFileError(FieldErrors):
    """The file as a whole cannot be read (422 on the `file` field)."""

    def __init__(self, message: str):
        super().__init__(fields={"file": [message]})


# ---------------------------------------------------------------------------------------------
# Reading


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
_HEADER_MAP.update({_header_key(label): name for name, label in labels.FIELD_LABELS.items() if name in IMPORT_FIELDS})
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


_DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def cell_value(name: str, value: Any) -> Any:
    """A cell as the text or value `operations.clean` takes; None when blank. An ID number
    that Excel stored as a number is returned as the marker `_EXCEL_NUMBER`."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
        if name in ("outside_since", "returned_on"):
            match = _DATE_TEXT.fullmatch(value)
            if match:
                try:
                    return date(*(int(g) for g in match.groups()))
                except ValueError:
                    return value
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        if name == "id_number":
            return _EXCEL_NUMBER
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return str(value)


_EXCEL_NUMBER = object()


# ---------------------------------------------------------------------------------------------
# Checking


@dataclass
class RowError:
    row: int
    column: str
    reason: str
    id_masked: str = ""

    def as_list(self) -> list:
        return [self.row, self.column, self.reason, self.id_masked]


@dataclass
class CheckResult:
    columns: list[str] = field(default_factory=list)
    total: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    refused_rows: set[int] = field(default_factory=set)
    errors: list[RowError] = field(default_factory=list)
    person_ids: list[tuple[int, str]] = field(default_factory=list)  # (person id, new|updated)

    @property
    def refused(self) -> int:
        return len(self.refused_rows)

    def refuse(self, row: int, column: str, reason: str, id_masked: str = "") -> None:
        self.refused_rows.add(row)
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append(RowError(row, column, reason, id_masked))


# Columns read from an existing person to compare and validate an update.
_CURRENT_COLUMNS = ("id", "village_id", "township_id", "county_id", "archived_at", "name", "phone_hash",
                    "version") + tuple(f for f in ops.EDITABLE_FIELDS if f not in ("name", "phone", "village_code"))


class _Home(NamedTuple):
    id: int
    level: RegionLevel


class _Context:
    def __init__(self, actor) -> None:
        self.actor = actor
        self.lookups = ops.Lookups.load()
        self.ring = crypto.ring()
        home = access.import_home(actor)
        # A plain copy (all `region_row_in_scope` reads): never an ORM object that could load.
        self.home = _Home(home.id, home.level) if home is not None else None
        self.today = clock.today()
        self.labels = {f: {member.label: member.value for member in enum_cls}
                       for f, enum_cls in ENUM_FIELDS.items()}
        self.code_labels = {f: {label: code for code, label in codes.labels(list_name).items()}
                            for f, list_name in CODE_FIELDS.items()}
        # Label translations of the columns a file has (`use_columns`); all until then.
        self.translations = [*self.labels.items(), *self.code_labels.items()]
        self.assessments = list(ops.ASSESSMENT_FIELDS)
        self.seen: dict[bytes, int] = {}
        self.prepared: Prepared | None = None
        self.parallel: _Parallel | None = None

    def in_scope(self, row) -> bool:
        return access.region_row_in_scope(self.home, row)

    def use_columns(self, names: list[str]) -> None:
        """Translate only the columns the file has (the others never hold a value)."""
        self.translations = [(n, m) for n, m in (*self.labels.items(), *self.code_labels.items()) if n in names]
        self.assessments = [n for n in ops.ASSESSMENT_FIELDS if n in names]

    def fingerprint(self) -> str:
        """Hash of everything a row's outcome depends on besides the file and the people
        matched by ID: the villages (code, id, level, township, county), the active codes of each
        code list and their labels, the importer's home region, today's date (dates must not be
        in the future) and the current encryption key id."""
        villages = sorted((code, r.id, str(r.level), r.township_id, r.county_id)
                          for code, r in self.lookups.villages.items())
        active = sorted((str(list_name), sorted(items)) for list_name, items in self.lookups.codes.items())
        code_labels = sorted((name, sorted(mapping.items())) for name, mapping in self.code_labels.items())
        home = (self.home.id, str(self.home.level)) if self.home is not None else None
        parts = (PREPARED_FORMAT, villages, active, code_labels, home, self.today.isoformat(), self.ring.current_id)
        return hashlib.sha256(repr(parts).encode()).hexdigest()


def _translate(ctx: _Context, values: dict[str, Any]) -> None:
    """Chinese labels of enums and code lists to their codes; 未评估 to None."""
    for name, mapping in ctx.translations:
        value = values.get(name)
        if isinstance(value, str) and value in mapping:
            values[name] = mapping[value]
    for name in ctx.assessments:
        if values.get(name) in NOT_ASSESSED_WORDS:
            values[name] = "none"


@dataclass
class _Pending:
    row: int
    seq: int  # position among the rows that reach the library check (chunks are cut over it)
    info: Any
    hash: bytes
    values: dict[str, Any]


class _Seen(NamedTuple):
    """What writing an update needs of the stored record, as the preview saw it."""

    version: int
    willing: bool | None
    capable: bool | None
    creditworthy: bool | None


@dataclass
class Prepared:
    """A preview's outcome, kept for the commit (see `save_prepared`)."""

    fingerprint: str
    result: CheckResult
    pending: int = 0  # rows that reached the library check
    hashes: list[bytes] = field(default_factory=list)  # their ID hashes, in order
    matched: dict[bytes, tuple[int, int]] = field(default_factory=dict)  # hash -> (person id, version)
    new_rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (seq, write.new_person_row)
    updates: list[tuple[int, int, dict[str, Any], _Seen]] = field(default_factory=list)  # seq, id, changed
    new_row_blobs: list[bytes] = field(default_factory=list)  # pickled `_pack_rows` from worker processes


def _errors_to_result(result: CheckResult, row: int, fields: dict[str, list[str]], masked: str) -> None:
    for name, messages in fields.items():
        column = HEADER_LABELS.get(name) or labels.FIELD_LABELS.get(name, name)
        for message in messages:
            result.refuse(row, column, message, masked)


def _changes(current: Any, cleaned: dict[str, Any], ring) -> dict[str, Any]:
    """Attribute values that differ from the stored record (phone compared by its hash)."""
    changed: dict[str, Any] = {}
    for name, value in cleaned.items():
        if name == "village":
            continue
        if name == "phone":
            if value is None:
                if current.phone_hash is not None:
                    changed["phone"] = None
            elif current.phone_hash is None or bytes(current.phone_hash) != columns.phone_hash(value, ring):
                changed["phone"] = value
            continue
        if getattr(current, name) != value:
            changed[name] = value
    return changed


LOOKUP_CHUNK = 900


def _people_by_hash(hashes: list[bytes]) -> dict[bytes, tuple[int, int]]:
    """`(id, version)` of the people with these ID hashes, in the current transaction. Straight
    through the driver, `IN` lists of `LOOKUP_CHUNK` (bytes in, integers out: no column type to
    convert; three times cheaper than an expanding `IN` compiled per statement)."""
    found: dict[bytes, tuple[int, int]] = {}
    if not hashes:
        return found
    db.session.flush()
    mark = "%s" if db.session.get_bind().dialect.name == "postgresql" else "?"
    cursor = db.session.connection().connection.driver_connection.cursor()
    try:
        for start in range(0, len(hashes), LOOKUP_CHUNK):
            part = hashes[start:start + LOOKUP_CHUNK]
            # Table and column names are fixed here; the values are bound parameters.
            sql = (f"SELECT id_number_hash, id, version FROM {Person.__tablename__} "  # noqa: S608  # nosec B608
                   f"WHERE id_number_hash IN ({', '.join([mark] * len(part))})")
            cursor.execute(sql, part)
            for number_hash, person_id, version in cursor.fetchall():
                found[bytes(number_hash)] = (person_id, version)
    finally:
        cursor.close()
    return found


def _process_chunk(ctx: _Context, result: CheckResult, pending: list[_Pending], apply: bool) -> None:
    if not pending:
        return
    table = Person.__table__
    current_by_hash: dict[bytes, Any] = {}
    hashes = [p.hash for p in pending]
    known = list(_people_by_hash(hashes))  # most IDs of a large file are new: read only the others
    for start in range(0, len(known), LOOKUP_CHUNK):
        part = known[start:start + LOOKUP_CHUNK]
        stmt = select(table.c.id_number_hash, *(table.c[c] for c in _CURRENT_COLUMNS)) \
            .where(table.c.id_number_hash.in_(part))
        for row in db.session.execute(stmt):
            current_by_hash[bytes(row.id_number_hash)] = row
    prepared = ctx.prepared
    if prepared is not None:
        prepared.pending += len(pending)
        prepared.hashes.extend(hashes)
        prepared.matched.update((h, (row.id, row.version)) for h, row in current_by_hash.items())
        if ctx.parallel is not None and ctx.parallel.ready(prepared.pending):
            ctx.parallel.submit(result, pending, current_by_hash)
            return
    new_rows, updates = _evaluate(ctx, result, pending, current_by_hash, derive=apply or prepared is not None)
    if apply:
        _write_chunk(ctx, result, new_rows, updates)


def _evaluate(ctx: _Context, result: CheckResult, pending: list[_Pending], current_by_hash: dict[bytes, Any], *,
              derive: bool) -> tuple[list[dict[str, Any]], list[tuple[int, dict[str, Any], Any]]]:
    """Check one chunk's rows against the people their IDs matched (no database access: also
    runs in worker processes); with `derive`, build the new rows and the updates."""
    prepared = ctx.prepared
    new_rows: list[dict[str, Any]] = []
    updates: list[tuple[int, dict[str, Any], Any]] = []
    for item in pending:
        current = current_by_hash.get(item.hash)
        errors = FieldErrorCollector()
        values = item.values
        if current is None:
            missing = [n for n in REQUIRED_FOR_NEW if n != "id_number" and values.get(n) is None]
            if "village_code" in values:
                village = ctx.lookups.villages.get(values["village_code"])
                if village is not None and village.level == RegionLevel.VILLAGE and not ctx.in_scope(village):
                    errors.add("village_code", "该村（社区）不在您的管辖范围内，不能导入。")
            cleaned = ops.clean(values, current=None, errors=errors, lookups=ctx.lookups)
            for name in missing:
                if name not in errors.fields:
                    errors.add(name, f"新登记人员必须填写“{HEADER_LABELS[name]}”。")
            if errors.fields:
                _errors_to_result(result, item.row, errors.fields, mask_id_number(item.info.number))
                continue
            result.new += 1
            if derive:
                village = cleaned.pop("village")
                name = cleaned.pop("name")
                phone = cleaned.pop("phone", None)
                new_row = write.new_person_row(item.info, name, village, phone=phone, ring=ctx.ring,
                                               number_hash=item.hash, **cleaned)
                new_rows.append(new_row)
                if prepared is not None:
                    prepared.new_rows.append((item.seq, new_row))
            continue
        if not ctx.in_scope(current):
            result.refuse(item.row, HEADER_LABELS["id_number"],
                          "该身份证号码已在库中登记，且不在您的管辖范围内，不能通过导入修改。",
                          mask_id_number(item.info.number))
            continue
        if current.archived_at is not None:
            result.refuse(item.row, HEADER_LABELS["id_number"], "该人员记录已归档，不能通过导入修改。",
                          mask_id_number(item.info.number))
            continue
        code = values.pop("village_code", None)
        if code is not None:
            village = ctx.lookups.villages.get(code)
            if village is None or village.id != current.village_id:
                result.refuse(item.row, HEADER_LABELS["village_code"],
                              "与库中记录的户籍村不同；户籍村变更请由县级服务中心使用“迁移”功能办理。",
                              mask_id_number(item.info.number))
                continue
        cleaned = ops.clean(values, current=current, errors=errors, lookups=ctx.lookups)
        if errors.fields:
            _errors_to_result(result, item.row, errors.fields, mask_id_number(item.info.number))
            continue
        changed = _changes(current, cleaned, ctx.ring)
        if not changed:
            result.unchanged += 1
            continue
        result.updated += 1
        if derive:
            updates.append((current.id, changed, current))
            if prepared is not None:
                seen = _Seen(current.version, current.willing, current.capable, current.creditworthy)
                prepared.updates.append((item.seq, current.id, changed, seen))
    return new_rows, updates


def _write_chunk(ctx: _Context, result: CheckResult, new_rows: list[dict[str, Any]], updates: list) -> None:
    """Write one chunk's new people and updates; record their ids on the result."""
    ids = write.insert_new_people(new_rows)
    result.person_ids.extend((pid, "new") for pid in ids)
    _apply_updates(ctx, updates)
    result.person_ids.extend((pid, "updated") for pid, _, _ in updates)


STALE_UPDATE_MESSAGE = "导入期间有人员记录被他人修改，请重新上传文件预览后再导入。"


def _apply_updates(ctx: _Context, updates: list) -> None:
    """UPDATE the changed columns of existing people, grouped by the set of columns changed.
    Each row is updated only at the version it was checked at; a record changed meanwhile
    raises `Conflict` (the caller rolls back)."""
    if not updates:
        return
    table = Person.__table__
    now = clock.now()
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    renamed: list[tuple[int, str]] = []
    for person_id, changed, current in updates:
        values: dict[str, Any] = {}
        for name, value in changed.items():
            if name == "name":
                values.update(columns.name_columns(value))
                renamed.append((person_id, value))
            elif name == "phone":
                values.update(columns.phone_columns(value, ctx.ring))
            else:
                values[name] = value
        if any(name in changed for name in ops.ASSESSMENT_FIELDS):
            after = {n: changed.get(n, getattr(current, n)) for n in ops.ASSESSMENT_FIELDS}
            values["is_sanyou"] = columns.is_sanyou(after["willing"], after["capable"], after["creditworthy"])
        values["updated_at"] = now
        values["_id"] = person_id
        values["_seen"] = current.version
        values["_version"] = current.version + 1
        groups.setdefault(tuple(sorted(values)), []).append(values)
    for keys, rows in groups.items():
        assignments = {k: bindparam(k) for k in keys if not k.startswith("_")}
        assignments["version"] = bindparam("_version")
        stmt = update(table).where(table.c.id == bindparam("_id"), table.c.version == bindparam("_seen")) \
            .values(assignments)
        done = db.session.execute(stmt, rows, execution_options={"synchronize_session": False})
        if done.rowcount != len(rows):
            raise Conflict(STALE_UPDATE_MESSAGE)
    if renamed:
        ids = [pid for pid, _ in renamed]
        for start in range(0, len(ids), 900):
            db.session.execute(delete(PersonNameKey.__table__)
                               .where(PersonNameKey.__table__.c.person_id.in_(ids[start:start + 900])))
        keys = [key for pid, name in renamed for key in columns.name_key_rows(pid, name)]
        db.session.execute(insert(PersonNameKey.__table__), keys)


_DATE_FIELDS = ("outside_since", "returned_on")


def _row_values(present: list[tuple[int, str, bool]], raw: list[Any]) -> dict[str, Any]:
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


def check_file(actor, source: SourceFile, *, apply: bool = False) -> CheckResult:
    """Validate every row of `source`; with `apply`, also write the good rows (no commit)."""
    return _check(_Context(actor), source, apply=apply)


def prepare_file(actor, source: SourceFile) -> Prepared:
    """Validate every row of `source` as `check_file` does and derive what a commit would write
    (the new people's rows, the updates' changed values) without writing anything."""
    ctx = _Context(actor)
    # Uncapped while checking: rows checked in worker processes report their errors later, and
    # the cap keeps the first errors in row-checking order (the order of the in-process check).
    ctx.prepared = Prepared(ctx.fingerprint(), _UncappedResult())
    ctx.parallel = _Parallel.for_app()
    if ctx.parallel is not None:
        ctx.parallel.context = ctx
    try:
        _check(ctx, source, apply=False, result=ctx.prepared.result)
    finally:
        if ctx.parallel is not None:
            ctx.parallel.close()
    return ctx.prepared


class _UncappedResult(CheckResult):
    """Keeps every error while checking; `_check_rows` applies the cap at the end."""

    def refuse(self, row: int, column: str, reason: str, id_masked: str = "") -> None:
        self.refused_rows.add(row)
        self.errors.append(RowError(row, column, reason, id_masked))


# Files with more rows than this have their further chunks checked and derived in worker
# processes (fork: the workers inherit the loaded reference data and the key ring, and receive
# plain rows; they never touch the database).
PARALLEL_FROM = 10_000
MAX_WORKERS = 4
WORKER_TIMEOUT = 120  # seconds to wait for one chunk's result (a chunk takes well under one)
_WORKER_CTX: _Context | None = None  # set in each worker process (`_init_worker`)


# A matched person's columns as a plain tuple for a worker (the select's columns, in order).
_Current = namedtuple("_Current", ("id_number_hash", *_CURRENT_COLUMNS))


def _init_worker(ctx: _Context) -> None:
    global _WORKER_CTX
    _WORKER_CTX = ctx


def _work_chunk(items: list[tuple], currents: list[tuple]) -> tuple:
    """In a worker process: `_run_chunk` with the context the pool was forked with."""
    return _run_chunk(_WORKER_CTX, items, currents)


def _run_chunk(ctx: _Context, items: list[tuple], currents: list[tuple]) -> tuple:
    """`_evaluate` one chunk (plain data in) with derived rows; returns plain results and the new
    rows already packed and pickled (the parent stores them as they are)."""
    saved = ctx.prepared
    result = _UncappedResult()
    ctx.prepared = Prepared("", result)
    try:
        pending = [_Pending(row, seq, IdNumberInfo(number, born, gender), number_hash, values)
                   for row, seq, number, born, gender, number_hash, values in items]
        current_by_hash = {bytes(row[0]): _Current(*row) for row in currents}
        with _no_cyclic_gc():
            _evaluate(ctx, result, pending, current_by_hash, derive=True)
            blob = pickle.dumps(_pack_rows(ctx.prepared.new_rows), protocol=pickle.HIGHEST_PROTOCOL)
        updates = [(seq, pid, changed, tuple(seen)) for seq, pid, changed, seen in ctx.prepared.updates]
        return (result.new, result.updated, result.unchanged, list(result.refused_rows),
                [e.as_list() for e in result.errors], blob, updates)
    finally:
        ctx.prepared = saved


class _Parallel:
    """Worker processes for the chunks of a large file, started once `PARALLEL_FROM` rows have
    been read; any failure to start them leaves the check in-process."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.context: _Context | None = None
        self.pool = None
        self.failed = False
        # Per chunk: errors recorded before it, the pending result, its plain input.
        self.marks: list[tuple[int, Any, list[tuple], list[tuple]]] = []

    @classmethod
    def for_app(cls) -> _Parallel | None:
        workers = current_app.config.get("PERSON_IMPORT_WORKERS")
        if workers is None:
            workers = min(os.cpu_count() or 1, MAX_WORKERS)
        return cls(workers) if workers >= 2 else None

    def ready(self, rows: int) -> bool:
        if self.pool is None and not self.failed and rows > PARALLEL_FROM:
            self._start()
        return self.pool is not None

    def _start(self) -> None:
        try:
            # Fork: the context reaches the workers as memory, never pickled (the key ring is not
            # picklable); each preview's pool gets its own, even with previews in several threads.
            self.pool = multiprocessing.get_context("fork").Pool(self.workers, initializer=_init_worker,
                                                                  initargs=(self.context,))
        except Exception:  # noqa: BLE001 - no fork (or a daemonic process): check in-process
            current_app.logger.warning("person import: worker processes unavailable", exc_info=True)
            self.failed = True
            self.pool = None

    def submit(self, result: CheckResult, pending: list[_Pending], current_by_hash: dict[bytes, Any]) -> None:
        # The ID's parts rather than the dataclass: half the pickling work either side.
        items = [(p.row, p.seq, p.info.number, p.info.birth_date, p.info.gender, p.hash, p.values) for p in pending]
        currents = [tuple(row) for row in current_by_hash.values()]
        task = self.pool.apply_async(_work_chunk, (items, currents))
        self.marks.append((len(result.errors), task, items, currents))

    def _output(self, ctx: _Context, task: Any, items: list[tuple], currents: list[tuple]) -> tuple:
        """A chunk's worker output; should the workers fail, die or hang, the chunk (and every
        later one) is checked in this process instead — the same function, the same output."""
        if self.pool is not None:
            try:
                return task.get(timeout=WORKER_TIMEOUT)
            except Exception:  # noqa: BLE001 - whatever happened to the worker: do it here
                current_app.logger.warning("person import: worker failed, checking in-process", exc_info=True)
                self.failed = True
                self.close()
        return _run_chunk(ctx, items, currents)

    def gather(self, ctx: _Context, result: CheckResult) -> None:
        """Merge the workers' results in chunk order (errors where the chunk was checked)."""
        if not self.marks:
            return
        prepared = ctx.prepared
        merged: list[RowError] = []
        position = 0
        for at, task, items, currents in self.marks:
            new, updated, unchanged, refused_rows, errors, blob, updates = self._output(ctx, task, items, currents)
            result.new += new
            result.updated += updated
            result.unchanged += unchanged
            result.refused_rows.update(refused_rows)
            merged.extend(result.errors[position:at])
            merged.extend(RowError(*e) for e in errors)
            position = at
            prepared.new_row_blobs.append(blob)
            prepared.updates.extend((seq, pid, changed, _Seen(*seen)) for seq, pid, changed, seen in updates)
        merged.extend(result.errors[position:])
        result.errors = merged
        self.marks = []

    def close(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: the rows of a file make many small objects that all
    live until the end, which the collector would walk again and again for nothing (checking,
    pickling and unpickling them makes no cycles worth collecting meanwhile)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _check(ctx: _Context, source: SourceFile, *, apply: bool, result: CheckResult | None = None) -> CheckResult:
    with _no_cyclic_gc():
        return _check_rows(ctx, source, apply=apply, result=result if result is not None else CheckResult())


def _check_rows(ctx: _Context, source: SourceFile, *, apply: bool, result: CheckResult) -> CheckResult:
    rows = iter_rows(source)
    header = None
    for first in rows:
        if any(c not in (None, "") for c in first):
            header = first
            break
    if header is None:
        raise ImportFileError("文件是空的。")
    fields = map_header(list(header))
    result.columns = [name for name in fields if name is not None]
    ctx.use_columns(result.columns)
    present = [(index, name, name in _DATE_FIELDS) for index, name in enumerate(fields) if name is not None]
    id_label = HEADER_LABELS["id_number"]
    today = ctx.today
    seen = ctx.seen
    ring = ctx.ring
    row_number = 1
    seq = 0
    pending: list[_Pending] = []
    for raw in rows:
        row_number += 1
        if not any(c not in (None, "") for c in raw):
            continue
        result.total += 1
        values = _row_values(present, raw)
        id_value = values.pop("id_number", None)
        if id_value is _EXCEL_NUMBER:
            result.refuse(row_number, id_label, EXCEL_NUMBER_MESSAGE)
            continue
        if id_value is None:
            result.refuse(row_number, id_label, "请填写身份证号码。")
            continue
        try:
            info = parse_id_number(id_value, today=today)
        except InvalidIdNumber as error:
            shown = clean_id_input(id_value)
            result.refuse(row_number, id_label, str(error), mask_id_number(shown) if len(shown) == 18 else "")
            continue
        number_hash = columns.id_hash(info.number, ring)
        first_row = seen.get(number_hash)
        if first_row is not None:
            result.refuse(row_number, id_label,
                          f"与第 {first_row} 行的身份证号码重复（同一文件中每人只能出现一次）。",
                          mask_id_number(info.number))
            continue
        seen[number_hash] = row_number
        _translate(ctx, values)
        pending.append(_Pending(row_number, seq, info, number_hash, values))
        seq += 1
        if len(pending) >= CHUNK_ROWS:
            _process_chunk(ctx, result, pending, apply)
            pending = []
    _process_chunk(ctx, result, pending, apply)
    if ctx.parallel is not None:
        ctx.parallel.gather(ctx, result)
    if isinstance(result, _UncappedResult):
        del result.errors[MAX_STORED_ERRORS:]  # the first ones in checking order, as `refuse` keeps
    result.errors.sort(key=lambda e: e.row)
    return result


# ---------------------------------------------------------------------------------------------
# The prepared outcome: written at preview, used by the commit when still fresh

PREPARED_FORMAT = 1
PREPARED_MAGIC = b"FXCY-PERSON-IMPORT-PREPARED\n"
PREPARED_PURPOSE = "person-import-prepared"
_MAC_BYTES = 32


def prepared_path(batch: PersonImport) -> Path:
    path = stored_path(batch)
    return path.with_name(path.name + ".prepared")


def _prepared_mac(batch: PersonImport, payload: bytes) -> bytes:
    """HMAC (the key ring's lookup-hash key) of the payload's digest, bound to the batch and its
    file: a prepared file cannot be altered, nor moved to another batch."""
    digest = hashlib.sha256(payload).hexdigest()
    return crypto.ring().lookup_hash(f"{batch.id}:{batch.file_hash}:{digest}", PREPARED_PURPOSE)


# Timestamps of a new row: the moment of writing, not of the preview.
_STAMPS = ("created_at", "updated_at")


def _same(values: tuple) -> bool:
    first = values[0]
    return values.count(first) == len(values) and set(map(type, values)) == {type(first)}


def _pack_rows(rows: list[tuple[int, dict[str, Any]]]) -> list[tuple]:
    """New rows column by column (pickles several times faster than dicts): per set of keys,
    the sequence numbers, the keys in order, the values every row shares, and a tuple per
    column whose values differ."""
    groups: dict[tuple[str, ...], list[tuple[int, dict[str, Any]]]] = {}
    for seq, row in rows:
        groups.setdefault(tuple(row), []).append((seq, row))
    packed = []
    for keys, members in groups.items():
        getter = itemgetter(*keys)
        table = [getter(row) for _, row in members] if len(keys) > 1 else [(row[keys[0]],) for _, row in members]
        shared: dict[str, Any] = {}
        varying: dict[str, tuple] = {}
        for key, values in zip(keys, zip(*table, strict=True), strict=True):
            if key in _STAMPS:  # set again at the commit (as `write.insert_new_people` does)
                shared[key] = None
            elif _same(values):
                shared[key] = values[0]
            else:
                varying[key] = values
        packed.append(([seq for seq, _ in members], keys, shared, varying))
    return packed


def _unpack_rows(packed: list[tuple], blobs: list[bytes] = ()) -> list[tuple[int, dict[str, Any]]]:
    """The rows of `_pack_rows`, and of its pickled outputs (`blobs`, part of the payload that
    `load_prepared` authenticated), in sequence order."""
    rows: list[tuple[int, dict[str, Any]]] = []
    now = clock.now()
    groups = list(packed)
    for blob in blobs:
        # nosec B301: inside the HMAC-verified payload, written by this app's own workers.
        groups.extend(pickle.loads(blob))  # noqa: S301  # nosec B301
    for seqs, keys, shared, varying in groups:
        template = {key: shared.get(key) for key in keys}  # the keys in their order
        template.update((key, now) for key in _STAMPS if key in template)
        names = list(varying)
        columns_ = [varying[name] for name in names]
        for seq, values in zip(seqs, zip(*columns_, strict=True) if columns_ else ((),) * len(seqs), strict=True):
            row = template.copy()
            row.update(zip(names, values, strict=True))
            rows.append((seq, row))
    rows.sort(key=lambda item: item[0])
    return rows


def _to_payload(prepared: Prepared) -> dict[str, Any]:
    result = prepared.result
    return {
        "format": PREPARED_FORMAT,
        "fingerprint": prepared.fingerprint,
        "result": (result.columns, result.total, result.new, result.updated, result.unchanged,
                   sorted(result.refused_rows), [e.as_list() for e in result.errors]),
        "pending": prepared.pending,
        "hashes": prepared.hashes,
        "matched": prepared.matched,
        "new_rows": _pack_rows(prepared.new_rows),
        "new_row_blobs": prepared.new_row_blobs,
        "updates": [(seq, pid, changed, tuple(seen)) for seq, pid, changed, seen in prepared.updates],
    }


def _from_payload(data: dict[str, Any]) -> Prepared:
    columns_, total, new, updated, unchanged, refused_rows, errors = data["result"]
    result = CheckResult(columns=list(columns_), total=total, new=new, updated=updated, unchanged=unchanged,
                         refused_rows=set(refused_rows), errors=[RowError(*e) for e in errors])
    return Prepared(
        fingerprint=data["fingerprint"], result=result, pending=data["pending"], hashes=data["hashes"],
        matched=data["matched"], new_rows=_unpack_rows(data["new_rows"], data["new_row_blobs"]),
        updates=[(seq, pid, changed, _Seen(*seen)) for seq, pid, changed, seen in data["updates"]],
    )


def save_prepared(batch: PersonImport, prepared: Prepared) -> Path:
    """Write the prepared outcome next to the stored upload: magic, HMAC, pickle."""
    with _no_cyclic_gc():
        payload = pickle.dumps(_to_payload(prepared), protocol=pickle.HIGHEST_PROTOCOL)
    path = prepared_path(batch)
    temporary = path.with_name(path.name + f".{uuid.uuid4().hex}.tmp")
    with open(temporary, "wb") as out:
        out.write(PREPARED_MAGIC + _prepared_mac(batch, payload) + payload)
    temporary.chmod(0o600)
    os.replace(temporary, path)
    return path


def load_prepared(batch: PersonImport) -> Prepared | None:
    """The batch's prepared outcome, or None when missing, not authentic or unreadable."""
    path = prepared_path(batch)
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = len(PREPARED_MAGIC)
    if not data.startswith(PREPARED_MAGIC) or len(data) < head + _MAC_BYTES:
        return None
    mac, payload = data[head:head + _MAC_BYTES], data[head + _MAC_BYTES:]
    if not hmac.compare_digest(mac, _prepared_mac(batch, payload)):
        current_app.logger.warning("import batch %s: prepared outcome does not authenticate", batch.id)
        return None
    try:
        # nosec B301: authenticated above (HMAC with the app's hash key), a file the app itself
        # wrote into its own instance folder — never user input.
        with _no_cyclic_gc():
            loaded = pickle.loads(payload)  # noqa: S301  # nosec B301
            if loaded.get("format") != PREPARED_FORMAT:
                return None
            return _from_payload(loaded)
    except Exception:  # noqa: BLE001 - any unreadable payload means: check the file again
        current_app.logger.warning("import batch %s: prepared outcome unreadable", batch.id, exc_info=True)
        return None


def _people_unchanged(prepared: Prepared) -> bool:
    """Do the ID numbers of the file match exactly the people (and versions) the preview saw?
    A person registered since with one of the new IDs, or an edited matched person, says no."""
    return _people_by_hash(prepared.hashes) == prepared.matched


def _commit_prepared(actor, prepared: Prepared) -> CheckResult | None:
    """Write a still-fresh prepared outcome exactly as the full check would (same chunks, same
    order); None (nothing written) when the library changed since the preview."""
    ctx = _Context(actor)
    if prepared.fingerprint != ctx.fingerprint() or not _people_unchanged(prepared):
        return None
    result = prepared.result
    result.person_ids = []
    chunks = -(-prepared.pending // CHUNK_ROWS)
    new_by_chunk: list[list[dict[str, Any]]] = [[] for _ in range(chunks)]
    updates_by_chunk: list[list[tuple[int, dict[str, Any], Any]]] = [[] for _ in range(chunks)]
    for seq, row in prepared.new_rows:
        new_by_chunk[seq // CHUNK_ROWS].append(row)
    for seq, person_id, changed, seen in prepared.updates:
        updates_by_chunk[seq // CHUNK_ROWS].append((person_id, changed, seen))
    for new_rows, updates in zip(new_by_chunk, updates_by_chunk, strict=True):
        _write_chunk(ctx, result, new_rows, updates)
    return result


# ---------------------------------------------------------------------------------------------
# Batches


def import_folder() -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / "person-imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stored_path(batch: PersonImport) -> Path:
    ext = Path(batch.file_name).suffix.lower()
    return import_folder() / f"{batch.file_hash}-{batch.id}{ext}"


def save_upload(stream, file_name: str) -> tuple[Path, str]:
    """Copy an uploaded stream to a temporary file, hashing it on the way."""
    digest = hashlib.sha256()
    path = import_folder() / f"upload-{uuid.uuid4().hex}{Path(file_name).suffix.lower()}"
    with open(path, "wb") as out:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
            out.write(chunk)
    return path, digest.hexdigest()


def _safe_file_name(name: str | None) -> str:
    name = os.path.basename((name or "").replace("\\", "/")).strip()
    name = "".join(ch for ch in name if ch.isprintable())
    return name[-200:] or "upload"


def _fill(batch: PersonImport, result: CheckResult) -> None:
    batch.columns = result.columns
    batch.rows_total = result.total
    batch.rows_new = result.new
    batch.rows_updated = result.updated
    batch.rows_unchanged = result.unchanged
    batch.rows_refused = result.refused
    batch.errors = [e.as_list() for e in result.errors]


def preview_import(actor, stream, file_name: str | None) -> PersonImport:
    """Check an uploaded file and record a previewed batch (the file is kept until commit)."""
    if not access.can_import_persons(actor):
        raise Forbidden("您的角色不能导入人员。")
    name = _safe_file_name(file_name)
    file_kind(name)  # refuses a wrong extension before saving anything
    path, digest = save_upload(stream, name)
    try:
        source = open_source(path, name)
        prepared = prepare_file(actor, source)
    except Exception:
        path.unlink(missing_ok=True)
        raise
    result = prepared.result
    batch = PersonImport(user_id=actor.id, username=actor.username, region_id=access.import_home(actor).id,
                         file_name=name, file_hash=digest, file_format=source.label,
                         status=ImportStatus.PREVIEWED)
    _fill(batch, result)
    db.session.add(batch)
    db.session.flush()
    path.rename(stored_path(batch))
    try:
        save_prepared(batch, prepared)
    except Exception:  # noqa: BLE001 - only a shortcut: without it the commit checks the file again
        current_app.logger.warning("import batch %s: prepared outcome not saved", batch.id, exc_info=True)
    audit.record("person_import_preview", batch, actor=actor,
                 detail=f"预览导入 {name}：共 {result.total} 行，新增 {result.new}，更新 {result.updated}，"
                        f"无变化 {result.unchanged}，拒绝 {result.refused}")
    db.session.flush()
    return batch


def commit_import(actor, batch: PersonImport) -> PersonImport:
    """Write a previewed batch in the caller's transaction: the preview's prepared outcome when
    the library is unchanged since, else the file checked again (the full path). Raises on any
    write error; the caller rolls back (nothing half-applied)."""
    if not access.can_commit_import(actor, batch):
        raise Forbidden("只有上传该文件的用户可以确认导入。")
    if batch.status != ImportStatus.PREVIEWED:
        raise Conflict("该批次已经处理，不能再次导入。")
    path = stored_path(batch)
    if not path.exists():
        raise Conflict("上传的文件已不存在，请重新上传。")
    # Claim the batch first: on SQLite this takes the write lock, so ids assigned below are ours;
    # a second commit of the same batch finds the status changed and gets 409.
    claimed = db.session.execute(
        update(PersonImport.__table__)
        .where(PersonImport.__table__.c.id == batch.id, PersonImport.__table__.c.status == ImportStatus.PREVIEWED.value)
        .values(status=ImportStatus.COMMITTED.value, committed_at=clock.now()))
    if claimed.rowcount != 1:
        raise Conflict("该批次已经处理，不能再次导入。")
    with _no_cyclic_gc():
        prepared = load_prepared(batch)
        result = _commit_prepared(actor, prepared) if prepared is not None else None
        if result is None:  # no usable prepared outcome, or the library changed: check everything again
            source = open_source(path, batch.file_name)
            result = check_file(actor, source, apply=True)
        del prepared  # the written rows: free them before the next allocations
        batch_id = batch.id
        items = [{"batch_id": batch_id, "person_id": pid, "change": change} for pid, change in result.person_ids]
        write.insert_rows(PersonImportItem.__table__, items)
    db.session.refresh(batch)
    _fill(batch, result)
    audit.record("person_import", batch, actor=actor,
                 changes={"new": result.new, "updated": result.updated, "unchanged": result.unchanged,
                          "refused": result.refused},
                 detail=f"导入 {batch.file_name}（批次 #{batch.id}，SHA-256 {batch.file_hash[:12]}…）："
                        f"新增 {result.new}，更新 {result.updated}，无变化 {result.unchanged}，拒绝 {result.refused}")
    db.session.flush()
    return batch


def discard_file(batch: PersonImport) -> None:
    """Remove the stored upload and its prepared outcome (after commit: the library holds the
    data now)."""
    stored_path(batch).unlink(missing_ok=True)
    prepared_path(batch).unlink(missing_ok=True)


def mark_failed(batch_id: int, actor, message: str) -> None:
    """After a rolled-back commit: record the failure on the batch (own transaction)."""
    db.session.execute(update(PersonImport.__table__).where(PersonImport.__table__.c.id == batch_id)
                       .values(status=ImportStatus.FAILED.value))
    audit.record("person_import", actor=actor, object_type="person_import", object_id=batch_id,
                 result=audit.RESULT_FAILED, detail=message[:500])
    db.session.flush()


def visible_batches(actor, limit: int = 50) -> list[PersonImport]:
    stmt = select(PersonImport).where(access.imports_condition(actor)).order_by(PersonImport.id.desc()).limit(limit)
    return list(db.session.scalars(stmt))


# ---------------------------------------------------------------------------------------------
# Template and error report


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
    def enum_text(enum_cls) -> str:
        return "；".join(f"{m.value} 或 {m.label}" for m in enum_cls)

    def code_text(list_name: CodeList) -> str:
        return "；".join(f"{code} 或 {label}" for code, label in codes.choices(list_name).items())

    yes_no = "是 / 否 / 未评估（空白表示不改变）"
    return {
        "id_number": "18 位居民身份证号码（15 位旧号码自动转换），性别和出生日期由号码得出。",
        "name": "汉字姓名，少数民族姓名用间隔号“·”。",
        "phone": "手机号（11 位）或带区号的固定电话，如 0717-6543210。",
        "village_code": "12 位村（社区）区划代码，见“村（社区）代码”表；只能导入您管辖范围内的村。",
        "source": enum_text(PersonSource),
        "status": enum_text(PersonStatus),
        "work_region": code_text(CodeList.WORK_REGION),
        "work_industry": code_text(CodeList.INDUSTRY),
        "intended_industry": code_text(CodeList.INDUSTRY),
        "outside_since": "日期，如 2023-03-01。",
        "returned_on": "日期，如 2025-01-20；不能早于外出务工起始日期。",
        "skills": "多项用顿号或逗号分隔，最多 20 项。",
        "intention": enum_text(Intention),
        "intended_form": enum_text(BusinessForm),
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

