"""The commit of an import reuses the preview's prepared outcome when the library is unchanged,
and checks the file again (the full path) when it is not, or when the prepared file is missing
or not authentic. Either way the batch and the library end up the same."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import select, update

from app.codes.models import CodeItem, CodeList
from app.core.audit import AuditEntry
from app.core.errors import Conflict
from app.extensions import db
from app.persons import columns, imports
from app.persons import operations as ops
from app.persons.imports import check as import_check
from app.persons.imports import parallel as import_parallel
from app.persons.imports import prepared as import_prepared
from app.persons.models import ImportStatus, Person, PersonImport, PersonImportItem
from tests.persons.factories import create_person, unique_id, unique_name
from tests.persons_scale.files import csv_bytes
from tests.persons_scale.test_import import DAZHONGBA, GAOJIAYAN, HEADER, MAOPING, _by_number, _number_of, _preview

HEADER_PLUS = HEADER + ["务工地区", "务工城市", "有愿望", "有愿望的依据"]


def _mixed_file(demo) -> tuple[bytes, dict]:
    """New people, an update, an unchanged row and refused rows (bad ID, out of scope, bad code)."""
    county = demo["demo_county"]
    existing = create_person(county, village_code=DAZHONGBA, work_city="武汉")
    same = create_person(county, village_code=GAOJIAYAN, work_city="宜昌")
    new_ids = [unique_id() for _ in range(6)]
    rows = [HEADER_PLUS]
    rows += [[number, unique_name(), f"1390000{i:04d}", DAZHONGBA, "bigdata", "working_outside", "pearl_delta",
              "深圳", "是", "想回乡开店"] for i, number in enumerate(new_ids)]
    rows.append([_number_of(existing), "", "13911112222", "", "", "", "", "杭州", "是", "多次表达意愿"])
    rows.append([_number_of(same), "", "", "", "", "", "", "宜昌", "", ""])
    rows.append([new_ids[0][:17] + ("0" if new_ids[0][17] != "0" else "1"), "错号", "", DAZHONGBA, "bigdata",
                 "returned", "", "", "", ""])
    rows.append([unique_id(), "孙八", "", MAOPING, "bigdata", "returned", "", "", "", ""])
    rows.append([unique_id(), "钱七", "", DAZHONGBA, "bigdata", "returned", "nowhere", "", "", ""])
    return csv_bytes(rows), {"existing": existing, "same": same, "new_ids": new_ids}


def _snapshot(batch: PersonImport) -> dict:
    """What a commit wrote, independent of ids, ciphertext nonces and timestamps."""
    db.session.refresh(batch)
    skip = {"id", "id_number_cipher", "phone_cipher", "created_at", "updated_at"}
    people = {}
    items = db.session.execute(select(PersonImportItem.person_id, PersonImportItem.change)
                               .where(PersonImportItem.batch_id == batch.id)).all()
    for person_id, change in items:
        person = db.session.get(Person, person_id)
        row = {c.key: getattr(person, c.key) for c in Person.__table__.columns if c.key not in skip}
        row["phone"] = columns.decrypt_phone(person)
        row["id_number"] = columns.decrypt_id_number(person)
        people[row["id_number"]] = (change, row)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "person_import",
                                                       AuditEntry.object_id == str(batch.id)))
    return {"batch": (batch.status, batch.columns, batch.rows_total, batch.rows_new, batch.rows_updated,
                      batch.rows_unchanged, batch.rows_refused, batch.errors),
            "people": people, "audit": (entry.changes, entry.detail)}


def _count_rechecks(monkeypatch) -> dict:
    calls = {"check": 0}
    real = import_check.check_file

    def counting(*args, **kwargs):
        calls["check"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(import_check, "check_file", counting)
    return calls


def _commit(monkeypatch, actor, batch) -> int:
    """Commit the batch; returns how many times the file was checked again (0: prepared)."""
    calls = _count_rechecks(monkeypatch)
    imports.commit_import(actor, batch)
    db.session.commit()
    return calls["check"]


def test_commit_writes_the_prepared_outcome_and_matches_the_full_check(demo, monkeypatch):
    county = demo["demo_county"]
    data, people = _mixed_file(demo)
    batch = _preview(county, data)
    assert imports.prepared_path(batch).exists()
    assert (batch.rows_new, batch.rows_updated, batch.rows_unchanged, batch.rows_refused) == (6, 1, 1, 3)

    # The prepared path validates nothing again: neither the file check nor `clean` runs.
    calls = _count_rechecks(monkeypatch)
    real_clean = ops.clean
    monkeypatch.setattr(ops, "clean", lambda *a, **k: pytest.fail("clean called during a prepared commit"))
    imports.commit_import(county, batch)
    db.session.flush()
    assert calls["check"] == 0
    prepared = _snapshot(batch)
    db.session.rollback()  # undo, then the same commit through the full check
    monkeypatch.setattr(ops, "clean", real_clean)

    imports.prepared_path(batch).unlink()
    db.session.refresh(batch)
    assert batch.status == ImportStatus.PREVIEWED
    imports.commit_import(county, batch)
    db.session.commit()
    assert calls["check"] == 1
    assert _snapshot(batch) == prepared
    assert prepared["batch"][3:7] == (6, 1, 1, 3)
    existing = prepared["people"][_number_of(people["existing"])]
    assert existing[0] == "updated" and existing[1]["work_city"] == "杭州" and existing[1]["version"] == 2
    assert existing[1]["phone"] == "13911112222" and existing[1]["willing"] is True
    assert sum(1 for change, _ in prepared["people"].values() if change == "new") == 6
    imports.discard_file(batch)
    assert not imports.prepared_path(batch).exists() and not imports.stored_path(batch).exists()


def test_a_person_registered_with_a_file_id_since_the_preview_makes_the_commit_check_again(demo, monkeypatch):
    county = demo["demo_county"]
    number = unique_id()
    rows = [HEADER + ["务工城市"], [number, "张三丰", "", DAZHONGBA, "bigdata", "returned", "深圳"],
            [unique_id(), "李四", "", DAZHONGBA, "bigdata", "returned", "东莞"]]
    batch = _preview(county, csv_bytes(rows))
    assert batch.rows_new == 2
    person = create_person(county, id_number=number, name="张三丰", village_code=DAZHONGBA)
    assert _commit(monkeypatch, county, batch) == 1  # full checks of the file
    assert (batch.rows_new, batch.rows_updated, batch.rows_refused) == (1, 1, 0)
    db.session.refresh(person)
    assert person.work_city == "深圳" and person.version == 2
    assert db.session.scalar(select(PersonImportItem.change).where(PersonImportItem.person_id == person.id)) \
        == "updated"


def test_a_code_deactivated_since_the_preview_refuses_the_row(demo, monkeypatch):
    county = demo["demo_county"]
    number = unique_id()
    rows = [HEADER + ["务工地区"], [number, "王二", "", DAZHONGBA, "bigdata", "working_outside", "pearl_delta"]]
    batch = _preview(county, csv_bytes(rows))
    assert batch.rows_new == 1, batch.errors
    db.session.execute(update(CodeItem).where(CodeItem.list_name == CodeList.WORK_REGION,
                                              CodeItem.code == "pearl_delta").values(is_active=False))
    db.session.commit()
    assert _commit(monkeypatch, county, batch) == 1  # full checks of the file
    assert (batch.rows_new, batch.rows_refused) == (0, 1)
    assert batch.errors[0][1] == "务工地区" and "代码表" in batch.errors[0][2]
    assert _by_number(number) is None


def test_a_village_moved_since_the_preview_makes_the_commit_check_again(demo, monkeypatch):
    """A changed village (here: another level, so no longer a village) changes the fingerprint."""
    from app.regions.models import Region, RegionLevel

    township = demo["demo_township"]  # 分乡镇: GAOJIAYAN is in scope
    number = unique_id()
    batch = _preview(township, csv_bytes([HEADER, [number, "冯一", "", GAOJIAYAN, "survey", "returned"]]))
    assert batch.rows_new == 1
    db.session.execute(update(Region).where(Region.code == GAOJIAYAN).values(level=RegionLevel.TOWNSHIP))
    db.session.commit()
    assert _commit(monkeypatch, township, batch) == 1  # full checks of the file
    assert (batch.rows_new, batch.rows_refused) == (0, 1)
    assert batch.errors[0][2] == "请选择到村（社区）一级。"


@pytest.mark.parametrize("damage", ["tamper", "truncate", "delete", "other_batch"])
def test_a_damaged_or_missing_prepared_file_falls_back_to_the_full_check(demo, monkeypatch, damage):
    county = demo["demo_county"]
    data, _ = _mixed_file(demo)
    batch = _preview(county, data)
    path = imports.prepared_path(batch)
    content = path.read_bytes()
    if damage == "tamper":
        flipped = bytearray(content)
        flipped[-10] ^= 0x01
        path.write_bytes(bytes(flipped))
    elif damage == "truncate":
        path.write_bytes(content[:40])
    elif damage == "delete":
        path.unlink()
    else:  # an authentic file of another batch of the same file is not accepted either
        other = _preview(county, data)
        path.write_bytes(imports.prepared_path(other).read_bytes())
    assert _commit(monkeypatch, county, batch) == 1  # full checks of the file
    assert (batch.status, batch.rows_new, batch.rows_updated, batch.rows_unchanged, batch.rows_refused) == \
        (ImportStatus.COMMITTED, 6, 1, 1, 3)


def test_a_person_edited_since_the_preview_is_checked_again(demo, monkeypatch):
    county = demo["demo_county"]
    person = create_person(county, village_code=DAZHONGBA, work_city="武汉")
    rows = [["身份证号码", "务工城市"], [_number_of(person), "杭州"]]
    batch = _preview(county, csv_bytes(rows))
    assert batch.rows_updated == 1
    # Someone else makes the same change meanwhile: the row is now unchanged, not an update.
    ops.update_person(county, person, {"work_city": "杭州"}, expected_version=person.version)
    db.session.commit()
    assert _commit(monkeypatch, county, batch) == 1  # full checks of the file
    assert (batch.rows_updated, batch.rows_unchanged) == (0, 1)
    db.session.refresh(person)
    assert person.version == 2  # the import wrote nothing more


def test_an_update_is_written_only_at_the_version_it_was_checked_at(demo, monkeypatch):
    """Should a record change after the freshness check, the guarded UPDATE raises and the
    caller's rollback leaves nothing half-applied."""
    county = demo["demo_county"]
    person = create_person(county, village_code=DAZHONGBA, work_city="武汉")
    new_number = unique_id()
    rows = [HEADER + ["务工城市"], [new_number, "陈一", "", DAZHONGBA, "survey", "returned", ""],
            [_number_of(person), "", "", "", "", "", "杭州"]]
    batch = _preview(county, csv_bytes(rows))
    ops.update_person(county, person, {"occupation": "电工"}, expected_version=person.version)
    db.session.commit()
    monkeypatch.setattr(import_prepared, "_people_unchanged", lambda prepared: True)  # a race after the check
    with pytest.raises(Conflict):
        imports.commit_import(county, batch)
    db.session.rollback()
    assert _by_number(new_number) is None
    db.session.refresh(person)
    assert (person.work_city, person.occupation, person.version) == ("武汉", "电工", 2)
    db.session.refresh(batch)
    assert batch.status == ImportStatus.PREVIEWED


