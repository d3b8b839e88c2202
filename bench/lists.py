"""List pages against their floor, in the same run (issue 12, Performance).

    python -m bench.lists --database-url sqlite:////tmp/bench.db [--seconds 3] [--rounds 5]

For each list page (persons, cases, businesses, applications) signed in as the county officer
(`demo_county`): the whole application (session, access guard, queries, filter form, layout,
50 rows) and the floor app of bench/list_floor.py (the same query and rows, a bare Flask + Jinja
table) are called alternately, in-process, through their WSGI entry points (`app(environ,
start_response)`, the body read to the end) by one thread: `--rounds` rounds of about
`--seconds` each per app, so a change of the machine's load hits both alike. Reports requests
per second of each, the ratio real ÷ floor, the page's HTML size and the statements per request.
The goal of issue 12: ratio ≥ 0.4 and ≤ 25 KB of HTML for 50 rows on every list page.

This measures one process serving one request at a time (no HTTP server, no network): the
cost each app adds per request, which is what the ratio is about; gunicorn workers multiply
both sides alike on this 2-core machine.
"""
from __future__ import annotations

import argparse
import time

from werkzeug.test import EnvironBuilder

from bench.common import create_bench_app, machine

PAGES = [  # (label, real path, floor kind)
    ("人员信息库 /persons/", "/persons/", "persons"),
    ("一人一档 /cases/", "/cases/", "cases"),
    ("经营主体 /businesses/", "/businesses/", "businesses"),
    ("补贴申请 /subsidies/applications", "/subsidies/applications", "applications"),
]


def _caller(wsgi_app, path: str, cookie: str | None):
    environ = EnvironBuilder(path=path, headers={"Cookie": cookie} if cookie else {}).get_environ()
    statuses: list[str] = []

    def start_response(status, headers, exc_info=None):
        statuses.append(status)

    def call() -> bytes:
        statuses.clear()
        result = wsgi_app(dict(environ), start_response)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close:
                close()
        if not statuses or not statuses[0].startswith("200"):
            raise RuntimeError(f"{path}: {statuses}")
        return body

    return call


def _rate(call, seconds: float) -> tuple[int, float]:
    n, start = 0, time.perf_counter()
    while True:
        call()
        n += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return n, elapsed


def session_cookie(app, username: str) -> str:
    """A Cookie header signed in as `username` (a real server-side session, as bench.run)."""
    from bench.run import _client

    with app.app_context():
        client = _client(app, username)
        name = app.config["SESSION_COOKIE_NAME"]
        return f"{name}={client.get_cookie(name).value}"


def count_statements(app, call) -> int:
    from sqlalchemy import event

    from app.extensions import db

    seen = []

    def before(*_args):
        seen.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return len(seen)


def run(database_url: str, seconds: float, rounds: int, username: str) -> list[dict]:
    from bench.list_floor import create_floor_app, create_raw_floor_app, rows_statement

    app = create_bench_app(database_url)
    floor = create_floor_app(app, username)
    cookie = session_cookie(app, username)
    raw = create_raw_floor_app(app, {kind: rows_statement(app, path, cookie) for _, path, kind in PAGES})
    results = []
    for label, path, kind in PAGES:
        calls = {"real": _caller(app, path, cookie), "floor": _caller(floor, f"/{kind}", None),
                 "raw": _caller(raw, f"/{kind}", None)}
        for _ in range(5):  # warm-up: caches, compiled statements, templates
            for call in calls.values():
                call()
        html = calls["real"]()
        counts = dict.fromkeys(calls, 0)
        times = dict.fromkeys(calls, 0.0)
        for _ in range(rounds):
            for name, call in calls.items():
                n, t = _rate(call, seconds)
                counts[name] += n
                times[name] += t
        rate = {name: counts[name] / times[name] for name in calls}
        rows = html.count(b"<tr") - 1 if b"<tbody>" in html else html.count(b'class="list-group-item')
        results.append({"page": label, **rate, "ratio": rate["real"] / rate["floor"],
                        "raw_ratio": rate["real"] / rate["raw"], "bytes": len(html), "rows": rows,
                        "statements": count_statements(app, calls["real"]),
                        "floor_statements": count_statements(app, calls["floor"])})
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--user", default="demo_county")
    args = parser.parse_args()
    from app.extensions import db

    app = create_bench_app(args.database_url)
    with app.app_context():
        dialect = db.engine.dialect.name
        version = db.session.connection().connection.dbapi_connection
        server = (f"SQLite {__import__('sqlite3').sqlite_version}" if dialect == "sqlite"
                  else f"PostgreSQL {version.info.server_version // 10000}")
        people = db.session.execute(db.text("SELECT count(*) FROM persons")).scalar()
    print(f"#### List pages against the floor: {server} · {people:,} people · {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n")
    print(f"Machine: {machine()}\n")
    print(f"Signed in as `{args.user}`; {args.rounds} rounds × {args.seconds:g} s per app and page, alternating.\n")
    print("| page | real req/s | floor req/s | real ÷ floor | raw floor req/s | real ÷ raw floor | HTML KB | rows "
          "| statements (floor) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in run(args.database_url, args.seconds, args.rounds, args.user):
        print(f"| {r['page']} | {r['real']:.0f} | {r['floor']:.0f} | {r['ratio']:.2f}× | {r['raw']:.0f} | "
              f"{r['raw_ratio']:.2f}× | {r['bytes'] / 1024:.1f} | {r['rows']} | {r['statements']} "
              f"({r['floor_statements']}) |")
    with app.app_context():
        print(f"\n{machine()}")


if __name__ == "__main__":
    main()
