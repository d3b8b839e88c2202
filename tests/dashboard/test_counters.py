"""Counter tables kept by triggers equal a fresh COUNT after any mix of writes (issue 4 §4)."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from app.dashboard import counters
from app.dashboard.models import VillagePersonCount
from app.extensions import db
from app.persons import operations as ops
from app.persons import write
from app.persons.models import Person, PersonNameKey
from app.regions.operations import by_code
from tests.conftest import IS_POSTGRES
from tests.persons.factories import city_admin, create_person

DAZHONGBA = "420506103202"
GAOJIAYAN = "420506103203"
ZIGUI_VILLAGE_PREFIX = "420527"


def _count(village_code: str) -> tuple[int, int]:
    village = by_code(village_code)
    row = db.session.get(VillagePersonCount, village.id)
    return (row.people, row.sanyou) if row else (0, 0)


def _fresh(village_code: str) -> tuple[int, int]:
    village = by_code(village_code)
    people = db.session.scalar(select(db.func.count()).where(Person.village_id == village.id,
                                                             Person.archived_at.is_(None)))
    sanyou = db.session.scalar(select(db.func.count()).where(Person.village_id == village.id,
                                                             Person.archived_at.is_(None), Person.is_sanyou))
    return people, sanyou


SANYOU = {"willing": True, "willing_basis": "有意向", "capable": True, "capable_basis": "有技能",
          "creditworthy": True, "creditworthy_basis": "无不良记录"}


def test_counters_follow_inserts_updates_moves_archives_and_deletes(demo):
    admin = city_admin()
    before = _count(DAZHONGBA)
    a = create_person(village_code=DAZHONGBA)
    b = create_person(village_code=DAZHONGBA, **SANYOU)
    c = create_person(village_code=DAZHONGBA, **SANYOU)
    assert _count(DAZHONGBA) == (before[0] + 3, before[1] + 2)

    # 三有 assessment withdrawn: sanyou drops, people stay.
    ops.update_person(admin, b, {"capable": False}, expected_version=b.version)
    db.session.commit()
    assert _count(DAZHONGBA) == (before[0] + 3, before[1] + 1)

    # A move takes the person's contribution to the other village.
    other_before = _count(GAOJIAYAN)
    ops.move_person(admin, c, by_code(GAOJIAYAN), reason="户籍迁移", expected_version=c.version)
    db.session.commit()
    assert _count(DAZHONGBA) == (before[0] + 2, before[1])
    assert _count(GAOJIAYAN) == (other_before[0] + 1, other_before[1] + 1)

    # Archived people are not counted; restoring counts them again.
    ops.archive_person(admin, a, reason="重复登记", expected_version=a.version)
    db.session.commit()
    assert _count(DAZHONGBA) == (before[0] + 1, before[1])
    ops.restore_person(admin, a, expected_version=a.version)
    db.session.commit()
    assert _count(DAZHONGBA) == (before[0] + 2, before[1])

    # Writes that bypass the operations (bulk SQL, an import, a generator) are counted too.
    village = by_code(GAOJIAYAN)
    db.session.execute(update(Person).where(Person.village_id == village.id).values(is_sanyou=True))
    db.session.execute(text("UPDATE persons SET remarks = 'x'"))  # no watched column: no change
    db.session.commit()
    assert _count(GAOJIAYAN) == _fresh(GAOJIAYAN)
    db.session.execute(delete(PersonNameKey).where(PersonNameKey.person_id == a.id))
    db.session.execute(delete(Person).where(Person.id == a.id))
    db.session.commit()
    assert _count(DAZHONGBA) == _fresh(DAZHONGBA)
    assert counters.differences() == {}


def test_bulk_insert_is_counted_and_rebuild_recomputes(demo):
    village = by_code(GAOJIAYAN)
    template = db.session.execute(select(Person.__table__).limit(1)).mappings().one()
    rows = []
    for n in range(5):
        row = dict(template)
        row.pop("id")
        row.update(village_id=village.id, township_id=village.township_id, county_id=village.county_id,
                   id_number_hash=bytes([n + 1]) * 32, is_sanyou=n % 2 == 0, archived_at=None)
        rows.append(row)
    db.session.execute(insert(Person.__table__), rows)
    db.session.commit()
    assert _count(GAOJIAYAN) == _fresh(GAOJIAYAN)
    assert counters.differences() == {}

    # Damage a counter by hand: differences() sees it, rebuild() repairs it.
    db.session.execute(update(VillagePersonCount).values(people=VillagePersonCount.people + 7))
    db.session.commit()
    assert counters.differences()
    written = counters.rebuild()
    db.session.commit()
    assert written["village_person_counts"] > 0
    assert counters.differences() == {}
    assert _count(GAOJIAYAN) == _fresh(GAOJIAYAN)


def _trigger_names() -> set[str]:
    if IS_POSTGRES:
        sql = "SELECT tgname FROM pg_trigger WHERE tgrelid = 'persons'::regclass AND NOT tgisinternal"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'persons'"
    return set(db.session.scalars(text(sql)))


def _copies(village, count: int, first_hash: int) -> list[dict]:
    template = db.session.execute(select(Person.__table__).limit(1)).mappings().one()
    rows = []
    for n, person_id in enumerate(write.allocate_ids(count)):
        row = dict(template)
        row.update(id=person_id, village_id=village.id, township_id=village.township_id,
                   county_id=village.county_id, id_number_hash=bytes([first_hash + n]) * 32,
                   is_sanyou=n % 2 == 0, archived_at=None)
        rows.append(row)
    return rows


def test_bulk_insert_counts_the_rows_once_with_the_row_triggers_set_aside(demo):
    village = by_code(GAOJIAYAN)
    triggers = _trigger_names()
    before = _count(GAOJIAYAN)
    rows = _copies(village, 6, 1)
    with counters.bulk_insert("persons", rows[0]["id"], rows[-1]["id"]):
        db.session.execute(insert(Person.__table__), rows)
    db.session.commit()
    assert _count(GAOJIAYAN) == (before[0] + 6, before[1] + 3) == _fresh(GAOJIAYAN)
    assert counters.differences() == {}
    assert _trigger_names() == triggers
    # The triggers are back: a single insert afterwards is counted by them.
    create_person(city_admin(), village_code=GAOJIAYAN)
    assert counters.differences() == {}


def test_failed_bulk_insert_leaves_counters_and_triggers_as_they_were(demo):
    village = by_code(GAOJIAYAN)
    triggers, before = _trigger_names(), _count(GAOJIAYAN)
    rows = _copies(village, 3, 50)
    rows[2]["id_number_hash"] = rows[0]["id_number_hash"]  # violates the unique hash midway
    with pytest.raises(IntegrityError), counters.bulk_insert("persons", rows[0]["id"], rows[-1]["id"]):
        db.session.execute(insert(Person.__table__), rows)
    db.session.rollback()
    assert _trigger_names() == triggers
    assert _count(GAOJIAYAN) == before == _fresh(GAOJIAYAN)
    assert counters.differences() == {}


def test_a_large_batch_of_new_people_is_counted_once(demo, monkeypatch):
    """The import's write path (`write.insert_new_people`) enters the counters' bulk hook."""
    from contextlib import contextmanager

    from app.core.validators import parse_id_number
    from tests.persons.factories import unique_id, unique_name

    entered = []

    @contextmanager
    def spy(first, last):
        entered.append((first, last))
        yield

    assert counters.persons_bulk_insert in write.BULK_INSERT_HOOKS
    monkeypatch.setattr(write, "BULK_INSERT_HOOKS", [*write.BULK_INSERT_HOOKS, spy])

    village, other = by_code(GAOJIAYAN), by_code(DAZHONGBA)
    triggers = _trigger_names()
    before = _count(GAOJIAYAN), _count(DAZHONGBA)
    rows = [write.new_person_row(parse_id_number(unique_id(900_000 + n)), unique_name(900_000 + n),
                                 village if n % 3 else other, source="survey", status="returned",
                                 **(SANYOU if n % 5 == 0 else {}))
            for n in range(write.BULK_HOOK_MIN_ROWS + 50)]
    ids = write.insert_new_people(rows)
    db.session.commit()
    assert entered == [(ids[0], ids[-1])]
    assert _count(GAOJIAYAN) == _fresh(GAOJIAYAN) and _count(GAOJIAYAN)[0] > before[0][0]
    assert _count(DAZHONGBA) == _fresh(DAZHONGBA) and _count(DAZHONGBA)[0] > before[1][0]
    assert counters.differences() == {}
    assert _trigger_names() == triggers


def test_demo_data_is_counted(demo):
    assert counters.differences() == {}
    assert db.session.scalar(select(db.func.sum(VillagePersonCount.people))) == db.session.scalar(
        select(db.func.count()).where(Person.archived_at.is_(None)))


def test_rebuild_cli(app, demo):
    result = app.test_cli_runner().invoke(args=["dashboard", "rebuild-counters"])
    assert result.exit_code == 0, result.output
    assert "village_person_counts" in result.output
    assert counters.differences() == {}


@pytest.mark.skipif(IS_POSTGRES, reason="SQLite file database; tests/core/test_schema.py upgrades PostgreSQL")
def test_migrations_create_the_triggers(tmp_path):
    """`flask db upgrade` installs the same triggers as create_all (and the counters then work)."""
    from pathlib import Path

    from flask_migrate import upgrade
    from sqlalchemy import inspect

    from app import create_app
    from config import TestingConfig
    url = f"sqlite:///{tmp_path / 'm.db'}"
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade(directory=str(Path(__file__).resolve().parents[2] / "migrations"))
        names = {r[0] for r in db.session.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))}
        for spec in counters.SPECS:
            assert {f"{spec.name}_ins", f"{spec.name}_del", f"{spec.name}_upd"} <= names
            if spec.founder_dependent:
                assert f"{spec.name}_founder" in names
        assert "village_case_counts" in inspect(db.engine).get_table_names()
        db.session.remove()
        db.engine.dispose()


def test_random_mix_of_writes_keeps_every_counter_equal_to_a_fresh_count(demo):
    """Seeded random inserts, assessment changes, moves, archives, restores, deletes and cases."""
    import random

    from app.cases import operations as case_ops
    from app.regions.models import Region, RegionLevel
    from tests.cases.factories import create_case

    rng = random.Random(20261128)
    admin = city_admin()
    villages = list(db.session.scalars(select(Region).where(Region.level == RegionLevel.VILLAGE,
                                                            Region.code.like("420506103%")).limit(4)))
    people = []
    cases = []
    for _ in range(40):
        action = rng.choice(["create", "create", "assess", "move", "archive", "restore", "delete", "case",
                             "close"])
        live = [p for p in people if p.archived_at is None]
        if action == "create" or not people:
            people.append(create_person(village_code=rng.choice(villages).code,
                                        **(SANYOU if rng.random() < 0.5 else {})))
        elif action == "assess" and live:
            p = rng.choice(live)
            ops.update_person(admin, p, {"capable": not p.capable, "capable_basis": "复核"}, expected_version=p.version)
        elif action == "move" and live:
            p = rng.choice(live)
            target = rng.choice([v for v in villages if v.id != p.village_id])
            ops.move_person(admin, p, target, reason="迁移", expected_version=p.version)
        elif action == "archive" and live:
            p = rng.choice(live)
            ops.archive_person(admin, p, reason="测试", expected_version=p.version)
        elif action == "restore":
            archived = [p for p in people if p.archived_at is not None]
            if archived:
                p = rng.choice(archived)
                ops.restore_person(admin, p, expected_version=p.version)
        elif action == "delete":
            p = people.pop(rng.randrange(len(people)))
            if any(c.person_id == p.id for c in cases):
                people.append(p)
                continue
            db.session.execute(delete(PersonNameKey).where(PersonNameKey.person_id == p.id))
            db.session.execute(delete(Person).where(Person.id == p.id))
        elif action == "case" and live:
            candidates = [p for p in live if all(c.person_id != p.id for c in cases)]
            if candidates:
                cases.append(create_case(person=rng.choice(candidates), commit=False))
        elif action == "close" and cases:
            c = rng.choice(cases)
            if c.closed_on is None:
                case_ops.change_stage(c, "closed", admin, "测试结案", expected_version=c.version)
        db.session.commit()
        assert counters.differences() == {}, action
