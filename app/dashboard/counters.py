"""Counter tables kept by database triggers (issue 4 §4, issue 7 §5).

A counter table holds, per village (and whatever other key it needs, such as a year), sums over
the rows of a source table. Triggers on the source table keep it in step with every INSERT,
UPDATE and DELETE, so the operations, the import, the generator, region moves and hand-written
SQL all maintain it without knowing it exists, and a count is never stale: it changes in the
transaction of the write and is visible on the next request.

- SQLite: row triggers, each one an UPSERT adding the row's contribution (AFTER INSERT), taking
  away the old one (AFTER DELETE), or both (AFTER UPDATE OF the watched columns).
- PostgreSQL: statement triggers with transition tables, so a bulk write (COPY, executemany,
  a 100,000-row UPDATE) costs one grouped UPSERT per statement rather than one per row.

Counter rows are keyed by village, never by township or county: a region move
(`regions.operations.move_region`) changes which county a village belongs to, and the
aggregation joins `regions` at read time, so no counter has to move with it.

`rebuild()` recomputes every counter table from its source (one DELETE and one INSERT … SELECT
each); `flask dashboard rebuild-counters` runs it. Counter tables carry
`info={"maintained_by": "triggers"}`: the test suite's demo snapshot skips them.
"""
# Every SQL string here is built from the constant CounterSpec declarations, never from input.
# ruff: noqa: S608
from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field

from sqlalchemy import DDL, event, text

from app.extensions import db

Expr = str | dict[str, str]  # SQL with `{r}` for the row alias; a dict gives one per dialect


@dataclass(frozen=True)
class CounterSpec:
    """What a counter table sums: `keys` and `values` are (counter column, SQL over the source row)."""

    name: str  # short name for trigger and function names
    source: str  # source table
    counter: str  # counter table
    keys: Sequence[tuple[str, Expr]]
    values: Sequence[tuple[str, Expr]]
    where: Expr = "1 = 1"  # which source rows count
    watched: Sequence[str] = field(default_factory=tuple)  # source columns whose change matters
    # A key may depend on the founder's library status: `{founder_status}` in an expression is
    # the status of the person `{r}.founder_id` points at, and a trigger on `persons` moves the
    # counts when that status changes (`founder_statements`).
    founder_dependent: bool = False


SPECS: list[CounterSpec] = []


def register(spec: CounterSpec, counter_table) -> CounterSpec:
    """Attach the triggers to `create_all` (tests) and remember the spec (migrations, rebuild)."""
    if all(s.name != spec.name for s in SPECS):
        SPECS.append(spec)
    for dialect in ("sqlite", "postgresql"):
        for statement in create_statements(spec, dialect) + founder_statements(spec, dialect):
            # After the whole schema exists: the source table may be created after the counter.
            event.listen(db.metadata, "after_create", DDL(statement.replace("%", "%%")).execute_if(dialect=dialect))
    return spec


FOUNDER_STATUS = "(SELECT fp.status FROM persons fp WHERE fp.id = {r}.founder_id)"


def _sql(expr: Expr, dialect: str, row: str, founder_status: str | None = None) -> str:
    if isinstance(expr, dict):
        expr = expr[dialect]
    expr = expr.replace("{founder_status}", founder_status or FOUNDER_STATUS)
    return expr.replace("{r}", row)


def _select(spec: CounterSpec, dialect: str, row: str, sign: str = "") -> str:
    keys = ", ".join(_sql(e, dialect, row) for _, e in spec.keys)
    values = ", ".join(f"{sign}({_sql(e, dialect, row)})" for _, e in spec.values)
    return f"{keys}, {values}"


def _columns(spec: CounterSpec) -> tuple[str, str, str]:
    keys = ", ".join(c for c, _ in spec.keys)
    values = ", ".join(c for c, _ in spec.values)
    updates = ", ".join(f"{c} = {spec.counter}.{c} + excluded.{c}" for c, _ in spec.values)
    return keys, values, updates


