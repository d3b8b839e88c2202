"""Checking an import file's rows with the person library's own validators (`operations.clean`
with preloaded `Lookups`, `validators.parse_id_number`), in chunks of `CHUNK_ROWS`: the counts
and every refused row (row number, column, Chinese reason); with `apply`, the good rows are
written (`write.insert_new_people`, and updates each only at the version it was checked at).
With a `Prepared` on the context, the rows a commit would write are derived instead."""
from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import bindparam, delete, insert, select, update

from app.codes import operations as codes
from app.core import clock, crypto
from app.core.access import person_scale as access
from app.core.errors import Conflict, FieldErrorCollector
from app.core.masking import mask_id_number
from app.core.validators import InvalidIdNumber, clean_id_input, parse_id_number
from app.extensions import db
from app.persons import columns, write
from app.persons import operations as ops
from app.persons.fields import CODE, ENUM, FIELD, FIELDS
from app.persons.imports.read import (
    DATE_FIELDS,
    EXCEL_NUMBER,
    EXCEL_NUMBER_MESSAGE,
    HEADER_LABELS,
    REQUIRED_FOR_NEW,
    ImportFileError,
    SourceFile,
    iter_rows,
    map_header,
    row_values,
)
from app.persons.models import (
    Person,
    PersonNameKey,
)
from app.regions.models import RegionLevel

if TYPE_CHECKING:
    from app.persons.imports.parallel import Parallel

# Columns whose cells may hold a Chinese label instead of the code (the declared fields' enums and
# code lists).
ENUM_FIELDS = {f.name: {member: member.label for member in f.enum} for f in FIELDS if f.kind == ENUM}
CODE_FIELDS = {f.name: f.code_list for f in FIELDS if f.kind == CODE}
NOT_ASSESSED_WORDS = {"未评估", "待评估"}

CHUNK_ROWS = 2000
MAX_STORED_ERRORS = 20000

# Format of the prepared outcome (`prepared.py`); part of the fingerprint, so a new format
# never reads an old file.
PREPARED_FORMAT = 1


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
CURRENT_COLUMNS = ("id", "village_id", "township_id", "county_id", "archived_at", "name", "phone_hash",
                    "version") + tuple(f for f in ops.EDITABLE_FIELDS if f not in ("name", "phone", "village_code"))


class _Home(NamedTuple):
    id: int
    level: RegionLevel


class Context:
    def __init__(self, actor) -> None:
        self.actor = actor
        self.lookups = ops.Lookups.load()
        self.ring = crypto.ring()
        home = access.import_home(actor)
        # A plain copy (all `region_row_in_scope` reads): never an ORM object that could load.
        self.home = _Home(home.id, home.level) if home is not None else None
        self.today = clock.today()
        self.labels = {f: {label: member.value for member, label in enum_labels.items()}
                       for f, enum_labels in ENUM_FIELDS.items()}
        self.code_labels = {f: {label: code for code, label in codes.labels(list_name).items()}
                            for f, list_name in CODE_FIELDS.items()}
        # Label translations of the columns a file has (`use_columns`); all until then.
        self.translations = [*self.labels.items(), *self.code_labels.items()]
        self.assessments = list(ops.ASSESSMENT_FIELDS)
        self.seen: dict[bytes, int] = {}
        self.prepared: Prepared | None = None
        self.parallel: Parallel | None = None

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


def _translate(ctx: Context, values: dict[str, Any]) -> None:
    """Chinese labels of enums and code lists to their codes; 未评估 to None."""
    for name, mapping in ctx.translations:
        value = values.get(name)
        if isinstance(value, str) and value in mapping:
            values[name] = mapping[value]
    for name in ctx.assessments:
        if values.get(name) in NOT_ASSESSED_WORDS:
            values[name] = "none"


@dataclass
class Pending:
    row: int
    seq: int  # position among the rows that reach the library check (chunks are cut over it)
    info: Any
    hash: bytes
    values: dict[str, Any]


class Seen(NamedTuple):
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
    updates: list[tuple[int, int, dict[str, Any], Seen]] = field(default_factory=list)  # seq, id, changed
    new_row_blobs: list[bytes] = field(default_factory=list)  # pickled `pack_rows` from worker processes


