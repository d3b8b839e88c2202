"""Generate N synthetic people over all 1,650 villages, through the import's write path.

    python -m bench.generate --n 1000000 --database-url sqlite:////tmp/bench.db
    python -m bench.generate --n 1000000 --database-url postgresql+psycopg://postgres@127.0.0.1/fxcy_bench

`--fresh` (default) empties the database and runs the migrations, then loads the regions, code
lists and demo accounts. The pipeline:

- ids: allocated for all N people up front (SQLite `write.allocate_ids`; PostgreSQL one block of
  the sequence), so that batches can be built ahead of their writes;
- build (`--workers` forked processes, default one per core, never touching the database): each
  batch of `--batch` people through `write.new_person_row` (ciphertexts, hashes, masks, pinyin
  sort key: the same columns as every writer) and `write.prepare_new_people` (driver form through
  the columns' bind processors, name keys), sent back as plain lists;
- write (main process): `write.write_prepared` → `write.write_tuples` (raw executemany on SQLite,
  COPY on PostgreSQL), one commit per batch, while the workers build the next batches (at most
  workers + 1 batches in flight). The garbage collector is off during the load (acyclic data).

On a fresh database the load is a bulk load (bench database only): the secondary indexes are
dropped and built after the load (PostgreSQL with `maintenance_work_mem` 1 GB); on PostgreSQL the
name keys are copied into `person_name_keys` without its primary key, which one CREATE INDEX
rebuilds at the end (on SQLite they go straight into the clustered key table, each batch in key
order, as in the import); on SQLite the counter triggers on `persons` are set aside and restored
from their own SQL (PostgreSQL runs the bench connection as `replica`). Afterwards
the dashboard counters are rebuilt, the year-end baseline snapshots computed and the planner
statistics refreshed (ANALYZE / VACUUM ANALYZE).

The summary line gives wall times per stage and the CPU time of the workers and of the main
process (on a shared machine the wall times follow the other processes' load).
"""
from __future__ import annotations

import argparse
import gc
import multiprocessing
import os
import random
import time
from collections import deque
from datetime import timedelta
from typing import NamedTuple

from sqlalchemy import select, text

from bench.common import create_bench_app, machine, reset_database, synthetic_id, synthetic_name


class _Village(NamedTuple):
    id: int
    township_id: int | None
    county_id: int | None


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


