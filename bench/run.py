"""Benchmark of the person library on a generated database (see bench/generate.py).

    python -m bench.run --database-url sqlite:////tmp/bench.db [--repeat 20] [--import-rows 100000]

Reports, as Markdown on stdout:
- pages: p50/p95 of the server time of rendered pages (in-process requests through the whole app:
  routing, access guard, queries, template) beside the time spent in SQL during the same request
  (cursor execute to fetch, measured with engine events), and the plan of the request's slowest
  statement (EXPLAIN QUERY PLAN / EXPLAIN);
- import: a generated file of N new people read, checked and written end to end (preview, then
  commit), the write phase alone, and on SQLite raw `sqlite3.executemany` of the same rows into
  the same tables and indexes in the same run (rolled back);
- export: the county officer's whole county list (夷陵区) exported, time and peak extra memory.
"""
from __future__ import annotations

import argparse
import csv
import io
import os
import re
import tempfile
import threading
import time
from contextlib import contextmanager

from sqlalchemy import event, select, text

from bench.common import create_bench_app, machine, synthetic_id, synthetic_name

IMPORT_OFFSET = 50_000_000


class SqlTimer:
    def __init__(self, engine):
        self.total = 0.0
        self.statements: list[tuple[float, str, object]] = []
        self._start: list[float] = []
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        self._start.append(time.perf_counter())

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        elapsed = time.perf_counter() - self._start.pop()
        self.total += elapsed
        self.statements.append((elapsed, statement, parameters))

    def reset(self):
        self.total = 0.0
        self.statements = []


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _client(app, username: str):
    from app.auth import operations as auth_ops
    from app.auth.models import User
    from app.extensions import db

    client = app.test_client()
    user = db.session.scalar(select(User).where(User.username == username))
    token = auth_ops.start_session(user, address="127.0.0.1", user_agent="bench")
    db.session.commit()
    with client.session_transaction() as session:
        session["sid"] = token
    return client


def _explain(app, statement: str, parameters) -> str:
    from app.extensions import db

    dialect = db.engine.dialect.name
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        if dialect == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            lines = [row[-1] for row in cursor.fetchall()]
        else:
            cursor.execute("EXPLAIN " + statement, parameters)
            lines = [re.sub(r"\s*\(cost=[^)]*\)", "", row[0]).strip().removeprefix("->  ")
                     for row in cursor.fetchall()]
            lines = [line for line in lines if "Scan" in line or "Join" in line or "Loop" in line]
        cursor.close()
    finally:
        raw.close()
    return "; ".join(lines)[:600]


def bench_pages(app, repeat: int) -> list[dict]:
    from app.core.pagination import encode_cursor
    from app.extensions import db
    from app.persons import columns
    from app.persons.models import Person
    from app.regions.operations import by_code

    results = []
    with app.app_context():
        timer = SqlTimer(db.engine)
        county = by_code("420506")
        in_county = select(Person.name_sort, Person.id).where(Person.county_id == county.id,
                                                              Person.archived_at.is_(None))
        deep = db.session.execute(in_county.order_by(Person.name_sort, Person.id).offset(200 * 50 - 1).limit(1)).first()
        if deep is None:  # a small library: the last page
            deep = db.session.execute(in_county.order_by(Person.name_sort.desc(), Person.id.desc()).limit(1)).first()
        cursor = encode_cursor("name", [deep.name_sort, deep.id])
        sample = db.session.scalar(select(Person).where(Person.county_id == county.id,
                                                        Person.phone_cipher.is_not(None)).limit(1).offset(7))
        number, phone = columns.decrypt_id_number(sample), columns.decrypt_phone(sample)
        three = db.session.scalar(select(Person.name).where(func_length(Person.name) == 3).offset(4321).limit(1))
        county_client = _client(app, "demo_county")
        city_client = _client(app, "demo_city")
        cases = [
            ("县级列表第 1 页（夷陵区，按拼音）", county_client, "get", "/persons/", None),
            ("县级列表第 200 页（夷陵区）", county_client, "get", f"/persons/?cursor={cursor}", None),
            ("市级列表第 1 页", city_client, "get", "/persons/", None),
            ("县级列表 · 已返乡 · 三有", county_client, "get", "/persons/?status=returned&sanyou=1", None),
            ("身份证号码精确查找（县级）", county_client, "post", "/persons/search", {"value": number}),
            ("电话精确查找（县级）", county_client, "post", "/persons/search", {"value": phone}),
            (f"姓名精确查找 q={three}（市级）", city_client, "get", f"/persons/?q={three}", None),
            ("拼音首字母 q=zw（市级）", city_client, "get", "/persons/?q=zw", None),
            ("拼音首字母 q=zw（县级）", county_client, "get", "/persons/?q=zw", None),
            (f"两字子串 q={three[1:]}（市级）", city_client, "get", f"/persons/?q={three[1:]}", None),
            (f"两字子串 q={three[:2]}（市级）", city_client, "get", f"/persons/?q={three[:2]}", None),
        ]
        for label, client, method, url, data in cases:
            for _ in range(2):  # warm caches
                getattr(client, method)(url, data=data)
            totals, sqls, slowest = [], [], (0.0, "", None)
            status = None
            for _ in range(repeat):
                timer.reset()
                t0 = time.perf_counter()
                response = getattr(client, method)(url, data=data)
                totals.append(time.perf_counter() - t0)
                sqls.append(timer.total)
                status = response.status_code
                reads = [s for s in timer.statements
                         if s[1].lstrip().upper().startswith("SELECT") and "persons" in s[1]]
                worst = max(reads, key=lambda s: s[0]) if reads else (0.0, "", None)
                if worst[0] > slowest[0]:
                    slowest = worst
            plan = _explain(app, slowest[1], slowest[2]) if slowest[1] else ""
            results.append({"case": label, "status": status, "p50": _pct(totals, 50) * 1000,
                            "p95": _pct(totals, 95) * 1000, "sql50": _pct(sqls, 50) * 1000,
                            "sql95": _pct(sqls, 95) * 1000, "plan": plan})
    return results


