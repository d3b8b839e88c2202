"""Import of people from XLSX and CSV (issue 4 §1): preview, commit, encodings, errors."""
from __future__ import annotations

import io
from datetime import date

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import func, select

from app.core.audit import AuditEntry
from app.core.errors import Conflict, FieldErrors, Forbidden
from app.core.validators import parse_id_number
from app.extensions import db
from app.persons import columns, imports
from app.persons.imports import check as import_check
from app.persons.models import (
    ImportStatus,
    Person,
    PersonImport,
    PersonImportItem,
    PersonNameKey,
    PersonStatus,
)
from tests.persons.factories import create_person, make_id, unique_id, unique_name
from tests.persons_scale.files import csv_bytes, xlsx_bytes

DAZHONGBA = "420506103202"  # 夷陵区分乡镇大中坝村 (demo_village's village)
GAOJIAYAN = "420506103203"  # same township
ZHANGCUNPING = "420506101001"  # 夷陵区, another township
MAOPING = "420527101001"  # 秭归县

HEADER = ["身份证号码", "姓名", "联系电话", "户籍村（社区）代码", "数据来源", "人员状态"]


def _person_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Person))


def _by_number(number: str) -> Person | None:
    return db.session.scalar(select(Person).where(Person.id_number_hash == columns.id_hash(number)))


def _preview(actor, data: bytes, name: str = "people.csv") -> PersonImport:
    batch = imports.preview_import(actor, io.BytesIO(data), name)
    db.session.commit()
    return batch


def _run(actor, data: bytes, name: str = "people.csv") -> PersonImport:
    batch = _preview(actor, data, name)
    imports.commit_import(actor, batch)
    db.session.commit()
    return batch


def test_preview_lists_every_refused_row_and_commit_writes_the_good_ones(demo):
    county = demo["demo_county"]
    existing = create_person(county, village_code=DAZHONGBA, name="王五一")
    existing_number = parse_id_number(_number_of(existing)).number
    outsider = create_person(demo["demo_city"], village_code=MAOPING)
    good1, good2 = unique_id(), unique_id()
    bad_check = good1[:17] + ("0" if good1[17] != "0" else "1")
    dup = unique_id()
    rows = [
        HEADER,
        [good1, "张三丰", "13812345678", DAZHONGBA, "bigdata", "working_outside"],   # 2 new
        [good2, "李四", "", GAOJIAYAN, "大数据比对", "已返乡"],                      # 3 new (labels)
        [bad_check, "赵六", "", DAZHONGBA, "bigdata", "returned"],                  # 4 checksum
        [unique_id(), "钱七", "", "420506103999", "bigdata", "returned"],           # 5 unknown village
        [unique_id(), "孙八", "", MAOPING, "bigdata", "returned"],                  # 6 out of scope
        [dup, "周九", "", DAZHONGBA, "bigdata", "returned"],                        # 7 new
        [dup, "周九", "", DAZHONGBA, "bigdata", "returned"],                        # 8 duplicate in file
        [existing_number, "", "13900001111", "", "", ""],                            # 9 update (phone)
        [_number_of(outsider), "", "", "", "", "founded"],                           # 10 existing, out of scope
        [unique_id(), "Tom", "123", DAZHONGBA, "bigdata", "unknown"],                # 11 three bad fields
        [unique_id(), "吴十", "", DAZHONGBA, "", ""],                                # 12 missing source/status
    ]
    before = _person_count()
    batch = _preview(county, csv_bytes(rows))
    assert _person_count() == before  # a preview writes no person
    assert batch.status == ImportStatus.PREVIEWED
    assert (batch.rows_total, batch.rows_new, batch.rows_updated, batch.rows_refused) == (11, 3, 1, 7)
    errors = {(row, column): reason for row, column, reason, _ in batch.errors}
    assert "校验位" in errors[(4, "身份证号码")]
    assert errors[(5, "户籍村（社区）代码")] == "没有这个区划代码。"
    assert "不在您的管辖范围" in errors[(6, "户籍村（社区）代码")]
    assert "与第 7 行的身份证号码重复" in errors[(8, "身份证号码")]
    assert "不在您的管辖范围" in errors[(10, "身份证号码")]
    assert {(11, "姓名"), (11, "联系电话"), (11, "人员状态")} <= set(errors)
    assert errors[(12, "数据来源")] == "请选择数据来源。" and errors[(12, "人员状态")] == "请选择人员状态。"
    assert len(batch.errors) == len(errors)  # each error reported once
    for _, _, _, masked in batch.errors:
        assert masked == "" or "*" in masked  # never a full ID in the report

    imports.commit_import(county, batch)
    db.session.commit()
    assert _person_count() == before + 3
    first = _by_number(good1)
    assert first.name == "张三丰" and first.status == PersonStatus.WORKING_OUTSIDE
    assert first.county_id == existing.county_id and first.phone_masked == "138****5678"
    assert columns.decrypt_phone(first) == "13812345678"
    assert _by_number(good2).status == PersonStatus.RETURNED
    keys = set(db.session.scalars(select(PersonNameKey.key).where(PersonNameKey.person_id == first.id)))
    assert {"zhangsanfeng", "zsf", "张三", "三丰", "丰"} <= keys
    db.session.refresh(existing)
    assert columns.decrypt_phone(existing) == "13900001111" and existing.name == "王五一"
    assert existing.version == 2
    assert batch.status == ImportStatus.COMMITTED and batch.rows_new == 3 and batch.rows_updated == 1
    items = dict(db.session.execute(select(PersonImportItem.person_id, PersonImportItem.change)
                                    .where(PersonImportItem.batch_id == batch.id)).all())
    assert items[existing.id] == "updated" and items[first.id] == "new" and len(items) == 4
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "person_import"))
    assert entry.object_id == str(batch.id) and entry.changes["new"] == 3
    imports.discard_file(batch)  # as the view does after its commit
    assert not imports.stored_path(batch).exists()