def _load_begin(db) -> dict:
    """Bulk-load set-up of an empty library (bench database only), undone by `_load_end`: the
    secondary indexes are dropped. SQLite: the counter triggers on `persons` are set aside
    (`counters.rebuild()` fills the counters afterwards; on PostgreSQL the bench connection runs
    as `replica`, so they do not fire); the name keys go straight into the clustered
    `person_name_keys`, each batch in key order (measured: no more CPU in the writer than a
    staging table, and no sort of every key after the load). PostgreSQL: `person_name_keys`
    loses its primary key during the load (COPY into a bare heap) and gets it back by one index
    build at the end."""
    connection = db.session.connection()
    for index in _secondary_indexes():
        index.drop(bind=connection)
    state = {"triggers": []}
    if db.engine.dialect.name == "sqlite":
        state["triggers"] = [sql for _name, sql in connection.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'persons' ORDER BY name"))]
        for name, in connection.execute(text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'persons'")).all():
            connection.execute(text(f'DROP TRIGGER "{name}"'))
    else:
        connection.execute(text("ALTER TABLE person_name_keys DROP CONSTRAINT pk_person_name_keys"))
    db.session.commit()
    return state


def _load_end(db, state: dict, timings: dict) -> None:
    connection = db.session.connection()
    t0 = time.perf_counter()
    if db.engine.dialect.name == "postgresql":
        connection.execute(text("SET maintenance_work_mem = '1GB'"))
        connection.execute(text("ALTER TABLE person_name_keys ADD CONSTRAINT pk_person_name_keys "
                                "PRIMARY KEY (key, person_id)"))
    db.session.commit()
    t1 = time.perf_counter()
    timings["keys"] = t1 - t0
    connection = db.session.connection()
    if db.engine.dialect.name == "postgresql":
        connection.execute(text("SET maintenance_work_mem = '1GB'"))
    for index in _secondary_indexes():
        index.create(bind=connection)
    for sql in state["triggers"]:
        connection.execute(text(sql))
    db.session.commit()
    timings["indexes"] = time.perf_counter() - t1


def _allocate_ids(db, n: int) -> list[int]:
    """`n` new person ids. SQLite: `write.allocate_ids` (max(id) + 1 …). PostgreSQL: one block
    of the sequence in one statement (the generator is alone on the bench database) instead of
    `n` nextval calls."""
    from app.persons import write

    if db.engine.dialect.name != "postgresql" or n <= 0:
        return write.allocate_ids(n)
    last = db.session.scalar(text("SELECT setval(pg_get_serial_sequence('persons', 'id'), "
                                  "nextval(pg_get_serial_sequence('persons', 'id')) + :n - 1)"), {"n": n})
    return list(range(last - n + 1, last + 1))


def _secondary_indexes():
    from app.persons.models import Person, PersonNameKey

    return list(Person.__table__.indexes) + list(PersonNameKey.__table__.indexes)


# State of the worker processes: set in the parent before the pool forks, read by `_build`.
_WORKER: dict = {}


def _person_fields(rng: random.Random, i: int, days_ago, statuses, regions, industries):
    """Phone and attribute values of the i-th person (`days_ago[d]` = today - d days). One
    `rng.random()` per choice: the generator's hot loop."""
    from app.persons.models import BusinessForm, Intention, PersonSource, PersonStatus

    r = rng.random
    status = statuses[int(r() * len(statuses))]
    ago = 200 + int(r() * 5801)  # outside since 200 – 6,000 days ago
    returned = None
    if status is not PersonStatus.WORKING_OUTSIDE:  # returned 30 days after leaving, or later
        returned = days_ago[ago - 30 - int(r() * (ago - 30))]
    sanyou = r() < 0.08
    fields = {
        "source": PersonSource.BIGDATA if r() < 0.8 else PersonSource.SURVEY,
        "status": status, "work_region": regions[int(r() * len(regions))],
        "work_industry": industries[int(r() * len(industries))],
        "outside_since": days_ago[ago], "returned_on": returned,
        "intention": Intention.FIRM if sanyou else (Intention.CONSIDERING if r() < 0.2 else Intention.NONE),
    }
    if sanyou:
        fields.update(willing=True, capable=True, creditworthy=True, willing_basis="走访确认",
                      capable_basis="有技术和经验", creditworthy_basis="征信良好",
                      intended_form=BusinessForm.INDIVIDUAL,
                      intended_industry=industries[int(r() * len(industries))])
    phone = f"1{'3578'[int(r() * 4)]}{i % 1_000_000_000:09d}" if r() < 0.7 else None
    return phone, fields


def _build(task):
    """Worker process: the rows of one batch through `write.new_person_row` and
    `write.prepare_new_people` (driver form and name keys), never touching the database."""
    from app.persons import write
    from app.persons.models import Person, PersonStatus

    batch_no, first, ids, now = task
    state = _WORKER
    t0, c0 = time.perf_counter(), time.process_time()
    rng = random.Random(state["seed"] * 1_000_003 + batch_no)
    villages, ring, days_ago = state["villages"], state["ring"], state["days_ago"]
    industries = ("specialty_farming", "rural_ecommerce", "rural_tourism", "consumer_services",
                  "light_industry", "modern_services", "other")
    regions = ("yangtze_delta", "pearl_delta", "jingjinji", "in_province", "out_province")
    statuses = (PersonStatus.WORKING_OUTSIDE,) * 6 + (PersonStatus.RETURNED,) * 3 + (PersonStatus.FOUNDED,)
    rows = []
    for i in range(first, first + len(ids)):
        phone, fields = _person_fields(rng, i, days_ago, statuses, regions, industries)
        rows.append(write.new_person_row(synthetic_id(i), synthetic_name(rng), villages[int(rng.random() * len(villages))],
                                         phone=phone, ring=ring, now=now, **fields))
    if state.get("converter") is None:
        state["converter"] = write.row_converter(Person.__table__, list(rows[0].keys()), state["dialect"])
    # PostgreSQL bulk load: the key index is built once at the end (`_load_end`), no per-batch sort.
    prepared = write.prepare_new_people(rows, ids, now, converter=state["converter"], sort_keys=not state["unsorted_keys"])
    return prepared, time.perf_counter() - t0, time.process_time() - c0


def generate(app, n: int, *, batch: int = 20000, seed: int = 4, start: int = 0,
             defer_indexes: bool = False, workers: int | None = None) -> dict[str, float]:
    from app.core import clock, crypto
    from app.extensions import db
    from app.persons import baselines, write
    from app.regions.models import Region, RegionLevel

    workers = workers or os.cpu_count() or 1
    timings = {"build": 0.0, "build_cpu": 0.0, "wait": 0.0, "write": 0.0, "commit": 0.0, "main_cpu": 0.0}
    with app.app_context():
        villages = [_Village(*v) for v in db.session.execute(
            select(Region.id, Region.township_id, Region.county_id)
            .where(Region.level == RegionLevel.VILLAGE).order_by(Region.id))]
        started = time.perf_counter()
        load = _load_begin(db) if defer_indexes else {}
        t0 = time.perf_counter()
        ids = _allocate_ids(db, n)  # all at once: the batches are built ahead of their writes
        db.session.commit()
        timings["ids"] = time.perf_counter() - t0
        today = clock.today()
        _WORKER.update(villages=villages, ring=crypto.ring(), seed=seed,
                       days_ago=[today - timedelta(days=d) for d in range(6001)],
                       dialect=db.engine.dialect, converter=None,
                       unsorted_keys=defer_indexes and db.engine.dialect.name == "postgresql")
        db.session.close()
        db.engine.dispose()  # no connection crosses the fork
        batches = [(b, start + lo, ids[lo:lo + batch]) for b, lo in enumerate(range(0, n, batch))]
        gc.collect()
        gc.freeze()  # the forked workers and the load loop allocate millions of acyclic objects:
        gc.disable()  # no collector passes over them (re-enabled after the load)
        pool = multiprocessing.get_context("fork").Pool(workers)
        try:
            pending: deque = deque()
            queued = iter(batches)

            def submit():
                task = next(queued, None)
                if task is not None:
                    pending.append(pool.apply_async(_build, ((*task, clock.now()),)))

            for _ in range(workers + 1):  # bounded read-ahead: a few batches in memory at most
                submit()
            done = 0
            while pending:
                t0 = time.perf_counter()
                c0 = time.process_time()
                prepared, spent, cpu = pending.popleft().get()
                submit()
                t1 = time.perf_counter()
                write.write_prepared(prepared)
                t2 = time.perf_counter()
                db.session.commit()
                t3 = time.perf_counter()
                timings["build"] += spent
                timings["build_cpu"] += cpu
                timings["main_cpu"] += time.process_time() - c0
                timings["wait"] += t1 - t0
                timings["write"] += t2 - t1
                timings["commit"] += t3 - t2
                done += len(prepared.rows)
                print(f"  {done:>9,} people  {done / (t3 - started):,.0f}/s", flush=True)
        finally:
            pool.close()
            pool.join()
            gc.enable()
            gc.unfreeze()
        if defer_indexes:
            _load_end(db, load, timings)
        timings["total"] = time.perf_counter() - started
        timings["counters"] = _rebuild_dashboard_counters()
        t0 = time.perf_counter()
        baselines.refresh_all(clock.today().year)
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
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="processes that build the rows while the main process writes (default: one per core)")
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
                       defer_indexes=args.fresh and not args.keep_indexes, workers=args.workers)
    print(f"generated {args.n:,} people in {timings['total']:.1f} s "
          f"(build rows {timings['build']:.1f} s in {args.workers} workers [CPU {timings['build_cpu']:.1f} s], "
          f"main waited {timings['wait']:.1f} s; "
          f"ids {timings['ids']:.1f} s, write {timings['write']:.1f} s, commit {timings['commit']:.1f} s, "
          f"[main CPU {timings['main_cpu']:.1f} s], keys {timings.get('keys', 0):.1f} s, indexes {timings.get('indexes', 0):.1f} s, "
          f"counters {timings.get('counters', 0):.1f} s); "
          f"baselines {timings['baselines']:.1f} s, analyze {timings['analyze']:.1f} s")


if __name__ == "__main__":
    main()