def func_length(column):
    from sqlalchemy import func

    return func.length(column)


def make_import_file(path: str, rows: int) -> None:
    import random

    from app.regions.models import Region, RegionLevel

    rng = random.Random(9)
    from app.extensions import db

    villages = list(db.session.scalars(select(Region.code).where(Region.level == RegionLevel.VILLAGE)))
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["身份证号码", "姓名", "联系电话", "户籍村（社区）代码", "数据来源", "人员状态", "务工地区",
                         "务工行业", "外出务工起始日期"])
        for i in range(rows):
            info = synthetic_id(IMPORT_OFFSET + i)
            writer.writerow([info.number, synthetic_name(rng), f"139{i:08d}", rng.choice(villages), "self",
                             "working_outside", "长三角", "农村电商", f"20{rng.randint(10, 24)}-0{rng.randint(1, 9)}-15"])


class PeakRss:
    def __init__(self):
        self.peak = self.start = self._rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _rss() -> int:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            time.sleep(0.05)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


@contextmanager
def _timed_writes(store: dict):
    from app.persons import write

    real = write.insert_new_people

    def timed(rows):
        t0 = time.perf_counter()
        try:
            return real(rows)
        finally:
            store["write"] = store.get("write", 0.0) + time.perf_counter() - t0
            store["rows"] = store.get("rows", 0) + len(rows)

    write.insert_new_people = timed
    try:
        yield
    finally:
        write.insert_new_people = real


def bench_import_export(app, rows: int) -> dict:
    from app.auth.models import User
    from app.extensions import db
    from app.persons import exports, imports, queries
    from app.persons.models import Person, PersonImportItem

    out: dict = {"rows": rows}
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "demo_city"))
        folder = tempfile.mkdtemp(prefix="bench-import-")
        app.config["UPLOAD_FOLDER"] = folder
        path = os.path.join(folder, "people.csv")
        make_import_file(path, rows)
        out["file_mb"] = os.path.getsize(path) / 1e6
        t0 = time.perf_counter()
        with open(path, "rb") as handle:
            batch = imports.preview_import(user, handle, "people.csv")
        db.session.commit()
        out["preview"] = time.perf_counter() - t0
        store: dict = {}
        with _timed_writes(store):
            t1 = time.perf_counter()
            imports.commit_import(user, batch)
            db.session.commit()
            out["commit"] = time.perf_counter() - t1
        out["write"] = store.get("write", 0.0)
        out["new"], out["refused"] = batch.rows_new, batch.rows_refused
        out["end_to_end"] = out["preview"] + out["commit"]

        if db.engine.dialect.name == "sqlite":
            out["raw"] = _raw_sqlite(app, batch.id)

        # The export a county officer makes: the whole county list (夷陵区, ~127,000 people at 1M),
        # every page, in pinyin order, masked.
        county = db.session.scalar(select(User).where(User.username == "demo_county"))
        filters, _ = queries.parse_filters({})
        with PeakRss() as rss:
            t0 = time.perf_counter()
            result = exports.export_people(county, filters)
            db.session.commit()
            out["export"] = time.perf_counter() - t0
        out["export_rows"] = result.rows
        out["export_peak_mb"] = (rss.peak - rss.start) / 1e6
        result.file.seek(0, io.SEEK_END)
        out["export_mb"] = result.file.tell() / 1e6
        result.file.close()
        out["people"] = db.session.scalar(select(func_count()).select_from(Person))
        del PersonImportItem
    return out


def func_count():
    from sqlalchemy import func

    return func.count()


