"""Operations: register, edit, duplicates, reveal, lookup, merge, move, correct, archive."""
from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from app.core import clock
from app.core.audit import AuditEntry
from app.core.errors import Conflict, FieldErrors, Forbidden, StaleRecord
from app.extensions import db
from app.persons import columns
from app.persons import operations as ops
from app.persons.labels import DUPLICATE_ID_MESSAGE
from app.persons.models import Gender, Person, PersonNameKey, PersonStatus
from app.regions.operations import by_code
from tests.persons.factories import make_id

ID = make_id(date(1990, 5, 17), male=False, seq=123)


def values(**overrides):
    base = {"id_number": ID, "name": "曾丽", "village_code": "420506103202", "source": "survey",
            "status": "returned", "phone": "159 0716 5678"}
    base.update(overrides)
    return base


def audit_rows(action=None):
    """Audit rows written by the test (the demo loader's rows carry the detail 演示数据)."""
    stmt = select(AuditEntry).where((AuditEntry.detail.is_(None)) | (AuditEntry.detail != "演示数据"))
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    return list(db.session.scalars(stmt.order_by(AuditEntry.id)))


def test_create_derives_and_protects(demo):
    result = ops.create_person(demo["demo_village"], values(id_number=ID.lower()[:-1] + ID[-1].lower()))
    db.session.commit()
    p = result.person
    assert p.gender == Gender.FEMALE and p.birth_date == date(1990, 5, 17)
    assert p.id_number_masked == ID[:6] + "********" + ID[-4:]
    assert p.phone_masked == "159****5678"
    assert columns.decrypt_id_number(p) == ID and columns.decrypt_phone(p) == "15907165678"
    assert ID.encode() not in p.id_number_cipher
    assert p.id_number_hash == columns.id_hash(ID)
    assert (p.village.code, p.township_id, p.county_id) == ("420506103202", p.village.township_id, p.village.county_id)
    assert p.name_sort == "zeng li" and p.version == 1 and p.is_sanyou is False
    keys = set(db.session.scalars(select(PersonNameKey.key).where(PersonNameKey.person_id == p.id)))
    assert {"zengli", "cengli", "zl", "cl", "曾丽", "丽"} <= keys
    (row,) = audit_rows("person_create")
    text = json.dumps(row.changes, ensure_ascii=False)
    assert ID not in text and "15907165678" not in text
    assert row.changes["id_number_masked"] == [None, p.id_number_masked]
    assert row.changes["phone_masked"] == [None, "159****5678"]
    assert not any(k.endswith(("_cipher", "_hash")) for k in row.changes)


def test_every_bad_field_is_named_at_once(demo):
    with pytest.raises(FieldErrors) as error:
        ops.create_person(demo["demo_city"], {
            "id_number": ID[:17] + ("0" if ID[17] != "0" else "1"), "name": "Zhang3", "village_code": "420506103",
            "source": "web", "status": "", "phone": "12345", "returned_on": "2099-01-01",
            "capital_need": "很多", "willing": "maybe", "intended_form": "shop", "work_region": "mars",
            "skills": ["x" * 30]})
    fields = error.value.fields
    assert set(fields) >= {"id_number", "name", "village_code", "source", "status", "phone", "returned_on",
                           "capital_need", "willing", "intended_form", "work_region", "skills"}
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for ms in fields.values() for m in ms)


def test_out_of_scope_village_is_refused(demo):
    with pytest.raises(FieldErrors) as error:
        ops.create_person(demo["demo_village"], values(village_code="420506103203"))
    assert "village_code" in error.value.fields
    with pytest.raises(Forbidden):
        ops.create_person(demo["demo_specialist"], values())


def test_duplicate_id_anywhere_reveals_nothing(demo, make_person):
    other = make_person(id_number=ID, name="秦岭", village_code="420527101201", phone="13900001111")
    other.archived_at = clock.now()
    db.session.commit()
    for actor, raw in ((demo["demo_village"], ID), (demo["demo_county"], ID.lower()), (demo["demo_city"], f" {ID} ")):
        with pytest.raises(Conflict) as error:
            ops.create_person(actor, values(name="王芳", phone=None, id_number=raw))
        message = error.value.message
        assert message == DUPLICATE_ID_MESSAGE
        for leak in ("秦岭", "秭归", "茅坪", "金缸城", "139", str(other.id), other.id_number_masked):
            assert leak not in message
        db.session.rollback()