def _outcome(batch: PersonImport) -> tuple:
    return (batch.rows_total, batch.rows_new, batch.rows_updated, batch.rows_unchanged, batch.rows_refused,
            batch.errors)


def test_worker_processes_check_a_large_file_exactly_as_in_process(app, demo, monkeypatch):
    """Chunks after `PARALLEL_FROM` rows go to forked workers: same counts, same errors in the
    same order (the cap keeps the first ones), same rows written."""
    county = demo["demo_county"]
    data, people = _mixed_file(demo)
    extra = [[unique_id(), unique_name(), "", DAZHONGBA, "bigdata", "returned", "", "", "", ""] for _ in range(12)]
    extra += [[unique_id(), "Tom", "", DAZHONGBA, "bigdata", "returned", "", "", "", ""] for _ in range(3)]
    data += csv_bytes(extra)
    monkeypatch.setattr(import_check, "CHUNK_ROWS", 4)
    monkeypatch.setattr(import_parallel, "PARALLEL_FROM", 5)
    app.config["PERSON_IMPORT_WORKERS"] = 0
    alone = _preview(county, data)
    started = {"n": 0}
    real_start = import_parallel.Parallel._start

    def counting_start(self):
        real_start(self)
        started["n"] += self.pool is not None

    real_submit = import_parallel.Parallel.submit

    def counting_submit(self, *args):
        started["chunks"] = started.get("chunks", 0) + 1
        return real_submit(self, *args)

    monkeypatch.setattr(import_parallel.Parallel, "_start", counting_start)
    monkeypatch.setattr(import_parallel.Parallel, "submit", counting_submit)
    app.config["PERSON_IMPORT_WORKERS"] = 2
    batch = _preview(county, data)
    assert started["n"] == 1 and started["chunks"] >= 4
    assert _outcome(batch) == _outcome(alone)
    assert (batch.rows_new, batch.rows_updated, batch.rows_unchanged, batch.rows_refused) == (18, 1, 1, 6)
    prepared = imports.load_prepared(batch)
    assert prepared is not None and len(prepared.new_rows) == 18
    assert [seq for seq, _ in prepared.new_rows] == sorted(seq for seq, _ in prepared.new_rows)

    monkeypatch.setattr(import_check, "MAX_STORED_ERRORS", 4)
    capped_parallel = _preview(county, data)
    app.config["PERSON_IMPORT_WORKERS"] = 0
    capped_in_process = _preview(county, data)
    assert capped_parallel.errors == capped_in_process.errors and len(capped_parallel.errors) == 4
    assert capped_parallel.rows_refused == 6

    app.config["PERSON_IMPORT_WORKERS"] = 2
    assert _commit(monkeypatch, county, batch) == 0  # full checks of the file
    written = _snapshot(batch)
    assert written["batch"][3:7] == (18, 1, 1, 6)
    assert sum(1 for change, _ in written["people"].values() if change == "new") == 18
    assert written["people"][_number_of(people["existing"])][1]["work_city"] == "杭州"


def _dying_worker(items, currents):  # in a forked worker: the process dies, its task is lost
    os._exit(3)


def _failing_worker(items, currents):
    raise RuntimeError("worker bug")


@pytest.mark.parametrize("worker", [_dying_worker, _failing_worker])
def test_failed_worker_processes_leave_the_check_to_the_request_process(app, demo, monkeypatch, caplog, worker):
    county = demo["demo_county"]
    data, _ = _mixed_file(demo)
    monkeypatch.setattr(import_check, "CHUNK_ROWS", 3)
    monkeypatch.setattr(import_parallel, "PARALLEL_FROM", 3)
    app.config["PERSON_IMPORT_WORKERS"] = 0
    alone = _preview(county, data)
    monkeypatch.setattr(import_parallel, "_work_chunk", worker)
    monkeypatch.setattr(import_parallel, "WORKER_TIMEOUT", 2)
    app.config["PERSON_IMPORT_WORKERS"] = 2
    batch = _preview(county, data)
    assert "worker failed, checking in-process" in caplog.text
    assert _outcome(batch) == _outcome(alone)
    prepared = imports.load_prepared(batch)
    assert len(prepared.new_rows) == 6 and len(prepared.updates) == 1
