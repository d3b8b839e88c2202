"""Export of the filtered list (issue 4 §2) and the year-end baselines (issue 4 §3)."""
from __future__ import annotations

from datetime import date

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import select

from app.core import clock
from app.core.audit import AuditEntry
from app.core.errors import FieldErrors, Forbidden, StaleRecord
from app.extensions import db
from app.persons import baselines, columns, exports, queries
from app.persons import operations as ops
from app.regions.operations import by_code
from tests.persons.factories import create_person

DAZHONGBA = "420506103202"
MAOPING = "420527101001"
TAOPINGHE = "420506101202"  # 夷陵区樟村坪镇 (no demo people)


def _sheet(result) -> list[list]:
    workbook = CalamineWorkbook.from_filelike(result.file)
    return workbook.get_sheet_by_index(0).to_python()


def test_masked_export_holds_every_page_of_the_filtered_list(demo, app):
    county = demo["demo_county"]
    app.config["PAGE_SIZE"] = 2
    mine = [create_person(county, village_code=TAOPINGHE, status="returned", phone="13812345678") for _ in range(5)]
    create_person(county, village_code=TAOPINGHE, status="working_outside")
    create_person(demo["demo_city"], village_code=MAOPING, status="returned")  # another county
    filters, errors = queries.parse_filters({"status": "returned", "village": TAOPINGHE})
    assert not errors
    result = exports.export_people(county, filters)
    db.session.commit()
    rows = _sheet(result)
    assert result.rows == 5
    assert rows[0][0].startswith("宜昌市返乡创业服务人员信息库")
    assert "状态：已返乡" in rows[1][0] and "桃坪河村" in rows[1][0]
    assert "导出人：" in rows[2][0] and county.username in rows[2][0] and "已脱敏" in rows[2][0]
    assert rows[3][:3] == ["序号", "姓名", "身份证号码"]
    data = rows[4:]
    assert len(data) == 5
    assert {r[1] for r in data} == {p.name for p in mine}
    numbers = {columns.decrypt_id_number(p) for p in mine}
    for r in data:
        assert "*" in r[2] and r[2] not in numbers
        assert r[5] == "138****5678"
        assert r[8] == "已返乡"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "person_export"))
    assert entry.changes["rows"] == 5 and entry.user_id == county.id


def test_export_cells_carry_labels_lists_dates_and_escaped_text(demo):
    county = demo["demo_county"]
    person = create_person(county, village_code=TAOPINGHE, status="returned", source="bigdata",
                           skills="电焊、厨师", occupation="A&B <厨师>", intention="firm",
                           returned_on="2025-01-20", outside_since="2019-03-01")
    plain = create_person(county, village_code=TAOPINGHE, status="working_outside")
    filters, _ = queries.parse_filters({"village": TAOPINGHE})
    rows = _sheet(exports.export_people(county, filters))
    db.session.commit()
    by_name = {r[1]: r for r in rows[4:]}
    row = by_name[person.name]
    assert row[3] in ("男", "女") and row[4] == person.birth_date.isoformat()
    assert row[8] == "已返乡" and row[9] == "大数据比对"
    assert row[13] == "A&B <厨师>"
    assert row[14] == "2019-03-01" and row[15] == "2025-01-20"
    assert row[16] == "电焊、厨师" and row[17] == "明确"
    local = person.updated_at.astimezone(clock.LOCAL_TZ)
    assert row[25] == local.strftime("%Y-%m-%d %H:%M")
    assert by_name[plain.name][16] in ("", None)


def test_unmasked_export_needs_the_role_and_a_reason_and_is_watermarked_and_audited(demo):
    county = demo["demo_county"]
    person = create_person(county, village_code=TAOPINGHE, phone="13812345678")
    filters, _ = queries.parse_filters({"village": TAOPINGHE})
    with pytest.raises(Forbidden):
        exports.export_people(demo["demo_township"], filters, unmasked=True, reason="核对")
    with pytest.raises(FieldErrors) as error:
        exports.export_people(county, filters, unmasked=True, reason="  ")
    assert "reason" in error.value.fields
    result = exports.export_people(county, filters, unmasked=True, reason="与社保数据比对")
    db.session.commit()
    rows = _sheet(result)
    assert "与社保数据比对" in rows[2][0] and "严禁外传" in rows[2][0]
    assert rows[3][-1] == "导出水印"
    row = rows[4]
    assert row[2] == columns.decrypt_id_number(person) and row[5] == "13812345678"
    assert county.username in row[-1]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "person_export_unmasked"))
    assert "与社保数据比对" in entry.detail and entry.changes["rows"] == 1
    assert columns.decrypt_id_number(person) not in (entry.detail + str(entry.changes))