def test_duplicate_via_old_15_digit_number(demo, make_person):
    number18 = make_id(date(1975, 3, 4), seq=7)
    make_person(id_number=number18)
    old15 = number18[:6] + number18[8:17]
    with pytest.raises(Conflict):
        ops.create_person(demo["demo_city"], values(id_number=old15))


def test_near_duplicates_warn_before_saving(demo, make_person):
    twin = make_person(name="曾丽", id_number=make_id(date(1990, 5, 17), seq=5), village_code="420527101201")
    with pytest.raises(ops.NearDuplicatesFound) as found:
        ops.create_person(demo["demo_village"], values(phone=None))
    (warning,) = found.value.warnings
    assert warning.code == "same_name_birth_date"
    assert warning.persons == [] and warning.hidden == 1  # out of scope: a count only
    assert "秭归" not in warning.message and twin.name_sort not in warning.message
    result = ops.create_person(demo["demo_county2"], values(village_code="420527101202", phone=None),
                               allow_near_duplicates=True)
    assert [p.id for p in result.warnings[0].persons] == [twin.id]


def test_same_phone_is_a_near_duplicate(demo, make_person):
    make_person(phone="15907165678")
    with pytest.raises(ops.NearDuplicatesFound) as found:
        ops.create_person(demo["demo_city"], values())
    assert [w.code for w in found.value.warnings] == ["same_phone"]
    assert found.value.warnings[0].persons  # city admin sees it


def test_update_audits_and_refuses_stale(demo, make_person):
    p = make_person(name="张伟", phone="15907160001")
    version = p.version
    ops.update_person(demo["demo_village"], p, {"name": "张卫", "phone": "0717-6543210", "willing": True,
                                                "willing_basis": "有计划", "capable": True,
                                                "capable_basis": "有经验", "creditworthy": True,
                                                "creditworthy_basis": "信用良好"}, expected_version=version)
    db.session.commit()
    assert p.version == version + 1 and p.is_sanyou
    assert columns.decrypt_phone(p) == "0717-6543210" and p.phone_masked == "0717-***3210"
    keys = set(db.session.scalars(select(PersonNameKey.key).where(PersonNameKey.person_id == p.id)))
    assert "zhangwei" in keys and "张卫" in keys and "张伟" not in keys
    row = audit_rows("person_update")[-1]
    assert row.changes["name"] == ["张伟", "张卫"]
    assert row.changes["phone_masked"] == ["159****0001", "0717-***3210"]
    assert row.changes["is_sanyou"] == [False, True]
    with pytest.raises(StaleRecord):
        ops.update_person(demo["demo_village"], p, {"remarks": "x"}, expected_version=version)


def test_update_refuses_id_and_village_changes(demo, make_person):
    p = make_person()
    with pytest.raises(FieldErrors) as error:
        ops.update_person(demo["demo_city"], p, {"id_number": ID, "village_code": "420506103203"},
                          expected_version=p.version)
    assert set(error.value.fields) == {"id_number", "village_code"}


def test_assessment_needs_a_basis(demo, make_person):
    p = make_person()
    with pytest.raises(FieldErrors) as error:
        ops.update_person(demo["demo_city"], p, {"willing": True}, expected_version=p.version)
    assert "willing_basis" in error.value.fields
    ops.update_person(demo["demo_city"], p, {"willing": False, "willing_basis": "暂无想法"}, expected_version=p.version)


def test_sanyou_flag_follows_all_three(demo, make_person):
    p = make_person(willing=True, willing_basis="a", capable=True, capable_basis="b", creditworthy=True,
                    creditworthy_basis="c")
    assert p.is_sanyou
    ops.update_person(demo["demo_city"], p, {"creditworthy": None}, expected_version=p.version)
    assert not p.is_sanyou


def test_reveal_is_audited_and_needs_scope(demo, make_person):
    p = make_person(id_number=ID, phone="15907165678")
    assert ops.reveal_id_number(demo["demo_village"], p) == (ID, "15907165678")
    (row,) = audit_rows("person_reveal_id")
    assert row.object_id == str(p.id) and row.username == "demo_village"
    assert ID not in (row.detail or "") and row.changes is None
    with pytest.raises(Forbidden):
        ops.reveal_id_number(demo["demo_village2"], p)