def create_statements(spec: CounterSpec, dialect: str) -> list[str]:
    keys, values, updates = _columns(spec)
    if dialect == "sqlite":
        def upsert(row: str, sign: str) -> str:
            return (f"INSERT INTO {spec.counter} ({keys}, {values}) "  # nosec B608 - identifiers from code-defined specs, no user input
                    f"SELECT {_select(spec, dialect, row, sign)} WHERE {_sql(spec.where, dialect, row)} "
                    f"ON CONFLICT ({keys}) DO UPDATE SET {updates};")

        watched = f" OF {', '.join(spec.watched)}" if spec.watched else ""
        return [
            f"CREATE TRIGGER {spec.name}_ins AFTER INSERT ON {spec.source} BEGIN {upsert('NEW', '')} END",
            f"CREATE TRIGGER {spec.name}_del AFTER DELETE ON {spec.source} BEGIN {upsert('OLD', '-')} END",
            f"CREATE TRIGGER {spec.name}_upd AFTER UPDATE{watched} ON {spec.source} "
            f"BEGIN {upsert('OLD', '-')} {upsert('NEW', '')} END",
        ]
    sums = ", ".join(f"sum(v_{c})" for c, _ in spec.values)
    # Net-zero groups (an UPDATE that changed nothing counted) write nothing.
    having = " OR ".join(f"sum(v_{c}) <> 0" for c, _ in spec.values)
    key_aliases = ", ".join(f"k_{c}" for c, _ in spec.keys)

    def part(table: str, sign: str) -> str:
        ks = ", ".join(f"{_sql(e, dialect, 'r')} AS k_{c}" for c, e in spec.keys)
        vs = ", ".join(f"{sign}({_sql(e, dialect, 'r')}) AS v_{c}" for c, e in spec.values)
        return f"SELECT {ks}, {vs} FROM {table} r WHERE {_sql(spec.where, dialect, 'r')}"  # nosec B608 - identifiers from code-defined specs, no user input

    def function(op: str, parts: list[str]) -> str:
        body = " UNION ALL ".join(parts)
        return (f"CREATE OR REPLACE FUNCTION {spec.name}_{op}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "  # nosec B608 - identifiers from code-defined specs, no user input
                f"INSERT INTO {spec.counter} ({keys}, {values}) "
                f"SELECT {key_aliases}, {sums} FROM ({body}) x GROUP BY {key_aliases} HAVING {having} "
                f"ORDER BY {key_aliases} "
                f"ON CONFLICT ({keys}) DO UPDATE SET {updates}; RETURN NULL; END $$")

    return [
        function("ins", [part("new_rows", "")]),
        function("del", [part("old_rows", "-")]),
        function("upd", [part("old_rows", "-"), part("new_rows", "")]),
        f"CREATE TRIGGER {spec.name}_ins AFTER INSERT ON {spec.source} REFERENCING NEW TABLE AS new_rows "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {spec.name}_ins()",
        f"CREATE TRIGGER {spec.name}_del AFTER DELETE ON {spec.source} REFERENCING OLD TABLE AS old_rows "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {spec.name}_del()",
        f"CREATE TRIGGER {spec.name}_upd AFTER UPDATE ON {spec.source} "
        f"REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {spec.name}_upd()",
    ]


