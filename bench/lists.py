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
    from bench.list_floor import create_floor_app

    app = create_bench_app(database_url)
    floor = create_floor_app(app, username)
    cookie = session_cookie(app, username)
    results = []
    for label, path, kind in PAGES:
        real_call = _caller(app, path, cookie)
        floor_call = _caller(floor, f"/{kind}", None)
        for _ in range(5):  # warm-up: caches, compiled statements, templates
            real_call()
            floor_call()
        html = real_call()
        real_n = floor_n = 0
        real_t = floor_t = 0.0
        for _ in range(rounds):
            n, t = _rate(real_call, seconds)
            real_n, real_t = real_n + n, real_t + t
            n, t = _rate(floor_call, seconds)
            floor_n, floor_t = floor_n + n, floor_t + t
        real_rate, floor_rate = real_n / real_t, floor_n / floor_t
        results.append({"page": label, "real": real_rate, "floor": floor_rate, "ratio": real_rate / floor_rate,
                        "bytes": len(html), "rows": html.count(b"<tr") - 1 if b"<tr" in html else
                        html.count(b'class="list-group-item'),
                        "statements": count_statements(app, real_call),
                        "floor_statements": count_statements(app, floor_call)})
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
    print("| page | real req/s | floor req/s | real ÷ floor | HTML KB | rows | statements (floor) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in run(args.database_url, args.seconds, args.rounds, args.user):
        print(f"| {r['page']} | {r['real']:.0f} | {r['floor']:.0f} | {r['ratio']:.2f}× | {r['bytes'] / 1024:.1f} | "
              f"{r['rows']} | {r['statements']} ({r['floor_statements']}) |")
    with app.app_context():
        print(f"\n{machine()}")


if __name__ == "__main__":
    main()
