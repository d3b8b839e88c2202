"""Generate N synthetic people over all 1,650 villages, through the import's write path.

    python -m bench.generate --n 1000000 --database-url sqlite:////tmp/bench.db
    python -m bench.generate --n 1000000 --database-url postgresql+psycopg://postgres@127.0.0.1/fxcy_bench

`--fresh` (default) empties the database and runs the migrations, then loads the regions, code
lists and demo accounts. Rows are built by `write.new_person_row` (ciphertexts, hashes, masks,
pinyin sort key: the same columns as every writer) and written by `write.insert_new_people`
(raw executemany on SQLite, COPY on PostgreSQL, name keys included), committed every `--batch`
rows. Afterwards the year-end baseline snapshots are computed and the planner statistics
refreshed (ANALYZE / VACUUM ANALYZE).
"""
from __future__ import annotations

import argparse
import random
import time
from datetime import timedelta

from sqlalchemy import select, text

from bench.common import create_bench_app, machine, reset_database, synthetic_id, synthetic_name


def _rebuild_dashboard_counters() -> float:
    """The dashboard's trigger-maintained counters (issue 5), when that domain is installed:
    rebuilt in one statement per table after the load (on PostgreSQL the bench connection runs
    with `session_replication_role = replica`, so no trigger fired during the COPY)."""
    try:
        from app.dashboard import counters
    except ImportError:
        return 0.0
    from app.extensions import db

    t0 = time.perf_counter()
    counters.rebuild()
    db.session.commit()
    return time.perf_counter() - t0


def _secondary_indexes():
    from app.persons.models import Person, PersonNameKey

    return list(Person.__table__.indexes) + list(PersonNameKey.__table__.indexes)


def generate(app, n: int, *, batch: int = 20000, seed: int = 4, start: int = 0,
             defer_indexes: bool = False) -> dict[str, float]:
    from app.core import clock, crypto
    from app.extensions import db
    from app.persons import baselines, write
    from app.persons.models import BusinessForm, Intention, PersonSource, PersonStatus
    from app.regions.models import Region, RegionLevel

    rng = random.Random(seed)
    timings = {"build": 0.0, "write": 0.0, "commit": 0.0}
    with app.app_context():
        villages = list(db.session.execute(select(Region.id, Region.township_id, Region.county_id)
                                           .where(Region.level == RegionLevel.VILLAGE).order_by(Region.id)))
        ring = crypto.ring()
        today = clock.today()
        industries = ("specialty_farming", "rural_ecommerce", "rural_tourism", "consumer_services",
                      "light_industry", "modern_services", "other")
        regions = ("yangtze_delta", "pearl_delta", "jingjinji", "in_province", "out_province")
        statuses = (PersonStatus.WORKING_OUTSIDE,) * 6 + (PersonStatus.RETURNED,) * 3 + (PersonStatus.FOUNDED,)
        done = 0
        started = time.perf_counter()
        if defer_indexes:  # an empty library: build the secondary indexes once, after the load
            connection = db.session.connection()
            for index in _secondary_indexes():
                index.drop(bind=connection)
            db.session.commit()
        while done < n:
            size = min(batch, n - done)
            t0 = time.perf_counter()
            rows = []
            for k in range(size):
                i = start + done + k
                info = synthetic_id(i)
                status = rng.choice(statuses)
                since = today - timedelta(days=rng.randint(200, 6000))
                returned = None
                if status != PersonStatus.WORKING_OUTSIDE:
                    returned = since + timedelta(days=rng.randint(30, max(31, (today - since).days - 1)))
                sanyou = rng.random() < 0.08
                fields = {
                    "source": PersonSource.BIGDATA if rng.random() < 0.8 else PersonSource.SURVEY,
                    "status": status, "work_region": rng.choice(regions), "work_industry": rng.choice(industries),
                    "outside_since": since, "returned_on": returned,
                    "intention": Intention.FIRM if sanyou else (Intention.CONSIDERING if rng.random() < 0.2
                                                                 else Intention.NONE),
                }
                if sanyou:
                    fields.update(willing=True, capable=True, creditworthy=True, willing_basis="走访确认",
                                  capable_basis="有技术和经验", creditworthy_basis="征信良好",
                                  intended_form=BusinessForm.INDIVIDUAL, intended_industry=rng.choice(industries))
                phone = f"1{rng.choice('3578')}{i % 1_000_000_000:09d}" if rng.random() < 0.7 else None
                rows.append(write.new_person_row(info, synthetic_name(rng), villages[rng.randrange(len(villages))],
                                                 phone=phone, ring=ring, **fields))
            t1 = time.perf_counter()
            write.insert_new_people(rows)
            t2 = time.perf_counter()
            db.session.commit()
            t3 = time.perf_counter()
            timings["build"] += t1 - t0
            timings["write"] += t2 - t1
            timings["commit"] += t3 - t2
            done += size
            rate = done / (t3 - started)
            print(f"  {done:>9,} people  {rate:,.0f}/s", flush=True)
        if defer_indexes:
            t0 = time.perf_counter()
            connection = db.session.connection()
            for index in _secondary_indexes():
                index.create(bind=connection)
            db.session.commit()
            timings["indexes"] = time.perf_counter() - t0
        timings["total"] = time.perf_counter() - started
        timings["counters"] = _rebuild_dashboard_counters()
        t0 = time.perf_counter()
        baselines.refresh_all(today.year)
        db.session.commit()
        timings["baselines"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))
        else:
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        timings["analyze"] = time.perf_counter() - t0
    return timings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--batch", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--no-fresh", dest="fresh", action="store_false")
    parser.add_argument("--keep-indexes", action="store_true",
                        help="write with every index in place (default on a fresh database: build the "
                             "secondary indexes after the load)")
    args = parser.parse_args(argv)
    app = create_bench_app(args.database_url, bulk_load=True)
    if args.fresh:
        reset_database(app, args.database_url)
    print(machine())
    timings = generate(app, args.n, batch=args.batch, seed=args.seed,
                       defer_indexes=args.fresh and not args.keep_indexes)
    print(f"generated {args.n:,} people in {timings['total']:.1f} s "
          f"(build rows {timings['build']:.1f} s, write {timings['write']:.1f} s, commit {timings['commit']:.1f} s, "
          f"indexes {timings.get('indexes', 0):.1f} s, counters {timings.get('counters', 0):.1f} s); "
          f"baselines {timings['baselines']:.1f} s, analyze {timings['analyze']:.1f} s")


if __name__ == "__main__":
    main()