def founder_statements(spec: CounterSpec, dialect: str) -> list[str]:
    """Triggers on `persons` that move a founder-dependent counter when a founder's status changes."""
    if not spec.founder_dependent:
        return []
    keys, values, updates = _columns(spec)
    if dialect == "sqlite":
        def part(person: str, sign: str) -> str:
            ks = ", ".join(_sql(e, dialect, "b", f"{person}.status") for _, e in spec.keys)
            vs = ", ".join(f"sum({sign}({_sql(e, dialect, 'b', f'{person}.status')}))" for _, e in spec.values)
            return (f"INSERT INTO {spec.counter} ({keys}, {values}) SELECT {ks}, {vs} FROM {spec.source} b "  # nosec B608 - identifiers from code-defined specs, no user input
                    f"WHERE b.founder_id = {person}.id AND {_sql(spec.where, dialect, 'b', f'{person}.status')} "
                    f"GROUP BY {ks} ON CONFLICT ({keys}) DO UPDATE SET {updates};")

        return [f"CREATE TRIGGER {spec.name}_founder AFTER UPDATE OF status ON persons "
                f"WHEN OLD.status IS NOT NEW.status BEGIN {part('OLD', '-')} {part('NEW', '')} END"]
    key_aliases = ", ".join(f"k_{c}" for c, _ in spec.keys)
    sums = ", ".join(f"sum(v_{c})" for c, _ in spec.values)
    having = " OR ".join(f"sum(v_{c}) <> 0" for c, _ in spec.values)

    def part(person: str, sign: str) -> str:
        ks = ", ".join(f"{_sql(e, dialect, 'b', f'{person}.status')} AS k_{c}" for c, e in spec.keys)
        vs = ", ".join(f"{sign}({_sql(e, dialect, 'b', f'{person}.status')}) AS v_{c}" for c, e in spec.values)
        return (f"SELECT {ks}, {vs} FROM old_rows o JOIN new_rows n ON n.id = o.id "  # nosec B608 - identifiers from code-defined specs, no user input
                f"JOIN {spec.source} b ON b.founder_id = o.id "
                f"WHERE o.status IS DISTINCT FROM n.status AND {_sql(spec.where, dialect, 'b', f'{person}.status')}")

    return [
        f"CREATE OR REPLACE FUNCTION {spec.name}_founder() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "  # nosec B608 - identifiers from code-defined specs, no user input
        f"INSERT INTO {spec.counter} ({keys}, {values}) "
        f"SELECT {key_aliases}, {sums} FROM ({part('o', '-')} UNION ALL {part('n', '')}) x "
        f"GROUP BY {key_aliases} HAVING {having} ORDER BY {key_aliases} "
        f"ON CONFLICT ({keys}) DO UPDATE SET {updates}; RETURN NULL; END $$",
        f"CREATE TRIGGER {spec.name}_founder AFTER UPDATE ON persons "
        f"REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {spec.name}_founder()",
    ]


def add_rows_statement(spec: CounterSpec, dialect: str, condition: str = "1 = 1") -> str:
    """One grouped UPSERT adding the contribution of the source rows matching `condition`
    (SQL over the alias `r`, bound parameters allowed; by default every counted row)."""
    keys, values, updates = _columns(spec)
    group = ", ".join(_sql(e, dialect, "r") for _, e in spec.keys)
    sums = ", ".join(f"sum({_sql(e, dialect, 'r')})" for _, e in spec.values)
    return (f"INSERT INTO {spec.counter} ({keys}, {values}) SELECT {group}, {sums} FROM {spec.source} r "  # nosec B608 - identifiers from code-defined specs, no user input
            f"WHERE ({_sql(spec.where, dialect, 'r')}) AND ({condition}) GROUP BY {group} "
            f"ON CONFLICT ({keys}) DO UPDATE SET {updates}")


def rebuild_statements(spec: CounterSpec, dialect: str) -> list[str]:
    """Empty the counter table and add every source row again."""
    return [
        f"DELETE FROM {spec.counter}",  # nosec B608 - identifiers from code-defined specs, no user input
        add_rows_statement(spec, dialect),
    ]


