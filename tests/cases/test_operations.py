"""Case operations without HTTP: opening, transitions, assignment, logs, services, timeline."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.cases import operations as ops
from app.cases import timeline as tl
from app.cases.models import Case, CaseStage, ServiceItem
from app.core import clock
from app.core.errors import Conflict, FieldErrors, Forbidden
from app.extensions import db
from tests.cases.factories import create_case, user
from tests.persons.factories import create_person

STAGES = [s.value for s in CaseStage]


def _case_at(stage: str) -> Case:
    return create_case(specialist="demo_specialist", mentor="demo_mentor", stage=stage)


@pytest.mark.parametrize("from_stage", STAGES)
def test_every_transition_allowed_and_refused_per_table(demo, from_stage):
    from app.cases.workflow import TRANSITIONS

    admin = user("demo_city")
    for to_stage in CaseStage:
        case = _case_at(from_stage)
        if to_stage in TRANSITIONS[CaseStage(from_stage)]:
            ops.change_stage(case, to_stage.value, admin, "依表变更", expected_version=case.version)
            db.session.commit()
            assert case.stage == to_stage
            assert (case.closed_on is not None) == (to_stage == CaseStage.CLOSED)
        else:
            with pytest.raises(Conflict):
                ops.change_stage(case, to_stage.value, admin, "不允许", expected_version=case.version)
            db.session.rollback()
            assert db.session.get(Case, case.id).stage.value == from_stage
        if case.is_open:  # keep the open-case count low; each case has its own person anyway
            ops.change_stage(case, "closed", admin, "清理", expected_version=case.version)
            db.session.commit()


def test_stage_change_needs_a_reason_and_a_known_stage(demo):
    case = _case_at("pending_assignment")
    admin = user("demo_city")
    with pytest.raises(FieldErrors) as error:
        ops.change_stage(case, "intention", admin, "  ", expected_version=case.version)
    assert "reason" in error.value.fields
    with pytest.raises(FieldErrors) as error:
        ops.change_stage(case, "nonsense", admin, "原因", expected_version=case.version)
    assert "stage" in error.value.fields


def test_service_stage_needs_both_ones(demo):
    case = create_case(specialist="demo_specialist")
    with pytest.raises(Conflict):
        ops.change_stage(case, "training", user("demo_city"), "开始培训", expected_version=case.version)


def test_one_open_case_per_person(demo):
    case = create_case()
    with pytest.raises(Conflict):
        ops.open_case(user("demo_city"), case.person)
    db.session.rollback()
    ops.change_stage(case, "closed", user("demo_city"), "结案", expected_version=case.version)
    db.session.commit()
    again = ops.open_case(user("demo_city"), case.person)
    db.session.commit()
    assert ops.open_case_of(case.person_id).id == again.id


def test_open_case_needs_township_and_above(demo):
    person = create_person(user("demo_city"))
    with pytest.raises(Forbidden):
        ops.open_case(user("demo_village"), person)
    ops.open_case(user("demo_township"), person)


def test_request_then_open_turns_needs_into_items(demo):
    person = create_person(user("demo_city"))
    req = ops.request_case(user("demo_village"), person, {"reason": "想开农家乐", "needs": ["land_transfer"]})
    db.session.commit()
    with pytest.raises(Conflict):
        ops.request_case(user("demo_village"), person, {"reason": "再申请"})
    db.session.rollback()
    case = ops.decide_request(user("demo_township"), req, accept=True, expected_version=req.version)
    db.session.commit()
    items = db.session.scalars(select(ServiceItem).where(ServiceItem.case_id == case.id)).all()
    assert [i.service_type for i in items] == ["land_transfer"]
    with pytest.raises(Conflict):
        ops.decide_request(user("demo_township"), req, accept=False, reason="晚了", expected_version=req.version)


def test_decline_needs_a_reason(demo):
    person = create_person(user("demo_city"))
    req = ops.request_case(user("demo_village"), person, {"reason": "咨询政策"})
    with pytest.raises(FieldErrors) as error:
        ops.decide_request(user("demo_township"), req, accept=False, reason="", expected_version=req.version)
    assert "reason" in error.value.fields
    assert ops.decide_request(user("demo_township"), req, accept=False, reason="暂无需求", expected_version=req.version) is None
    assert req.status.value == "declined"


def test_ensure_service_item_is_idempotent(demo):
    case = create_case()
    admin = user("demo_city")
    first = ops.ensure_service_item(case, service_type="collect_data", source_key="subsidy:1:jobs",
                                    title="补充带动就业人数", actor=admin)
    second = ops.ensure_service_item(case, service_type="collect_data", source_key="subsidy:1:jobs",
                                     title="补充带动就业人数", actor=admin)
    db.session.commit()
    assert first.id == second.id
    assert first.type.label == "补充材料"
    ops.update_service_item(admin, first, {"status": "done", "outcome": "已补充"}, expected_version=first.version)
    third = ops.ensure_service_item(case, service_type="collect_data", source_key="subsidy:1:jobs",
                                    title="补充带动就业人数", actor=admin)
    db.session.commit()
    assert third.id != first.id
    count = db.session.scalar(select(func.count()).select_from(ServiceItem).where(ServiceItem.case_id == case.id))
    assert count == 2


def test_item_cannot_needs_reason_and_done_is_final(demo):
    case = create_case()
    admin = user("demo_city")
    item = ops.add_service_item(admin, case, {"service_type": "legal_aid", "due_on": "2030-01-01"})
    with pytest.raises(FieldErrors) as error:
        ops.update_service_item(admin, item, {"status": "cannot"}, expected_version=item.version)
    assert "cannot_reason" in error.value.fields
    ops.update_service_item(admin, item, {"status": "cannot", "cannot_reason": "不符合条件"}, expected_version=item.version)
    with pytest.raises(Conflict):
        ops.update_service_item(admin, item, {"status": "todo"}, expected_version=item.version)


def test_timeline_merges_registered_sources_chronologically(demo):
    with clock.frozen(date(2026, 5, 1)) as frozen:
        case = create_case(specialist="demo_specialist", mentor="demo_mentor")
        frozen.advance(timedelta(days=1))
        ops.add_log(user("demo_specialist"), case, {"kind": "visit", "date": "2026-05-02", "method": "phone",
                                                    "content": "电话了解需求", "needs": ["financing"]})
        db.session.commit()

        def source(c):
            yield tl.TimelineEntry(at=datetime(2026, 5, 1, 18, tzinfo=clock.LOCAL_TZ), kind="subsidy",
                                   title="补贴申请", url="/x")

        tl.register_source(source)
        try:
            entries = tl.timeline(case)
        finally:
            tl._SOURCES.remove(source)
    kinds = [e.kind for e in entries]
    assert kinds.index("stage") < kinds.index("assignment") < kinds.index("subsidy") < kinds.index("visit")
    assert "service" in kinds[kinds.index("visit"):]
    assert [e.at for e in entries] == sorted(e.at for e in entries)


def test_business_registered_hook_moves_to_founded(demo):
    case = create_case(specialist="demo_specialist", mentor="demo_mentor", stage="incubation")
    moved = ops.business_registered(case.person_id, user("demo_township"), expected_version=case.version)
    db.session.commit()
    assert moved.id == case.id and case.stage == CaseStage.FOUNDED and case.follow_up_until is not None
    assert ops.business_registered(case.person_id, user("demo_township"),
                                   expected_version=case.version) is None  # founded → founded: no
    waiting = create_case()
    assert ops.business_registered(waiting.person_id, user("demo_township"),
                                   expected_version=waiting.version) is None  # pending_assignment


def test_mentor_candidates_best_match_first(demo, make_user):
    from app.core.access.roles import Role

    make_user("m_city", roles=(Role.MENTOR,), region_code="4205", level="city", expertise=["rural_tourism"],
              capacity=5)
    make_user("m_other_county", roles=(Role.MENTOR,), region_code="420527", level="county",
              expertise=["rural_tourism"])
    case = create_case(intended_industry="rural_tourism", intention="firm")
    names = [c.user.username for c in ops.mentor_candidates(case)]
    assert "m_other_county" not in names  # another county's pool
    assert set(names[:2]) == {"demo_mentor", "m_city"}  # both match the industry
    specialists = [c.user.username for c in ops.specialist_candidates(case)]
    assert "demo_specialist" in specialists