def test_lookup_is_scoped_and_audited_with_masks(demo, make_person):
    p = make_person(id_number=ID, phone="15907165678")
    assert ops.lookup(demo["demo_village"], id_number=ID.lower()) == [p]
    assert ops.lookup(demo["demo_village"], phone="159-0716-5678") == [p]
    assert ops.lookup(demo["demo_village2"], id_number=ID) == []
    rows = audit_rows("person_lookup")
    assert len(rows) == 3
    assert all(ID not in r.detail and "15907165678" not in r.detail for r in rows)
    assert "找到 0 条" in rows[-1].detail
    with pytest.raises(FieldErrors):
        ops.lookup(demo["demo_city"], id_number="123")
    with pytest.raises(FieldErrors):
        ops.lookup(demo["demo_city"])


def test_merge_keeps_history_on_the_survivor(demo, make_person):
    survivor = make_person(name="张伟", skills=["电工"])
    other = make_person(name="张伟", phone="15907160002", skills=["厨师", "电工"], work_city="深圳",
                        willing=True, willing_basis="想开店")
    older = make_person(name="张伟")
    ops.merge_persons(demo["demo_county"], other, older, reason="同一人", survivor_version=other.version,
                      other_version=older.version)
    db.session.commit()
    hooked = []
    ops.MERGE_HOOKS.append(lambda actor, s, o: hooked.append((s.id, o.id)))
    try:
        ops.merge_persons(demo["demo_county"], survivor, other, reason="重复登记", survivor_version=survivor.version,
                          other_version=other.version)
    finally:
        ops.MERGE_HOOKS.pop()
    db.session.commit()
    assert hooked == [(survivor.id, other.id)]
    assert survivor.work_city == "深圳" and survivor.skills == ["电工", "厨师"] and survivor.willing is True
    assert survivor.phone_masked == "159****0002"
    assert other.archived_at is not None and other.merged_into_id == survivor.id
    assert db.session.get(Person, older.id).merged_into_id == survivor.id  # no chains
    merge_row = audit_rows("person_merge")[-1]
    assert merge_row.object_id == str(survivor.id) and f"#{other.id}" in merge_row.detail
    assert merge_row.changes["work_city"] == [None, "深圳"]
    into = audit_rows("person_merged_into")[-1]
    assert into.object_id == str(other.id) and f"#{survivor.id}" in into.detail
    # the archived record keeps its ID number taken
    with pytest.raises(Conflict):
        ops.create_person(demo["demo_city"], values(id_number=columns.decrypt_id_number(other)))


def test_merge_rules(demo, make_person):
    a, b = make_person(), make_person()
    z = make_person(village_code="420527101201")
    with pytest.raises(Forbidden):
        ops.merge_persons(demo["demo_township"], a, b, reason="x", survivor_version=None, other_version=None)
    with pytest.raises(Forbidden):
        ops.merge_persons(demo["demo_county"], a, z, reason="x", survivor_version=None, other_version=None)
    with pytest.raises(FieldErrors):
        ops.merge_persons(demo["demo_county"], a, a, reason="x", survivor_version=None, other_version=None)
    with pytest.raises(FieldErrors):
        ops.merge_persons(demo["demo_county"], a, b, reason=" ", survivor_version=None, other_version=None)
    with pytest.raises(StaleRecord):
        ops.merge_persons(demo["demo_county"], a, b, reason="x", survivor_version=a.version + 1,
                          other_version=None)


def test_move_is_visible_in_both_scopes(demo, make_person):
    p = make_person(village_code="420506103202")
    old, new = by_code("420506103202"), by_code("420506103203")
    ops.move_person(demo["demo_county"], p, new, reason="户籍迁移", expected_version=p.version)
    db.session.commit()
    assert (p.village_id, p.township_id, p.county_id) == (new.id, new.township_id, new.county_id)
    person_row = audit_rows("person_move")[-1]
    assert person_row.changes["village"][0].startswith("420506103202")
    assert person_row.changes["village"][1].startswith("420506103203")
    out_row, in_row = audit_rows("person_move_out")[-1], audit_rows("person_move_in")[-1]
    assert (out_row.object_type, out_row.object_id) == ("region", str(old.id))
    assert (in_row.object_type, in_row.object_id) == ("region", str(new.id))
    assert p.id_number_masked in out_row.detail and p.name in in_row.detail
    from app.core import audit

    assert out_row in audit.history("region", old.id)  # the old village's region page shows it
    assert in_row in audit.history("region", new.id)


