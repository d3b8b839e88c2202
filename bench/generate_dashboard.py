"""Dashboard benchmark data: businesses, cases, loans and applications on top of the people.

    python bench/generate_dashboard.py --db sqlite:////tmp/bench.db --people 1000000 \
        --businesses 100000 --cases 200000

Builds the schema when the database is empty (regions, demo accounts, programmes), tops the
library up to `--people` when it holds fewer (`bench/generate.py` of issue 4 is the real person
generator; the filler here writes minimal synthetic rows — random bytes for ciphers and hashes,
no name keys — enough for counting), then adds businesses (registered 2020 … this year), cases
(one open or closed case per distinct person), guaranteed loans and grant applications, all with
Core executemany in batches. The trigger-maintained counters fill themselves as rows are written;
the script ends with `counters.differences()` to prove it.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, inspect, select  # noqa: E402

BATCH = 20_000
KINDS = ["individual"] * 6 + ["llc", "llc", "sole_proprietorship", "partnership", "cooperative", "family_farm",
                              "family_forest", "other"]
STAGES = ["pending_assignment", "intention", "training", "incubation", "founded", "failed", "restart"]
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = "一二三四五六七八九十甲乙丙丁戊己庚辛壬癸春夏秋冬梅兰竹菊松柏伟芳敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"


def credit_code(n: int) -> str:
    from app.core.validators import credit_code_check_char

    first17 = f"92420500MB{n:07d}"
    return first17 + credit_code_check_char(first17)


def _prepare(db) -> None:
    from app.core import clock  # noqa: F401
    from app.demo import loaders
    from app.regions.models import Region
    from app.regions.operations import load_regions
    from app.subsidies.seed import seed

    if "regions" not in inspect(db.engine).get_table_names():
        db.create_all()
    if db.session.scalar(select(func.count()).select_from(Region)) == 0:
        load_regions()
        db.session.commit()
    for _order, name, loader in loaders():
        if name == "accounts":
            loader()
    seed()
    db.session.commit()


def _villages(db):
    from app.regions.models import Region, RegionLevel

    return db.session.execute(select(Region.id, Region.township_id, Region.county_id)
                              .where(Region.level == RegionLevel.VILLAGE).order_by(Region.id)).all()


def fill_people(db, target: int, rng: random.Random) -> int:
    from app.core import clock
    from app.persons.models import Person

    have = db.session.scalar(select(func.count()).select_from(Person)) or 0
    if have >= target:
        return 0
    villages = _villages(db)
    table = Person.__table__
    now = clock.now()
    today = clock.today()
    statuses = ["working_outside"] * 6 + ["returned"] * 3 + ["incomer", "founded"]
    start = have
    written = 0
    while have + written < target:
        n = min(BATCH, target - have - written)
        rows = []
        for i in range(start + written, start + written + n):
            v = villages[i % len(villages)]
            name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 7) % len(GIVEN)] + GIVEN[(i // 3) % len(GIVEN)]
            status = statuses[rng.randrange(len(statuses))]
            sanyou = rng.random() < 0.2
            rows.append({
                "village_id": v.id, "township_id": v.township_id, "county_id": v.county_id,
                "name": name, "name_sort": f"p{i:08d}", "id_number_cipher": os.urandom(16),
                "id_number_hash": os.urandom(32), "id_number_masked": f"420500********{i % 10000:04d}",
                "gender": "male" if i % 2 else "female", "birth_date": date(1970 + i % 35, 1 + i % 12, 1 + i % 28),
                "source": "bigdata", "status": status, "skills": [], "intention": "none",
                "outside_since": today - timedelta(days=400 + i % 3000),
                "returned_on": (today - timedelta(days=i % 1500)) if status != "working_outside" else None,
                "willing": sanyou or None, "capable": sanyou or None, "creditworthy": sanyou or None,
                "is_sanyou": sanyou, "created_at": now, "updated_at": now, "version": 1,
            })
        db.session.execute(insert(table), rows)
        db.session.commit()
        written += n
        print(f"  people: {have + written:,}", flush=True)
    return written


PEOPLE_SQL_PG = """
WITH v AS (SELECT row_number() OVER (ORDER BY id) - 1 AS k, id, township_id, county_id
           FROM regions WHERE level = 'village'),
     n AS (SELECT count(*) AS c FROM v)
