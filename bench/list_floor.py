"""The "floor" of the list pages: a bare Flask + Jinja app that renders the same 50 rows from
the same query as the real list pages, and nothing else (issue 12, Performance).

No session, no sign-in, no access guard, no filter form, no base layout, no CSRF: the user
(the county officer by default) is loaded once at start-up, each request builds the statement
the real page builds for that user — the same scope condition, sort, keyset page and eager
loads, taken from the application's own modules — and renders the rows' visible fields into a
plain table with one small template. The real app's pages are measured against this app in the
same run (bench/lists.py): the ratio says how much the application's own machinery costs on
top of "query 50 rows and render them".

    python -m bench.list_floor --database-url sqlite:////tmp/bench.db   # serves on :5077
"""
from __future__ import annotations

import argparse

from flask import Flask, render_template_string
from sqlalchemy import select

PAGE_SIZE = 50

TEMPLATE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><h1>{{ title }}</h1><table>
<thead><tr>{% for h in header %}<th>{{ h }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in rows %}<tr>{% for v in row %}<td>{{ v }}</td>{% endfor %}</tr>
{% endfor %}</tbody></table></body></html>"""


def _place(village) -> str:
    township = village.township.name if village.township is not None else ""
    return f"{township} {village.name}"


def _persons(user):
    from app.persons import queries

    filters, _ = queries.parse_filters({})
    page = queries.list_page(user, filters, queries.DEFAULT_SORT, None, PAGE_SIZE, table_only=True)
    return ["姓名", "性别", "身份证号码", "电话", "户籍村", "状态", "意向", "返乡", "更新"], [
        (p.name, p.gender.label, p.id_number_masked, p.phone_masked, _place(p.village), p.status.label,
         p.intention.label, p.returned_on, p.updated_at) for p in page.items]


def _cases(user):
    from app.cases import queries

    page = queries.list_cases(user, queries.parse_filters({}), None, PAGE_SIZE)  # its eager loads included
    return ["服务对象", "阶段", "村", "专员", "导师", "下次联系"], [
        (c.person.name, c.stage.label, _place(c.person.village), c.specialist.full_name if c.specialist else "",
         c.mentor.full_name if c.mentor else "", c.next_due_on) for c in page.items]


def _businesses(user):
    from app.businesses import views
    from app.businesses.models import Business
    from app.core.access import subsidies as access
    from app.core.pagination import keyset_page

    # getattr: the floor also runs against older revisions of the app (before/after figures).
    stmt = select(Business).where(access.visible_businesses_condition(user)).options(*getattr(views, "LIST_LOAD", ()))
    page = keyset_page(stmt, views.LIST_SORT, Business.id, None, PAGE_SIZE)
    return ["名称", "类型", "创办人", "登记地", "首次登记", "带动就业", "状态"], [
        (b.name, b.kind.label, b.founder.name, _place(b.village), b.registered_on, b.jobs, b.status.label)
        for b in page.items]


def _applications(user):
    from app.core.access import subsidies as access
    from app.core.pagination import Sort, keyset_page
    from app.subsidies import views
    from app.subsidies.models import Application

    stmt = select(Application).where(access.visible_applications_condition(user))
    sort = getattr(views, "APPLICATION_SORT", None) or Sort("newest", Application.id, descending=True)
    page = keyset_page(stmt, sort, Application.id, None, PAGE_SIZE)
    return ["编号", "项目", "申请人", "经营主体", "金额", "提交日期", "状态"], [
        (a.id, a.programme.name, a.person.name, a.business.name if a.business else "", a.amount, a.submitted_on,
         a.state.label) for a in page.items]


PAGES = {"persons": _persons, "cases": _cases, "businesses": _businesses, "applications": _applications}


def rows_statement(real_app, path: str, cookie: str) -> tuple[str, object]:
    """The SQL and parameters of the statement that reads a real page's rows (its longest
    result among the request's statements), captured from one request of the real app."""
    from sqlalchemy import event

    from app.extensions import db

    seen: list[tuple[int, str, object]] = []

    def after(_conn, cursor, statement, parameters, _context, _many):
        seen.append((cursor.rowcount if cursor.rowcount and cursor.rowcount > 0 else 0, statement, parameters))

    with real_app.app_context():
        engine = db.engine
    event.listen(engine, "after_cursor_execute", after)
    try:
        from werkzeug.test import EnvironBuilder

        environ = EnvironBuilder(path=path, headers={"Cookie": cookie}).get_environ()
        b"".join(real_app(environ, lambda status, headers, exc_info=None: None))
    finally:
        event.remove(engine, "after_cursor_execute", after)
    # rowcount is -1 for SELECT on SQLite: pick the statement on the page's table instead.
    table = {"/persons/": "persons", "/cases/": "cases", "/businesses/": "businesses",
             "/subsidies/applications": "applications"}[path]
    candidates = [(n, sql, params) for n, sql, params in seen
                  if f"FROM {table}" in sql and "count(" not in sql.lower()]
    _, sql, params = max(candidates, key=lambda c: c[0])
    return sql, params


def create_raw_floor_app(real_app, statements: dict[str, tuple[str, object]]) -> Flask:
    """The stricter floor: each page replays the SQL the real page ran for its rows (captured by
    `rows_statement`) on a pooled DBAPI connection and renders every column of every row."""
    from app.extensions import db

    with real_app.app_context():
        engine = db.engine
    floor = Flask("list_floor_raw")

    @floor.route("/<kind>")
    def page(kind: str):
        sql, params = statements[kind]
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(sql, params)
            header = [d[0] for d in cursor.description]
            rows = cursor.fetchall()
            cursor.close()
        finally:
            connection.close()
        return render_template_string(TEMPLATE, title=kind, header=header, rows=rows[:PAGE_SIZE])

    return floor


def create_floor_app(real_app, username: str = "demo_county") -> Flask:
    """The floor app on the real app's database (its engine and models, through `real_app`'s
    context: the same connection pool settings, no second configuration to drift)."""
    from app.auth.models import User
    from app.extensions import db

    with real_app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        user.roles, user.region  # noqa: B018  (loaded now: the floor keeps the user detached)
        db.session.expunge(user)

    floor = Flask("list_floor")

    @floor.route("/<kind>")
    def page(kind: str):
        with real_app.app_context():
            header, rows = PAGES[kind](user)
            db.session.remove()
        return render_template_string(TEMPLATE, title=kind, header=header, rows=rows)

    return floor


def main() -> None:
    from bench.common import create_bench_app

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--port", type=int, default=5077)
    args = parser.parse_args()
    create_floor_app(create_bench_app(args.database_url)).run(port=args.port)


if __name__ == "__main__":
    main()