def test_move_limits(demo, make_person):
    p = make_person()
    with pytest.raises(Forbidden):
        ops.move_person(demo["demo_township"], p, by_code("420506103203"), reason="x", expected_version=p.version)
    with pytest.raises(FieldErrors):  # another county: only the city admin
        ops.move_person(demo["demo_county"], p, by_code("420527101201"), reason="x", expected_version=p.version)
    with pytest.raises(FieldErrors):
        ops.move_person(demo["demo_county"], p, by_code("420506103202"), reason="x", expected_version=p.version)
    ops.move_person(demo["demo_city"], p, by_code("420527101201"), reason="迁往秭归", expected_version=p.version)


def test_correct_id(demo, make_person):
    p = make_person(id_number=ID)
    new = make_id(date(1991, 5, 17), male=True, seq=200)
    version = p.version
    ops.correct_id_number(demo["demo_county"], p, new, reason="登记时出生年份录错", expected_version=version)
    db.session.commit()
    assert columns.decrypt_id_number(p) == new and p.gender == Gender.MALE and p.birth_date == date(1991, 5, 17)
    assert p.id_number_hash == columns.id_hash(new)
    row = audit_rows("person_correct_id")[-1]
    assert row.changes["id_number"] == [ID[:6] + "********" + ID[-4:], new[:6] + "********" + new[-4:]]
    assert row.changes["birth_date"] == ["1990-05-17", "1991-05-17"]
    text = json.dumps(row.changes) + row.detail
    assert ID not in text and new not in text
    # the old number is free again; a number someone else has is refused; same number refused
    ops.create_person(demo["demo_city"], values(phone=None, name="王芳"))
    taken = make_person().id
    with pytest.raises(Conflict):
        ops.correct_id_number(demo["demo_county"], p, ID, reason="x", expected_version=p.version)
    with pytest.raises(FieldErrors):
        ops.correct_id_number(demo["demo_county"], p, new, reason="x", expected_version=p.version)
    with pytest.raises(Forbidden):
        ops.correct_id_number(demo["demo_township"], p, new, reason="x", expected_version=p.version)
    assert taken


def test_archive_and_restore(demo, make_person):
    p = make_person()
    with pytest.raises(Forbidden):
        ops.archive_person(demo["demo_village"], p, reason="x", expected_version=p.version)
    ops.archive_person(demo["demo_township"], p, reason="已迁出本市", expected_version=p.version)
    db.session.commit()
    assert p.archived_at is not None and p.archived_reason == "已迁出本市"
    with pytest.raises(Conflict):
        ops.update_person(demo["demo_township"], p, {"remarks": "x"}, expected_version=p.version)
    ops.restore_person(demo["demo_township"], p, expected_version=p.version)
    assert p.archived_at is None
    assert [r.action for r in audit_rows() if r.object_id == str(p.id)][-2:] == ["person_archive", "person_restore"]


def test_status_enum_codes(demo, make_person):
    p = make_person(status="founded", source="bigdata", intention="firm", intended_form="family_farm",
                    capital_need="50,000", skills="电工、厨师，驾驶")
    assert p.status == PersonStatus.FOUNDED and p.capital_need == 50000 and p.skills == ["电工", "厨师", "驾驶"]


def test_moving_a_village_between_townships_carries_its_people(demo, make_person):
    from app.regions.operations import move_region

    p = make_person(village_code="420506103202")
    village, target = by_code("420506103202"), by_code("420506107")  # 分乡镇 -> 龙泉镇
    move_region(demo["demo_city"], village, target, "区划调整")
    db.session.commit()
    db.session.expire_all()
    moved = db.session.get(Person, p.id)
    assert (moved.township_id, moved.county_id) == (target.id, target.county_id)
