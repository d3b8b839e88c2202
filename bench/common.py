"""Shared pieces of the benchmark scripts: the app for a given database, schema set-up, the
synthetic people (never real ID numbers: region prefixes of 宜昌 and sequences with valid check
characters, see `synthetic_id`)."""
from __future__ import annotations

import os
import platform
import random
import subprocess
from datetime import date, timedelta
from functools import cache

from sqlalchemy import event, text

from app.core.validators import ID_CHECK_CHARS, ID_WEIGHTS, IdNumberInfo

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
            "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅鹏飞斌波宇浩凯健俊帆帅旭宁琳"
ID_PREFIXES = ("420502", "420503", "420504", "420505", "420506", "420525", "420526", "420527", "420528",
               "420529", "420581", "420582", "420583")
FIRST_BIRTH = date(1960, 1, 1)
BIRTH_SPAN = 16000  # days: births 1960 – 2003


def create_bench_app(database_url: str, *, bulk_load: bool = False):
    """The application on `database_url` (testing keys: synthetic data only). With `bulk_load`
    (the generator) the bench database gets bulk-load settings — SQLite: no journal, no fsync,
    no foreign-key checks; PostgreSQL: no FK or other triggers — never the app's. The benchmark
    itself runs with the app's own settings (SQLite: a 1 GB page cache only)."""
    from app import create_app
    from config import TestingConfig

    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url, TESTING=False)
    if database_url.startswith("sqlite") and bulk_load:
        with app.app_context():
            from app.extensions import db

            @event.listens_for(db.engine, "connect")
            def _pragmas(dbapi_connection, _record):  # pragma: no cover - bench only
                cursor = dbapi_connection.cursor()
                # Bulk-load settings of the bench database only. Foreign keys are not checked
                # (the generator writes ids it has just read from the regions table).
                # `threads`: helper threads for the sorts of the index builds after the load.
                for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-1000000", "temp_store=MEMORY",
                               "foreign_keys=OFF", "threads=2"):
                    cursor.execute(f"PRAGMA {pragma}")
                cursor.close()

            db.engine.dispose()
    elif database_url.startswith("sqlite"):
        with app.app_context():
            from app.extensions import db

            @event.listens_for(db.engine, "connect")
            def _cache(dbapi_connection, _record):  # pragma: no cover - bench only
                dbapi_connection.execute("PRAGMA cache_size=-1000000")

            db.engine.dispose()
    elif database_url.startswith("postgresql") and bulk_load:
        with app.app_context():
            from app.extensions import db

            @event.listens_for(db.engine, "connect")
            def _replica(dbapi_connection, _record):  # pragma: no cover - bench only
                # Bulk-load setting of the bench database only: foreign-key triggers do not fire
                # (the generator writes ids it has just read). Needs a superuser.
                cursor = dbapi_connection.cursor()
                cursor.execute("SET session_replication_role = replica")
                cursor.close()
                dbapi_connection.commit()

            db.engine.dispose()
    return app


def reset_database(app, database_url: str) -> None:
    """Empty database → `flask db upgrade` (the migrations) → regions, code lists, demo accounts."""
    from flask_migrate import upgrade

    from app.extensions import db

    with app.app_context():
        if database_url.startswith("sqlite:///"):
            path = database_url.removeprefix("sqlite:///")
            db.engine.dispose()
            if os.path.exists(path):
                os.remove(path)
        else:
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade(directory=os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations"))
        from app.codes.operations import seed_defaults
        from app.demo.accounts import load_accounts
        from app.regions.operations import load_regions

        load_regions()
        seed_defaults()
        db.session.commit()
        load_accounts()
        db.session.commit()


def synthetic_id(i: int) -> IdNumberInfo:
    """The i-th synthetic ID number: unique for i < 13 × 16,000 × 1,000."""
    born, digits, weighted = _birth(i % BIRTH_SPAN)
    seq = (i // BIRTH_SPAN) % 1000
    prefix, prefix_weighted = _prefix((i // (BIRTH_SPAN * 1000)) % len(ID_PREFIXES))
    tail, tail_weighted = _sequence(seq)
    # The GB 11643 check character (`id_check_char`) from the weighted sums of the three parts.
    check = ID_CHECK_CHARS[(prefix_weighted + weighted + tail_weighted) % 11]
    return IdNumberInfo(number=f"{prefix}{digits}{tail}{check}", birth_date=born,
                        gender="male" if seq % 2 == 1 else "female")


def _weighted(digits: str, offset: int) -> int:
    return sum(int(d) * w for d, w in zip(digits, ID_WEIGHTS[offset:], strict=False))


@cache
def _birth(day: int) -> tuple[date, str, int]:
    born = FIRST_BIRTH + timedelta(days=day)
    digits = f"{born:%Y%m%d}"
    return born, digits, _weighted(digits, 6)


@cache
def _prefix(index: int) -> tuple[str, int]:
    return ID_PREFIXES[index], _weighted(ID_PREFIXES[index], 0)


@cache
def _sequence(seq: int) -> tuple[str, int]:
    digits = f"{seq:03d}"
    return digits, _weighted(digits, 14)


def synthetic_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.75 else "")
    return rng.choice(SURNAMES) + given


def machine() -> str:
    cpu = ""
    try:
        with open("/proc/cpuinfo") as handle:
            cpu = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), "")
    except OSError:
        pass
    memory = ""
    try:
        with open("/proc/meminfo") as handle:
            memory = f"{int(handle.readline().split()[1]) // 1024 // 1024 + 1} GB RAM"
    except OSError:
        pass
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()  # noqa: S603,S607
    return f"{platform.node()}: {os.cpu_count()} cores ({cpu}), {memory}, Python {platform.python_version()}; {load}"
