"""Work-queue timings and plans at scale (issue 5 §5: queues are indexed queries, not loops).

    DATABASE_URL=sqlite:////tmp/cases_bench.db .venv/bin/python bench/cases_queues.py 50000
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/fxcy_bench .venv/bin/python bench/cases_queues.py 50000

Creates the schema in an EMPTY database, the regions, the demo accounts, N synthetic people spread
over the villages of 夷陵区 (bulk path) and one case each with random stages, owners and due
dates, then times every queue of `queries.queues_for` for the demo users (best of 5) and prints
the plan of the township's overdue queue.
"""
from __future__ import annotations

import os
import random
import sys
import time
from datetime import date, timedelta

from sqlalchemy import insert, select, text

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from app import create_app  # noqa: E402
from app.core import clock  # noqa: E402
from app.core.validators import id_check_char, parse_id_number  # noqa: E402
from app.extensions import db  # noqa: E402
from config import TestingConfig  # noqa: E402


def main(n: int) -> None:
    url = os.environ["DATABASE_URL"]
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context(), app.test_request_context():
        from app.auth.models import User
        from app.cases import queries
        from app.cases.models import Case, CaseStage
        from app.demo.accounts import load_accounts
        from app.persons import bulk
        from app.persons.models import PersonSource, PersonStatus
        from app.regions.models import Region, RegionLevel

        db.create_all()
        load_accounts()
        db.session.commit()
        county = db.session.scalar(select(Region).where(Region.code == "420506"))
        villages = list(db.session.execute(select(Region.id, Region.township_id, Region.county_id)
                                           .where(Region.level == RegionLevel.VILLAGE,
                                                  Region.county_id == county.id)))
        # A pool of 300 placeholder staff accounts serving most cases (owners spread as in real use).
        db.session.execute(insert(User.__table__), [
            {"username": f"bench_staff_{i}", "full_name": "压测账户", "region_id": county.id, "password_hash": "x",
             "must_change_password": False, "is_active": True, "failed_logins": 0, "created_at": clock.now(),
             "updated_at": clock.now(), "version": 1} for i in range(300)])
        db.session.commit()
        users = {u.username: u for u in db.session.scalars(select(User))}
        pool = [u.id for name, u in users.items() if name.startswith("bench_staff_")]
        rng = random.Random(5)
        started = time.perf_counter()
        today = clock.today()
        for start in range(0, n, 5000):
            rows = []
            for i in range(start, min(n, start + 5000)):
                born = date(1960, 1, 1) + timedelta(days=i // 1000)
                first17 = f"420506{born:%Y%m%d}{i % 1000:03d}"[:17]
                info = parse_id_number(first17 + id_check_char(first17), today=today)
                rows.append(bulk.person_row(info, "测试" + "甲乙丙丁"[i % 4], rng.choice(villages),
                                            source=PersonSource.SURVEY, status=PersonStatus.RETURNED))
            person_ids = bulk.insert_people(rows)
            case_rows = []
            person_rows = db.session.execute(select(text("id, village_id, township_id, county_id"))
                                             .select_from(text("persons")).where(text("id >= :lo")),
                                             {"lo": min(person_ids)}).all()
            for pid, village_id, township_id, county_id in person_rows:
                stage = rng.choice(list(CaseStage))
                # 2 % served by the demo pair, most by the pool, some missing one "1".
                roll = rng.random()
                spec = users["demo_specialist"].id if roll < 0.02 else (rng.choice(pool) if roll < 0.96 else None)
                mentor = users["demo_mentor"].id if roll < 0.02 else (rng.choice(pool) if roll < 0.92 else None)
                # Most clocks are kept: about 5 % of the contacts are overdue.
                s_due = today + timedelta(days=rng.randint(-3, 57)) if spec else None
                m_due = today + timedelta(days=rng.randint(-5, 95)) if mentor else None
                dues = [d for d in (s_due, m_due) if d]
                case_rows.append({
                    "person_id": pid, "stage": stage.value, "opened_on": today - timedelta(days=rng.randint(0, 700)),
                    "closed_on": today if stage == CaseStage.CLOSED else None, "specialist_id": spec,
                    "mentor_id": mentor, "specialist_due_on": s_due, "mentor_due_on": m_due,
                    "next_due_on": min(dues) if dues else None,
                    "village_due_on": today + timedelta(days=rng.randint(-30, 60)) if rng.random() < 0.3 else None,
                    "village_id": village_id, "township_id": township_id, "county_id": county_id,
                    "created_at": clock.now(), "updated_at": clock.now(), "version": 1})
            db.session.execute(insert(Case.__table__), case_rows)
            db.session.commit()
        print(f"loaded {n} people and cases in {time.perf_counter() - started:.1f} s")
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        else:
            db.session.execute(text("ANALYZE"))
        for username in ("demo_township", "demo_county", "demo_city", "demo_village", "demo_specialist",
                         "demo_mentor"):
            user = db.session.get(User, users[username].id)
            best, found = float("inf"), []
            for _ in range(5):
                t0 = time.perf_counter()
                found = queries.queues_for(user)
                best = min(best, (time.perf_counter() - t0) * 1000)
            print(f"{username:16} all queues {best:6.1f} ms  " + "  ".join(f"{q.key}={q.count}" for q in found))
            for fn in (queries.pending_requests, queries.without_both_ones, queries.overdue_cases,
                       queries.items_past_due, queries.reassignment_queue, queries.village_followups, queries.my_due):
                each = float("inf")
                for _ in range(3):
                    t0 = time.perf_counter()
                    fn(user)
                    each = min(each, (time.perf_counter() - t0) * 1000)
                print(f"    {fn.__name__:20} {each:6.1f} ms")
        township = db.session.get(User, users["demo_township"].id)
        stmt = select(Case.id).where(queries.region_scope(township, Case), queries.is_open(),
                                     Case.next_due_on < today).order_by(Case.next_due_on).limit(10)
        compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
        prefix = "EXPLAIN QUERY PLAN " if db.engine.dialect.name == "sqlite" else "EXPLAIN ANALYZE "
        for row in db.session.execute(text(prefix + str(compiled))):
            print("  ", " ".join(str(c) for c in row))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50000)
