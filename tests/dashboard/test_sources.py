"""Counting rules for businesses, loans, grants and cases on the target table (issue 7 §1)."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from app.businesses import operations as business_ops
from app.businesses.models import BusinessKindSetting
from app.cases import operations as case_ops
from app.core import clock
from app.dashboard import counters
from app.dashboard.models import TargetYear
from app.extensions import db
from app.regions.models import Region, RegionLevel
from app.regions.operations import by_code
from app.subsidies.models import AppState, LoanStatus, Programme
from app.subsidies.seed import seed
from tests.cases.factories import create_case
from tests.dashboard.factories import create_application, create_business, create_loan
from tests.persons.factories import city_admin, create_person

YILING, ZIGUI = "420506", "420527"
DAZHONGBA = "420506103202"


@pytest.fixture
def seeded(demo):
    seed()
    db.session.commit()


def row(client, code: str, year: int = 2026) -> dict:
    return next(r for r in client.get(f"/api/v1/targets?year={year}").json["rows"] if r["code"] == code)


def test_counting_rules_for_new_businesses(seeded, login_as):
    with clock.frozen(date(2026, 6, 30)):
        zigui_village = db.session.scalars(select(Region).where(Region.county_id == by_code(ZIGUI).id,
                                                                Region.level == RegionLevel.VILLAGE)).first()
        client = login_as("demo_city")
        before, zigui_before, last_year = row(client, YILING), row(client, ZIGUI), row(client, YILING, 2025)
        # A 夷陵区 founder whose business is registered in a 秭归县 village counts for 秭归县.
        yiling_founder = create_person(village_code=DAZHONGBA, status="returned")
        create_business(village_code=zigui_village.code, registered_on=date(2026, 3, 1), founder=yiling_founder)
        create_business(registered_on=date(2026, 2, 1), kind="llc")  # 企业类
        create_business(registered_on=date(2026, 4, 1), kind="other")  # not 企业类 by default (a kind the demo data does not use)
        closed = create_business(registered_on=date(2026, 1, 10))
        business_ops.update_business(city_admin(), closed, {"status": "closed", "closed_on": "2026-05-01"},
                                     expected_version=closed.version)
        db.session.commit()
        create_business(registered_on=date(2025, 12, 31))  # last year
        create_business(registered_on=date(2026, 5, 5), founder_status="incomer")  # 入乡 founder
        after = row(client, YILING)
        assert after["new_entities"] - before["new_entities"] == 3  # llc, other, closed later
        assert after["new_enterprises"] - before["new_enterprises"] == 1
        assert after["incomer_entities"] - before["incomer_entities"] == 1
        assert row(client, ZIGUI)["new_entities"] == zigui_before["new_entities"] + 1
        assert row(client, YILING, 2025)["new_entities"] == last_year["new_entities"] + 1

        # 企业类 follows the configured kinds.
        db.session.get(BusinessKindSetting, "other").is_enterprise = True
        db.session.commit()
        assert row(client, YILING)["new_enterprises"] - before["new_enterprises"] == 2

        # 入乡 founders count toward the target when the year's setting says so.
        mid = row(client, YILING)
        settings = db.session.get(TargetYear, 2026)
        if settings is None:
            db.session.add(TargetYear(year=2026, count_incomers=True, loan_target=None))
        else:
            settings.count_incomers = True
        db.session.commit()
        assert row(client, YILING)["new_entities"] == mid["new_entities"] + mid["incomer_entities"]
        assert row(client, YILING)["new_entities"] - before["new_entities"] >= 4


def test_a_new_business_shows_at_once(seeded, login_as):
    with clock.frozen(date(2026, 6, 30)):
        client = login_as("demo_county")
        html = client.get("/dashboard/?year=2026").text
        cell = re.search(rf'data-code="{YILING}".*?data-metric="new_entities">(.*?)</td>', html, re.S).group(1)
        before = int(re.sub(r"<[^>]+>", "", cell).strip())
        create_business(registered_on=date(2026, 6, 29))
        html = client.get("/dashboard/?year=2026").text
        cell = re.search(rf'data-code="{YILING}".*?data-metric="new_entities">(.*?)</td>', html, re.S).group(1)
        assert int(re.sub(r"<[^>]+>", "", cell).strip()) == before + 1


def test_business_drill_down_list_matches(seeded, login_as):
    with clock.frozen(date(2026, 6, 30)):
        for day in (1, 2, 3):
            create_business(registered_on=date(2026, 3, day))
        client = login_as("demo_city")
        value = row(client, YILING)["new_entities"]
        page = client.get(f"/dashboard/regions/{by_code(YILING).id}/new_entities?year=2026").text
        assert int(re.search(r'class="record-total">([\d,]+)<', page).group(1).replace(",", "")) == value
        village = client.get(f"/dashboard/regions/{by_code(DAZHONGBA).id}/new_entities?year=2026").text
        assert "测试经营主体" in village


def test_loans_and_grants(seeded, login_as):
    with clock.frozen(date(2026, 6, 30)):
        client = login_as("demo_city")
        before = row(client, YILING)  # the demo data's own loans and grants
        person = create_person(village_code=DAZHONGBA)
        create_loan(person, contract_on=date(2026, 2, 1), amount=200_000)
        create_loan(person, contract_on=date(2026, 3, 1), amount=100_000, status=LoanStatus.APPLIED)  # not issued
        create_loan(person, contract_on=date(2025, 3, 1), amount=50_000)
        programme = db.session.scalars(select(Programme).order_by(Programme.sort_order)).first()
        create_application(person, programme, state=AppState.PAID, submitted_on=date(2026, 1, 5),
                           decided_on=date(2026, 1, 25), paid_on=date(2026, 2, 10), amount=5000)
        create_application(person, programme, state=AppState.APPROVED, submitted_on=date(2026, 3, 1),
                           decided_on=date(2026, 3, 11))
        create_application(person, programme, state=AppState.SUBMITTED, submitted_on=date(2026, 3, 1))
        client = login_as("demo_city")
        yiling = row(client, YILING)
        assert yiling["loan_amount"] - before["loan_amount"] == 200_000
        zero = {"approved": 0, "approved_amount": 0, "paid": 0, "paid_amount": 0}
        had = before["grants"].get(programme.code) or zero
        assert {k: v - had[k] for k, v in yiling["grants"][programme.code].items()} == {
            "approved": 2, "approved_amount": 10000, "paid": 1, "paid_amount": 5000}
        loans = client.get(f"/dashboard/regions/{by_code(YILING).id}/loan_amount?year=2026").text
        assert f"{yiling['loan_amount']:,}" in re.search(r'class="record-amount">(.*?)<', loans).group(1)
        html = client.get("/dashboard/?year=2026").text
        assert "补贴审批用时" in html and programme.name in html


def test_case_counters_and_overdue(seeded, login_as):
    client = login_as("demo_city")
    before = row(client, YILING, clock.today().year)
    case = create_case()
    create_case(specialist="demo_specialist", mentor="demo_mentor")
    after = row(client, YILING, clock.today().year)
    assert after["open_cases"] == before["open_cases"] + 2
    assert after["unassigned_cases"] == before["unassigned_cases"] + 1
    case_ops.change_stage(case, "closed", city_admin(), "测试结案", expected_version=case.version)
    db.session.commit()
    assert row(client, YILING, clock.today().year)["open_cases"] == before["open_cases"] + 1
    assert counters.differences() == {}
    # Overdue comes from the indexed due dates compared with today.
    with clock.frozen(date(clock.today().year + 1, 12, 30)):
        late = row(login_as("demo_city"), YILING, clock.today().year)
        assert late["overdue_cases"] >= 1
        page = login_as("demo_city").get(f"/dashboard/regions/{by_code(YILING).id}/overdue_cases").text
        assert int(re.search(r'class="record-total">([\d,]+)<', page).group(1)) == late["overdue_cases"]


def test_business_counters_follow_every_write_and_the_founders_status(seeded, login_as):
    from app.persons import operations as person_ops

    with clock.frozen(date(2026, 6, 30)):
        client = login_as("demo_city")
        before = row(client, YILING)
        founder = create_person(village_code=DAZHONGBA, status="returned")
        first = create_business(registered_on=date(2026, 2, 1), founder=founder, kind="llc")
        create_business(registered_on=date(2026, 3, 1), founder=founder)
        after = row(client, YILING)
        assert after["new_entities"] == before["new_entities"] + 2
        assert after["new_enterprises"] == before["new_enterprises"] + 1

        # The founder turns out to be an 入乡 person: both businesses move to the 入乡 column.
        person_ops.update_person(city_admin(), founder, {"status": "incomer"}, expected_version=founder.version)
        db.session.commit()
        moved = row(client, YILING)
        assert moved["new_entities"] == before["new_entities"]
        assert moved["incomer_entities"] == before["incomer_entities"] + 2
        assert counters.differences() == {}

        # Kind, date and village changes through the operation; a deletion by hand.
        business_ops.update_business(city_admin(), first, {"kind": "individual", "registered_on": "2025-12-01",
                                                           "village_code": "420506103203"},
                                     expected_version=first.version)
        db.session.commit()
        assert row(client, YILING)["incomer_entities"] == before["incomer_entities"] + 1
        assert counters.differences() == {}
        db.session.delete(first)
        db.session.commit()
        assert counters.differences() == {}
        months = client.get("/dashboard/?year=2026").text
        assert "按月" in months