def _number_of(person: Person) -> str:
    return columns.decrypt_id_number(person)


@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", False), ("utf-8", True), ("gbk", False), ("gb18030", False)])
def test_csv_encodings_are_detected(demo, encoding, bom):
    name = "㐀明" if encoding == "gb18030" else "张明"  # 㐀 (extension A) has no GBK code
    number = unique_id()
    data = csv_bytes([HEADER, [number, name, "", DAZHONGBA, "入户调查", "在外务工"]], encoding, bom)
    if encoding == "gbk":
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
    batch = _run(demo["demo_county"], data)
    assert batch.rows_new == 1, batch.errors
    assert _by_number(number).name == name
    assert batch.file_format == {"utf-8": "csv:utf-8-bom" if bom else "csv:utf-8",
                                 "gbk": "csv:gb18030", "gb18030": "csv:gb18030"}[encoding]


@pytest.mark.parametrize("spelling", ["2025-12-31", "2025/12/31", "2025.12.31", "20251231", "2025年12月31日"])
def test_dates_in_every_accepted_spelling(demo, spelling):
    """The import reads dates with the same parser as the forms (core.fields.to_date)."""
    number = unique_id()
    data = csv_bytes([HEADER + ["返乡日期"], [number, "张明", "", DAZHONGBA, "入户调查", "已返乡", spelling]],
                     "utf-8", False)
    batch = _run(demo["demo_county"], data)
    assert batch.rows_new == 1, batch.errors
    assert _by_number(number).returned_on == date(2025, 12, 31)


def test_an_id_stored_as_an_excel_number_is_reported(demo):
    number = make_id(date(1988, 5, 6), seq=7)
    ok = unique_id()
    rows = [HEADER, [int(number[:17]) * 10, "郑一", "", DAZHONGBA, "bigdata", "returned"],
            [ok, "郑二", 13812340000, int(DAZHONGBA), "bigdata", "returned"]]
    data = xlsx_bytes(rows, numbers={(1, 0), (2, 2), (2, 3)})
    batch = _run(demo["demo_county"], data, "名单.xlsx")
    assert batch.file_format == "xlsx"
    assert batch.rows_new == 1 and batch.rows_refused == 1
    row, column, reason, _ = batch.errors[0]
    assert (row, column) == (2, "身份证号码") and "Excel 存成了数字" in reason
    # A phone or village code stored as a number is still exact (11 and 12 digits fit a double).
    person = _by_number(ok)
    assert columns.decrypt_phone(person) == "13812340000" and person.village.code == DAZHONGBA


def test_blank_cells_leave_data_unchanged_and_only_present_columns_update(demo):
    county = demo["demo_county"]
    person = create_person(county, village_code=DAZHONGBA, phone="13811112222", work_city="深圳",
                           occupation="电工", remarks="原备注")
    number = _number_of(person)
    rows = [["身份证号码", "姓名", "联系电话", "务工城市", "从事工种 / 职业"], [number, "", "", "东莞", ""]]
    batch = _run(county, csv_bytes(rows))
    assert batch.rows_updated == 1 and batch.rows_refused == 0
    db.session.refresh(person)
    assert person.work_city == "东莞"
    assert person.occupation == "电工" and person.remarks == "原备注"  # blank cell / absent column
    assert columns.decrypt_phone(person) == "13811112222"


def test_reimporting_the_same_file_is_a_noop_update(demo):
    county = demo["demo_county"]
    rows = [HEADER + ["务工地区", "外出务工起始日期", "有愿望", "有愿望的依据"]]
    for _ in range(5):
        rows.append([unique_id(), unique_name(), "", DAZHONGBA, "bigdata", "working_outside",
                     "珠三角", "2021/3/1", "是", "多次表达返乡创业意愿"])
    data = csv_bytes(rows)
    first = _run(county, data)
    assert first.rows_new == 5, first.errors
    snapshot = {p.id: (p.version, p.updated_at) for p in db.session.scalars(select(Person))}
    second = _run(county, data)
    assert (second.rows_new, second.rows_updated, second.rows_unchanged, second.rows_refused) == (0, 0, 5, 0)
    assert {p.id: (p.version, p.updated_at) for p in db.session.scalars(select(Person))} == snapshot
    person = _by_number(rows[1][0])
    assert person.work_region == "pearl_delta" and person.outside_since == date(2021, 3, 1)
    assert person.willing is True