INSERT INTO persons (village_id, township_id, county_id, name, name_sort, id_number_cipher, id_number_hash,
                     id_number_masked, gender, birth_date, source, status, skills, intention, is_sanyou,
                     outside_since, returned_on, created_at, updated_at, version)
SELECT v.id, v.township_id, v.county_id, '测试' || (g % 997), 'ce shi ' || lpad((g % 997)::text, 4, '0'),
       decode(md5(g::text), 'hex'), sha256(('bench-person-' || g)::bytea),
       '420500********' || lpad((g % 10000)::text, 4, '0'),
       CASE WHEN g % 2 = 0 THEN 'female' ELSE 'male' END, date '1965-01-01' + (g % 14000),
       'bigdata', (ARRAY['working_outside','working_outside','working_outside','working_outside',
                         'working_outside','working_outside','returned','returned','incomer','founded'])[1 + g % 10],
       '[]', 'none', g % 5 = 0, current_date - 400 - (g % 3000),
       CASE WHEN g % 10 >= 6 THEN current_date - (g % 1500) END, now(), now(), 1
FROM generate_series(CAST(:first AS integer), CAST(:last AS integer)) g JOIN v ON v.k = g % (SELECT c FROM n)
"""


def fill_people_sql(db, target: int) -> int:
    """PostgreSQL only: top the library up to `target` with one INSERT … SELECT per million rows
    (minimal synthetic rows for counting; the statement trigger counts them in one go)."""
    from app.persons.models import Person

    have = db.session.scalar(select(func.count()).select_from(Person)) or 0
    first = have + 1
    while first <= target:
        last = min(target, first + 999_999)
        db.session.execute(db.text(PEOPLE_SQL_PG), {"first": first, "last": last})
        db.session.commit()
        print(f"  people: {last:,}", flush=True)
        first = last + 1
    return max(0, target - have)


def add_businesses(db, count: int, rng: random.Random) -> None:
    from app.businesses.models import Business
    from app.core import clock
    from app.persons.models import Person

    have = db.session.scalar(select(func.count()).select_from(Business)) or 0
    if have >= count:
        return
    # The generator's ids are one contiguous block, not always from 1 (PostgreSQL: a block of
    # the sequence).
    min_person, max_person = db.session.execute(select(func.min(Person.id), func.max(Person.id))).one()
    villages = _villages(db)
    today = clock.today()
    first = date(2020, 1, 1)
    span = (today - first).days
    now = clock.now()
    done = have
    while done < count:
        n = min(BATCH, count - done)
        rows = []
        for i in range(done, done + n):
            v = villages[rng.randrange(len(villages))]
            registered = first + timedelta(days=rng.randrange(span))
            rows.append({"village_id": v.id, "township_id": v.township_id, "county_id": v.county_id,
                         "founder_id": rng.randrange(min_person, max_person + 1), "name": f"经营主体{i}",
                         "kind": KINDS[rng.randrange(len(KINDS))], "credit_code": credit_code(i + 1),
                         "registered_on": registered, "is_first_registration": True, "jobs": 1 + i % 9,
                         "status": "closed" if rng.random() < 0.08 else "operating",
                         "created_at": now, "updated_at": now, "version": 1})
        db.session.execute(insert(Business.__table__), rows)
        db.session.commit()
        done += n
        print(f"  businesses: {done:,}", flush=True)


def add_cases(db, count: int, rng: random.Random) -> None:
    from app.auth.models import User
    from app.cases.models import Case
    from app.core import clock
    from app.persons.models import Person

    have = db.session.scalar(select(func.count()).select_from(Case)) or 0
    if have >= count:
        return
    users = list(db.session.scalars(select(User.id)))
    today = clock.today()
    now = clock.now()
    persons = db.session.execute(select(Person.id, Person.village_id, Person.township_id, Person.county_id)
                                 .order_by(Person.id).offset(have).limit(count - have)).all()
    done = have
    for chunk in range(0, len(persons), BATCH):
        rows = []
        for p in persons[chunk:chunk + BATCH]:
            closed = rng.random() < 0.15
            assigned = rng.random() < 0.7
            opened = today - timedelta(days=rng.randrange(900))
            due = today + timedelta(days=rng.randrange(-60, 60))
            rows.append({"village_id": p.village_id, "township_id": p.township_id, "county_id": p.county_id,
                         "person_id": p.id, "stage": "closed" if closed else STAGES[rng.randrange(len(STAGES))],
                         "opened_on": opened, "closed_on": today if closed else None,
                         "specialist_id": rng.choice(users) if assigned else None,
                         "mentor_id": rng.choice(users) if assigned and rng.random() < 0.8 else None,
                         "specialist_due_on": None if closed else due, "mentor_due_on": None,
                         "next_due_on": None if closed else due,
                         "created_at": now, "updated_at": now, "version": 1})
        db.session.execute(insert(Case.__table__), rows)
        db.session.commit()
        done += len(rows)
        print(f"  cases: {done:,}", flush=True)


def add_loans_and_applications(db, loans: int, applications: int, rng: random.Random) -> None:
    from app.auth.models import User
    from app.core import clock
    from app.persons.models import Person
    from app.subsidies.models import Application, Loan, Programme, RuleVersion

    if db.session.scalar(select(func.count()).select_from(Loan)):
        return
    today = clock.today()
    now = clock.now()
    people = db.session.execute(select(Person.id, Person.village_id, Person.township_id, Person.county_id)
                                .order_by(Person.id).limit(max(loans, applications))).all()
    rows = []
    for i in range(loans):
        p = people[i % len(people)]
        rows.append({"village_id": p.village_id, "township_id": p.township_id, "county_id": p.county_id,
                     "person_id": p.id, "borrower_type": "individual", "partners": 1,
                     "amount": 50_000 * (1 + i % 6), "term_months": 24, "lender": "基准银行",
                     "contract_on": today - timedelta(days=rng.randrange(1500)), "rate_bp": 345, "lpr_bp": 345,
                     "status": ["disbursed", "repaying", "repaid", "applied"][i % 4], "overdue_periods": [],
                     "created_at": now, "updated_at": now, "version": 1})
    db.session.execute(insert(Loan.__table__), rows)
    versions = db.session.execute(select(Programme.id, func.min(RuleVersion.id))
                                  .join(RuleVersion, RuleVersion.programme_id == Programme.id)
                                  .group_by(Programme.id)).all()
    submitter = db.session.scalar(select(User.id))
    rows = []
    for i in range(applications):
        p = people[i % len(people)]
        programme_id, version_id = versions[i % len(versions)]
        submitted = today - timedelta(days=rng.randrange(1500))
        state = ["submitted", "approved", "rejected", "paid", "paid"][i % 5]
        decided = submitted + timedelta(days=rng.randrange(3, 40)) if state != "submitted" else None
        paid = decided + timedelta(days=10) if state == "paid" else None
        rows.append({"village_id": p.village_id, "township_id": p.township_id, "county_id": p.county_id,
                     "programme_id": programme_id, "rule_version_id": version_id, "person_id": p.id,
                     "state": state, "amount": 5000, "submitted_on": submitted, "submitted_by_id": submitter,
                     "submission_check": {}, "decided_on": decided, "paid_on": paid,
                     "paid_amount": 5000 if paid else None,
                     "created_at": now, "updated_at": now, "version": 1})
    db.session.execute(insert(Application.__table__), rows)
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="SQLAlchemy URL")
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--businesses", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--loans", type=int, default=20_000)
    parser.add_argument("--applications", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--people-sql", action="store_true",
                        help="PostgreSQL: fill people with INSERT … SELECT generate_series (fast, minimal rows)")
    args = parser.parse_args()

    from app import create_app
    from app.dashboard import counters
    from app.extensions import db
    from config import TestingConfig

    rng = random.Random(args.seed)
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=args.db)
    with app.app_context():
        started = time.perf_counter()
        _prepare(db)
        if args.people_sql and db.engine.dialect.name == "postgresql":
            fill_people_sql(db, args.people)
        else:
            fill_people(db, args.people, rng)
        add_businesses(db, args.businesses, rng)
        add_cases(db, args.cases, rng)
        add_loans_and_applications(db, args.loans, args.applications, rng)
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        else:
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()
        print(f"generated in {time.perf_counter() - started:.1f} s; counters differ: {counters.differences() or 'none'}")


if __name__ == "__main__":
    main()
