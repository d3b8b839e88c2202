"""The fast write path for many new people: the import and the benchmark generator (issue 4).

Rows are built by `bulk.person_row` (the same derived columns as every other writer: cipher,
hash, mask, gender, birth date, `name_sort`, `is_sanyou`); this module writes them without the
ORM and without RETURNING:

- ids are allocated up front (`allocate_ids`: `nextval` of the sequence on PostgreSQL; on SQLite
  `max(id) + 1 …`, safe because the caller's transaction already holds the write lock — the
  import claims its batch row first, the generator is alone);
- values go through each column's own SQLAlchemy bind processor (so the stored format is the
  ORM's: dates, UTC datetimes, JSON, enums), then to the driver: `cursor.executemany` on SQLite,
  `COPY … FROM STDIN` on PostgreSQL;
- the name search keys of the new people follow the same way (`person_name_keys`), computed once
  per distinct name.

`insert_new_people` = `allocate_ids` → `prepare_new_people` (ids, timestamps, driver form, name
keys: no connection needed) → `write_prepared` (`write_tuples` for the people and the keys). The
generator runs the preparation in worker processes and the writes in its main process.

Everything runs in the caller's transaction: a failure raises and the caller rolls back.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, LargeBinary, Table, func, select, text
from sqlalchemy.engine import Dialect

from app.core import clock, crypto
from app.core.validators import IdNumberInfo
from app.extensions import db
from app.persons import bulk
from app.persons.models import Person, PersonNameKey
from app.persons.names import search_keys

BATCH_ROWS = 5000


def new_person_row(info: IdNumberInfo, name: str, village: Any, *, phone: str | None = None,
                   ring: crypto.KeyRing | None = None, now: datetime | None = None, number_hash: bytes | None = None,
                   **fields: Any) -> dict[str, Any]:
    """Column values of one new person (see `bulk.person_row`)."""
    return bulk.person_row(info, name, village, phone=phone, ring=ring, now=now, number_hash=number_hash, **fields)


@lru_cache(maxsize=200_000)
def name_keys(name: str) -> tuple[str, ...]:
    return tuple(sorted(search_keys(name)))


def _is_postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def allocate_ids(count: int) -> list[int]:
    """`count` new person ids (see the module docstring for why this is safe on SQLite)."""
    if count <= 0:
        return []
    if _is_postgres():
        rows = db.session.execute(
            text("SELECT nextval(pg_get_serial_sequence('persons', 'id')) FROM generate_series(1, :n)"),
            {"n": count})
        return [r[0] for r in rows]
    start = (db.session.scalar(select(func.max(Person.id))) or 0) + 1
    return list(range(start, start + count))


MEMO_LIMIT = 50_000


def row_converter(table: Table, names: Sequence[str], dialect: Dialect | None = None):
    """A function mapping a list of dict rows (keys `names`) to the driver form `write_tuples`
    sends: one list per row, in the order of `names`, each value through its column's bind
    processor for `dialect` (default: the session's), memoised per column — enums, booleans,
    dates, timestamps of one batch and empty JSON lists repeat across rows, so each distinct value
    is converted once. Touches no connection: bulk writers may convert in a worker process."""
    names = list(names)
    dialect = dialect or db.session.get_bind().dialect
    converters = []
    for index, name in enumerate(names):
        column_type = table.c[name].type
        if isinstance(column_type, LargeBinary):  # bytes go to both drivers as they are
            continue
        process = column_type._cached_bind_processor(dialect)
        if process is not None:
            converters.append((index, {}, process, isinstance(table.c[name].type, JSON)))
    getter = itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))

    def tuples(chunk):
        out = []
        for row in chunk:
            values = list(getter(row))
            for index, memo, process, is_json in converters:
                value = values[index]
                if value is None:
                    continue
                key = tuple(value) if is_json and isinstance(value, list) else value
                found = memo.get(key, memo)
                if found is memo:
                    found = process(value)
                    if len(memo) < MEMO_LIMIT:
                        memo[key] = found
                values[index] = found
            out.append(values)
        return out

    tuples.names = names
    return tuples


def insert_rows(table: Table, rows: Iterable[dict[str, Any]], names: Sequence[str] | None = None) -> int:
    """Insert plain dict rows (every row has the same keys) through the driver in the current
    transaction (`row_converter`, then `write_tuples`). Returns the number of rows."""
    rows = list(rows) if not isinstance(rows, list) else rows
    if not rows:
        return 0
    names = list(names or rows[0].keys())
    write_tuples(table, names, rows, row_converter(table, names))
    return len(rows)


def write_tuples(table: Table, names: Sequence[str], rows: list, convert=None) -> None:
    """Send rows in driver form (sequences in the order of `names`; `convert` maps a chunk to
    that form), `BATCH_ROWS` at a time: `cursor.executemany` on SQLite, `COPY … FROM STDIN` on
    PostgreSQL, in the current transaction."""
    convert = convert or (lambda chunk: chunk)
    raw = db.session.connection().connection.driver_connection
    columns = ", ".join(f'"{n}"' for n in names)
    if _is_postgres():
        with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
            for start in range(0, len(rows), BATCH_ROWS):
                for values in convert(rows[start:start + BATCH_ROWS]):
                    copy.write_row(values)
    else:
        marks = ", ".join("?" for _ in names)
        # Table and column names come from the SQLAlchemy metadata, never from input.
        sql = f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})'  # noqa: S608  # nosec B608 - identifiers from code-defined specs, no user input
        cursor = raw.cursor()
        try:
            for start in range(0, len(rows), BATCH_ROWS):
                cursor.executemany(sql, convert(rows[start:start + BATCH_ROWS]))
        finally:
            cursor.close()


@dataclass
class PreparedPeople:
    """New people in driver form, ready for `write_prepared`: the person columns (`names`), one
    list per person (`rows`), and the name keys as (key, person_id) pairs (in key order unless
    prepared with `sort_keys=False`)."""

    names: list[str]
    rows: list[list[Any]]
    keys: list[tuple[str, int]]


def prepare_new_people(rows: list[dict[str, Any]], ids: Sequence[int], now: datetime,
                       dialect: Dialect | None = None, converter=None, sort_keys: bool = True) -> PreparedPeople:
    """Everything `insert_new_people` computes before it writes, without a connection: ids and
    timestamps into the rows, values to driver form, name keys. `converter` (a `row_converter`
    for these columns) may be reused across batches; `sort_keys=False` leaves the keys in person
    order (for a bulk load that indexes every key at once afterwards)."""
    for person_id, row in zip(ids, rows, strict=True):
        row["id"] = person_id
        row["created_at"] = row["updated_at"] = now
    convert = converter or row_converter(Person.__table__, list(rows[0].keys()) if rows else [], dialect)
    # In key order: the key table is a B-tree clustered on (key, person_id), and sorted inserts
    # touch each page once instead of jumping across the tree for every row.
    pairs = [(key, person_id) for person_id, row in zip(ids, rows, strict=True) for key in name_keys(row["name"])]
    if sort_keys:
        if all(a < b for a, b in zip(ids, ids[1:], strict=False)):
            # Pairs are in ascending person_id already: a stable sort on the key alone gives
            # (key, person_id) order at half the cost of comparing tuples.
            pairs.sort(key=itemgetter(0))
        else:
            pairs.sort()
    return PreparedPeople(list(convert.names), convert(rows), pairs)


def write_prepared(prepared: PreparedPeople) -> None:
    """Write prepared people and their name keys in the current transaction."""
    write_tuples(Person.__table__, prepared.names, prepared.rows)
    write_tuples(PersonNameKey.__table__, ("key", "person_id"), prepared.keys)


# Context managers entered around a bulk insert of new people with the ids `first`…`last`
# (contiguous, every id in the range new). Later domains register one: the dashboard's counters
# set SQLite's per-row triggers aside and add the batch with one grouped statement.
BULK_INSERT_HOOKS: list[Callable[[int, int], AbstractContextManager]] = []
BULK_HOOK_MIN_ROWS = 200


def insert_new_people(rows: list[dict[str, Any]]) -> list[int]:
    """Insert new people (rows from `new_person_row`) and their name keys; returns their ids in
    the order of `rows`. A duplicate ID number violates the unique hash and raises."""
    if not rows:
        return []
    ids = allocate_ids(len(rows))
    # One timestamp per batch: the moment it was written.
    prepared = prepare_new_people(rows, ids, clock.now())
    contiguous = ids[-1] - ids[0] + 1 == len(ids)
    with ExitStack() as hooks:
        if contiguous and len(ids) >= BULK_HOOK_MIN_ROWS:
            for hook in BULK_INSERT_HOOKS:
                hooks.enter_context(hook(ids[0], ids[-1]))
        write_prepared(prepared)
    return ids