@contextmanager
def bulk_insert(source: str, first_id: int, last_id: int) -> Iterator[None]:
    """Around a bulk INSERT into `source` of rows whose ids are `first_id`…`last_id`.

    SQLite runs a row trigger per inserted row (about 50 µs each: 5 s for a 100,000-row import).
    Here the INSERT triggers on `source` are dropped inside the caller's transaction, and after
    the insert one grouped UPSERT per counter adds the new rows, then the triggers are created
    again — all in the same transaction (SQLite's DDL is transactional, and the writer holds
    the database's write lock, so no other write happens without the triggers; a rollback
    restores them). PostgreSQL's statement triggers already cost one UPSERT per statement:
    nothing to do there."""
    dialect = db.session.get_bind().dialect.name
    specs = [spec for spec in SPECS if spec.source == source]
    if dialect != "sqlite" or not specs:
        yield
        return
    # Python's sqlite3 opens a transaction only before DML; DDL first would be committed at once.
    raw = db.session.connection().connection.driver_connection
    if not raw.in_transaction:
        raw.execute("BEGIN")
    for spec in specs:
        db.session.execute(text(f"DROP TRIGGER IF EXISTS {spec.name}_ins"))
    try:
        yield
    except BaseException:
        # The caller rolls back, which restores the triggers; put them back anyway in case it
        # does not (a failed transaction may refuse: the rollback then does it).
        with suppress(Exception):
            _create_insert_triggers(specs, dialect)
        raise
    for spec in specs:
        db.session.execute(text(add_rows_statement(spec, dialect, "r.id BETWEEN :first AND :last")),
                           {"first": first_id, "last": last_id})
    _create_insert_triggers(specs, dialect)


def _create_insert_triggers(specs: list[CounterSpec], dialect: str) -> None:
    for spec in specs:
        db.session.execute(text(create_statements(spec, dialect)[0]))


def rebuild() -> dict[str, int]:
    """Recompute every counter table from its source rows (in the current transaction).

    Returns the number of counter rows written per table. Use after restoring a backup made
    without the triggers, or to prove the counters right (`flask dashboard check-counters`)."""
    dialect = db.engine.dialect.name
    written = {}
    for spec in SPECS:
        for statement in rebuild_statements(spec, dialect):
            db.session.execute(text(statement))
        written[spec.counter] = db.session.scalar(text(f"SELECT count(*) FROM {spec.counter}")) or 0  # nosec B608 - identifiers from code-defined specs, no user input
    db.session.flush()
    return written


def differences() -> dict[str, int]:
    """Counter rows that differ from a fresh count, per counter table (empty dict: all right)."""
    dialect = db.engine.dialect.name
    found = {}
    for spec in SPECS:
        keys, values, _ = _columns(spec)
        group = ", ".join(_sql(e, dialect, "r") for _, e in spec.keys)
        sums = ", ".join(f"sum({_sql(e, dialect, 'r')})" for _, e in spec.values)
        nonzero = " OR ".join(f"{c} <> 0" for c, _ in spec.values)
        having = " OR ".join(f"sum({_sql(e, dialect, 'r')}) <> 0" for _, e in spec.values)
        fresh = (f"SELECT {group}, {sums} FROM {spec.source} r WHERE {_sql(spec.where, dialect, 'r')} "  # nosec B608 - identifiers from code-defined specs, no user input
                 f"GROUP BY {group} HAVING {having}")
        stored = f"SELECT {keys}, {values} FROM {spec.counter} WHERE {nonzero}"  # nosec B608 - identifiers from code-defined specs, no user input
        if dialect == "sqlite":
            query = (f"SELECT (SELECT count(*) FROM ({fresh} EXCEPT {stored})) + "  # nosec B608 - identifiers from code-defined specs, no user input
                     f"(SELECT count(*) FROM ({stored} EXCEPT {fresh}))")
        else:
            query = (f"SELECT (SELECT count(*) FROM (({fresh}) EXCEPT ({stored})) a) + "  # nosec B608 - identifiers from code-defined specs, no user input
                     f"(SELECT count(*) FROM (({stored}) EXCEPT ({fresh})) b)")
        n = db.session.scalar(text(query)) or 0
        if n:
            found[spec.counter] = n
    return found


def persons_bulk_insert(first_id: int, last_id: int):
    """`bulk_insert` for new people (`persons.write.BULK_INSERT_HOOKS`: the import)."""
    return bulk_insert("persons", first_id, last_id)