def test_a_failure_midway_leaves_the_database_unchanged(demo, monkeypatch):
    county = demo["demo_county"]
    existing = create_person(county, village_code=DAZHONGBA, work_city="武汉")
    rows = [HEADER + ["务工城市"], [_number_of(existing), "", "", "", "", "", "杭州"]]
    rows += [[unique_id(), unique_name(), "", DAZHONGBA, "bigdata", "returned", ""] for _ in range(30)]
    batch = _preview(county, csv_bytes(rows))
    before_people = _person_count()
    before_keys = db.session.scalar(select(func.count()).select_from(PersonNameKey))
    monkeypatch.setattr(import_check, "CHUNK_ROWS", 10)
    calls = {"n": 0}
    real = import_check._apply_updates

    def failing(ctx, updates):
        real(ctx, updates)
        calls["n"] += 1
        if calls["n"] == 2:  # after the first chunk was written and the second chunk's people
            raise RuntimeError("disk full")

    monkeypatch.setattr(import_check, "_apply_updates", failing)
    with pytest.raises(RuntimeError):
        imports.commit_import(county, batch)
    db.session.rollback()
    assert _person_count() == before_people
    assert db.session.scalar(select(func.count()).select_from(PersonNameKey)) == before_keys
    assert db.session.scalar(select(func.count()).select_from(PersonImportItem)) == 0
    db.session.refresh(existing)
    assert existing.work_city == "武汉"
    db.session.refresh(batch)
    assert batch.status == ImportStatus.PREVIEWED  # the claim rolled back too


def test_out_of_scope_rows_are_refused_for_township_staff(demo):
    township = demo["demo_township"]  # 分乡镇
    rows = [HEADER, [unique_id(), "冯一", "", GAOJIAYAN, "survey", "returned"],
            [unique_id(), "冯二", "", ZHANGCUNPING, "survey", "returned"]]
    batch = _run(township, csv_bytes(rows))
    assert batch.rows_new == 1 and batch.rows_refused == 1
    assert batch.errors[0][:2] == [3, "户籍村（社区）代码"]


def test_updates_that_would_move_a_person_or_touch_an_archived_record_are_refused(demo):
    county = demo["demo_county"]
    person = create_person(county, village_code=DAZHONGBA)
    rows = [["身份证号码", "户籍村（社区）代码"], [_number_of(person), GAOJIAYAN]]
    batch = _run(county, csv_bytes(rows))
    assert batch.rows_refused == 1 and "迁移" in batch.errors[0][2]


def test_commit_rules(demo):
    county = demo["demo_county"]
    batch = _preview(county, csv_bytes([HEADER, [unique_id(), "陈一", "", DAZHONGBA, "survey", "returned"]]))
    with pytest.raises(Forbidden):
        imports.commit_import(demo["demo_city"], batch)
    imports.commit_import(county, batch)
    db.session.commit()
    with pytest.raises(Conflict):
        imports.commit_import(county, batch)
    with pytest.raises(Forbidden):
        imports.preview_import(demo["demo_village"], io.BytesIO(b"x"), "a.csv")


@pytest.mark.parametrize(("name", "data", "message"), [
    ("a.xls", b"x", ".xls"),
    ("a.pdf", b"x", ".xlsx 或 .csv"),
    ("a.csv", b"", "空"),
    ("a.csv", "姓名,电话\n张三,1\n".encode(), "身份证号码"),
    ("a.xlsx", b"not a zip", "无法读取"),
])
def test_unreadable_files_answer_a_file_error(demo, name, data, message):
    with pytest.raises(FieldErrors) as error:
        imports.preview_import(demo["demo_county"], io.BytesIO(data), name)
    assert message in error.value.fields["file"][0]


def test_template_has_text_columns_and_an_explanation_sheet(demo):
    data = imports.template_xlsx()
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert workbook.sheet_names == ["人员名单", "填写说明", "村（社区）代码"]
    header = workbook.get_sheet_by_index(0).to_python()[0]
    assert header[:4] == ["身份证号码*", "姓名*", "联系电话", "户籍村（社区）代码*"]
    notes = workbook.get_sheet_by_index(1).to_python()
    assert any("returned 或 已返乡" in str(row[2]) for row in notes)
    villages = workbook.get_sheet_by_index(2).to_python()
    assert len(villages) == 1651
    # The template's own header is accepted by the import.
    assert imports.map_header(header)[:4] == ["id_number", "name", "phone", "village_code"]
    # ID and phone columns carry the text format (Excel keeps the digits).
    import zipfile

    styles = zipfile.ZipFile(io.BytesIO(data)).read("xl/styles.xml").decode()
    assert 'numFmtId="49"' in styles