def _raw_sqlite(app, batch_id: int) -> dict:
    """Raw sqlite3.executemany of the batch's own rows (new ids and hashes) into the same tables
    with the same indexes, rolled back."""
    from app.extensions import db

    raw = db.engine.raw_connection()
    try:
        conn = raw.driver_connection
        cursor = conn.cursor()
        columns = [r[1] for r in cursor.execute("PRAGMA table_info(persons)")]
        person_rows = cursor.execute(
            "SELECT * FROM persons WHERE id IN (SELECT person_id FROM person_import_items WHERE batch_id = ?)",
            (batch_id,)).fetchall()
        key_rows = cursor.execute(
            "SELECT key, person_id FROM person_name_keys WHERE person_id IN "
            "(SELECT person_id FROM person_import_items WHERE batch_id = ?)", (batch_id,)).fetchall()
        top = cursor.execute("SELECT max(id) FROM persons").fetchone()[0]
        id_at, hash_at = columns.index("id"), columns.index("id_number_hash")
        fresh = []
        for row in person_rows:
            row = list(row)
            row[id_at] += top
            row[hash_at] = os.urandom(32)
            fresh.append(row)
        keys = sorted((k, p + top) for k, p in key_rows)
        marks = ",".join("?" * len(columns))
        conn.execute("BEGIN")
        # Like the import's write phase: the counters' row INSERT triggers set aside (rolled back).
        for (name,) in cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                      "AND tbl_name = 'persons' AND name LIKE '%\\_ins' ESCAPE '\\'").fetchall():
            cursor.execute(f'DROP TRIGGER "{name}"')
        t0 = time.perf_counter()
        cursor.executemany(f"INSERT INTO persons VALUES ({marks})", fresh)  # noqa: S608
        cursor.executemany("INSERT INTO person_name_keys (key, person_id) VALUES (?, ?)", keys)
        elapsed = time.perf_counter() - t0
        conn.rollback()
        return {"rows": len(fresh), "keys": len(keys), "seconds": elapsed}
    finally:
        raw.close()


def main(argv: list[str] | None = None) -> None:
    global IMPORT_OFFSET  # noqa: PLW0603 - the file generator reads it
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--import-offset", type=int, default=IMPORT_OFFSET,
                        help="first synthetic ID index of the import file (use a new one per run)")
    args = parser.parse_args(argv)
    IMPORT_OFFSET = args.import_offset
    app = create_bench_app(args.database_url)
    engine = "PostgreSQL" if args.database_url.startswith("postgresql") else "SQLite"
    with app.app_context():
        from app.extensions import db

        people = db.session.scalar(text("SELECT count(*) FROM persons"))
        version = db.session.scalar(text("SELECT sqlite_version()" if engine == "SQLite" else "SHOW server_version"))
    print(f"### {engine} {version} · {people:,} people · {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n")
    print(f"Machine: {machine()}\n")
    if not args.skip_pages:
        print("| page | status | p50 ms | p95 ms | SQL p50 ms | SQL p95 ms |")
        print("|---|---|---:|---:|---:|---:|")
        results = bench_pages(app, args.repeat)
        for r in results:
            print(f"| {r['case']} | {r['status']} | {r['p50']:.1f} | {r['p95']:.1f} | {r['sql50']:.1f} | {r['sql95']:.1f} |")
        print("\nPlans of each page's slowest statement:\n")
        for r in results:
            print(f"- {r['case']}: `{r['plan']}`")
        print()
    if args.import_rows:
        r = bench_import_export(app, args.import_rows)
        print(f"Import of {r['rows']:,} rows (CSV {r['file_mb']:.1f} MB, {r['new']:,} new, {r['refused']} refused): "
              f"preview (read, check, derive, save) {r['preview']:.1f} s, commit (freshness check + write) {r['commit']:.1f} s, "
              f"end to end {r['end_to_end']:.1f} s; write phase {r['write']:.1f} s "
              f"({r['new'] / max(r['write'], 1e-9):,.0f} people/s).")
        if "raw" in r:
            raw = r["raw"]
            ratio = (raw["seconds"] / max(r["write"], 1e-9))
            print(f"Raw sqlite3.executemany of the same {raw['rows']:,} people + {raw['keys']:,} name keys into the "
                  f"same tables and indexes: {raw['seconds']:.1f} s "
                  f"({raw['rows'] / max(raw['seconds'], 1e-9):,.0f} people/s); "
                  f"write phase at {ratio:.2f}× raw.")
        per_100k = r["export"] / max(r["export_rows"], 1) * 100_000
        print(f"Export of the county list by its officer, {r['export_rows']:,} rows: {r['export']:.1f} s "
              f"({per_100k:.1f} s per 100,000 rows), file {r['export_mb']:.1f} MB, "
              f"peak extra memory {r['export_peak_mb']:.0f} MB. Library now {r['people']:,} people.")


if __name__ == "__main__":
    main()