def _errors_to_result(result: CheckResult, row: int, fields: dict[str, list[str]], masked: str) -> None:
    for name, messages in fields.items():
        column = HEADER_LABELS.get(name) or (FIELD[name].label if name in FIELD else name)
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


def people_by_hash(hashes: list[bytes]) -> dict[bytes, tuple[int, int]]:
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


def _process_chunk(ctx: Context, result: CheckResult, pending: list[Pending], apply: bool) -> None:
    if not pending:
        return
    table = Person.__table__
    current_by_hash: dict[bytes, Any] = {}
    hashes = [p.hash for p in pending]
    known = list(people_by_hash(hashes))  # most IDs of a large file are new: read only the others
    for start in range(0, len(known), LOOKUP_CHUNK):
        part = known[start:start + LOOKUP_CHUNK]
        stmt = select(table.c.id_number_hash, *(table.c[c] for c in CURRENT_COLUMNS)) \
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
    new_rows, updates = evaluate(ctx, result, pending, current_by_hash, derive=apply or prepared is not None)
    if apply:
        write_chunk(ctx, result, new_rows, updates)


def evaluate(ctx: Context, result: CheckResult, pending: list[Pending], current_by_hash: dict[bytes, Any], *,
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
                seen = Seen(current.version, current.willing, current.capable, current.creditworthy)
                prepared.updates.append((item.seq, current.id, changed, seen))
    return new_rows, updates


def write_chunk(ctx: Context, result: CheckResult, new_rows: list[dict[str, Any]], updates: list) -> None:
    """Write one chunk's new people and updates; record their ids on the result."""
    ids = write.insert_new_people(new_rows)
    result.person_ids.extend((pid, "new") for pid in ids)
    _apply_updates(ctx, updates)
    result.person_ids.extend((pid, "updated") for pid, _, _ in updates)


STALE_UPDATE_MESSAGE = "导入期间有人员记录被他人修改，请重新上传文件预览后再导入。"


def _apply_updates(ctx: Context, updates: list) -> None:
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



def check_file(actor, source: SourceFile, *, apply: bool = False) -> CheckResult:
    """Validate every row of `source`; with `apply`, also write the good rows (no commit)."""
    return run_check(Context(actor), source, apply=apply)



class UncappedResult(CheckResult):
    """Keeps every error while checking; `check_rows` applies the cap at the end."""

    def refuse(self, row: int, column: str, reason: str, id_masked: str = "") -> None:
        self.refused_rows.add(row)
        self.errors.append(RowError(row, column, reason, id_masked))



@contextmanager
def no_cyclic_gc() -> Iterator[None]:
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


def run_check(ctx: Context, source: SourceFile, *, apply: bool, result: CheckResult | None = None) -> CheckResult:
    with no_cyclic_gc():
        return check_rows(ctx, source, apply=apply, result=result if result is not None else CheckResult())


def check_rows(ctx: Context, source: SourceFile, *, apply: bool, result: CheckResult) -> CheckResult:
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
    present = [(index, name, name in DATE_FIELDS) for index, name in enumerate(fields) if name is not None]
    id_label = HEADER_LABELS["id_number"]
    today = ctx.today
    seen = ctx.seen
    ring = ctx.ring
    row_number = 1
    seq = 0
    pending: list[Pending] = []
    for raw in rows:
        row_number += 1
        if not any(c not in (None, "") for c in raw):
            continue
        result.total += 1
        values = row_values(present, raw)
        id_value = values.pop("id_number", None)
        if id_value is EXCEL_NUMBER:
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
        pending.append(Pending(row_number, seq, info, number_hash, values))
        seq += 1
        if len(pending) >= CHUNK_ROWS:
            _process_chunk(ctx, result, pending, apply)
            pending = []
    _process_chunk(ctx, result, pending, apply)
    if ctx.parallel is not None:
        ctx.parallel.gather(ctx, result)
    if isinstance(result, UncappedResult):
        del result.errors[MAX_STORED_ERRORS:]  # the first ones in checking order, as `refuse` keeps
    result.errors.sort(key=lambda e: e.row)
    return result