def _people_for_baselines(actor):
    def make(village=DAZHONGBA, **values):
        return create_person(actor, village_code=village, status="working_outside", **values)

    make(outside_since="2024-12-31")                                 # A: out from the last day of 2024
    make(outside_since="2025-01-01")                                 # B: out from the first day of 2025
    make(outside_since="2020-05-01", returned_on="2024-12-31")       # C: back on 31 Dec 2024
    make(outside_since="2020-05-01", returned_on="2025-01-01")       # D: back on 1 Jan 2025
    make()                                                           # E: no date: not counted
    archived = make(outside_since="2019-01-01")                      # F: archived: not counted
    ops.archive_person(actor, archived, reason="重复登记", expected_version=archived.version)
    make(MAOPING, outside_since="2019-01-01")                        # G: 秭归县
    db.session.commit()


def _counts() -> dict[int, dict[int, int]]:
    return {year: baselines.count_outside(baselines.baseline_date(year)) for year in (2024, 2025, 2026)}


def test_snapshot_arithmetic_across_year_boundaries(demo):
    yiling, zigui = by_code("420506").id, by_code("420527").id
    before = _counts()  # the demo people
    _people_for_baselines(demo["demo_city"])
    assert baselines.baseline_date(2025) == date(2024, 12, 31)
    after = _counts()
    by_year = {year: {c: after[year].get(c, 0) - before[year].get(c, 0) for c in (yiling, zigui)}
               for year in after}
    # 31 Dec 2023: C and D are out (A, B not yet left).
    assert by_year[2024].get(yiling) == 2
    # 31 Dec 2024: A (left that day), D (returns the next day); C returned that day; B not yet left.
    assert by_year[2025].get(yiling) == 2
    # 31 Dec 2025: A and B.
    assert by_year[2026].get(yiling) == 2
    assert by_year[2025].get(zigui) == 1


def test_entered_figure_drives_the_target_else_the_dated_snapshot(demo):
    city, county = demo["demo_city"], demo["demo_county"]
    yiling = by_code("420506")
    demo_people = baselines.count_outside(date(2024, 12, 31)).get(yiling.id, 0)
    _people_for_baselines(city)
    assert baselines.baselines_for_year(2025)[yiling.id].source is None
    baselines.compute_snapshots(city, 2025)
    db.session.commit()
    found = baselines.baselines_for_year(2025)
    assert len(found) == 14
    b = found[yiling.id]
    assert (b.computed, b.entered, b.value, b.source) == (demo_people + 2, None, demo_people + 2, "computed")
    assert b.computed_at is not None
    # A snapshot is dated: a return registered afterwards does not change it until recomputed.
    create_person(city, village_code=DAZHONGBA, status="working_outside", outside_since="2010-01-01")
    assert baselines.baselines_for_year(2025)[yiling.id].computed == demo_people + 2

    with pytest.raises(Forbidden):
        baselines.enter_baseline(city, yiling, 2025, value=100, source="x", source_date="2025-01-10",
                                 expected_version=0)
    with pytest.raises(Forbidden):
        baselines.enter_baseline(demo["demo_county2"], yiling, 2025, value=100, source="x",
                                 source_date="2025-01-10", expected_version=0)
    with pytest.raises(FieldErrors) as error:
        baselines.enter_baseline(county, yiling, 2025, value="很多", source="", source_date="昨天",
                                 expected_version=0)
    assert set(error.value.fields) == {"value", "source", "source_date"}
    entered = baselines.enter_baseline(county, yiling, 2025, value="12,345", source="夷陵区统计局 2024 年末统计",
                                       source_date="2025-01-10", expected_version=0)
    db.session.commit()
    b = baselines.baselines_for_year(2025)[yiling.id]
    assert (b.entered, b.computed, b.value, b.source) == (12345, demo_people + 2, 12345, "entered")
    assert b.entered_source == "夷陵区统计局 2024 年末统计" and b.entered_source_date == date(2025, 1, 10)
    with pytest.raises(StaleRecord):
        baselines.enter_baseline(county, yiling, 2025, value=1, source="x", source_date="2025-01-10",
                                 expected_version=entered.version + 5)
    baselines.enter_baseline(county, yiling, 2025, value=12000, source="更正", source_date="2025-01-12",
                             expected_version=entered.version)
    db.session.commit()
    assert entered.version == 2
    audits = list(db.session.scalars(select(AuditEntry).where(  # not the demo's own entered figures
        AuditEntry.action == "person_baseline_enter", AuditEntry.object_id == str(entered.id))))
    assert len(audits) == 2 and audits[1].changes["value"] == [12345, 12000]
    # Recompute picks up the later registration.
    baselines.compute_snapshots(county, 2025)
    db.session.commit()
    assert baselines.baselines_for_year(2025)[yiling.id].computed == demo_people + 3


def test_compute_baselines_command(demo, app):
    result = app.test_cli_runner().invoke(args=["persons", "compute-baselines", "--year", "2025"])
    assert result.exit_code == 0, result.output
    assert "2024-12-31" in result.output
    assert all(b.computed is not None for b in baselines.baselines_for_year(2025).values())
