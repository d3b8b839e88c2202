"""Follow-up cadence: each role's due date runs on its own clock (injected clock).

Defaults: specialist every 30 days, mentor every 60 days while in service, both monthly (30)
during the follow-up year. A clock runs from the role's last contact, or from assignment; a
village clerk's visit does not satisfy the specialist's clock; a stage change never resets a
clock, it only changes the interval."""
from __future__ import annotations

from datetime import date, timedelta

from app.cases import operations as ops
from app.core import clock
from app.extensions import db
from tests.cases.factories import create_case, user

D0 = date(2026, 3, 2)


def _visit(username, case, day, kind="visit", **extra):
    values = {"kind": kind, "date": day.isoformat(), "content": "跟进", **extra}
    if kind == "visit":
        values.setdefault("method", "phone")
    else:
        values.setdefault("topic", "market")
    ops.add_log(user(username), case, values)
    db.session.commit()


def test_each_role_follows_its_own_clock(demo):
    with clock.frozen(D0) as frozen:
        case = create_case(specialist="demo_specialist", mentor="demo_mentor")
        assert case.specialist_due_on == D0 + timedelta(days=30)  # from assignment
        assert case.mentor_due_on == D0 + timedelta(days=60)
        assert case.next_due_on == D0 + timedelta(days=30)

        ops.change_stage(case, "training", user("demo_township"), "参加培训", expected_version=case.version)
        db.session.commit()
        assert case.specialist_due_on == D0 + timedelta(days=30)  # the stage change reset nothing

        frozen.advance(timedelta(days=10))
        d10 = D0 + timedelta(days=10)
        _visit("demo_village", case, d10)  # the village clerk's visit: not the specialist's clock
        assert case.specialist_due_on == D0 + timedelta(days=30)
        assert case.mentor_due_on == D0 + timedelta(days=60)

        _visit("demo_township", case, d10)  # nor the township's
        assert case.specialist_due_on == D0 + timedelta(days=30)

        frozen.advance(timedelta(days=10))
        d20 = D0 + timedelta(days=20)
        _visit("demo_specialist", case, d20)
        assert case.specialist_due_on == d20 + timedelta(days=30)
        assert case.mentor_due_on == D0 + timedelta(days=60)  # the specialist's contact: not the mentor's

        frozen.advance(timedelta(days=5))
        d25 = D0 + timedelta(days=25)
        _visit("demo_mentor", case, d25, kind="mentor_note")
        assert case.mentor_due_on == d25 + timedelta(days=60)
        assert case.specialist_due_on == d20 + timedelta(days=30)

        ops.change_stage(case, "founded", user("demo_township"), "个体户已登记", expected_version=case.version)
        db.session.commit()
        # Follow-up year: monthly for both, still counted from each role's own last contact.
        assert case.specialist_due_on == d20 + timedelta(days=30)
        assert case.mentor_due_on == d25 + timedelta(days=30)
        assert case.next_due_on == d20 + timedelta(days=30)
        assert case.follow_up_until == d25 + timedelta(days=365)

        ops.change_stage(case, "closed", user("demo_township"), "跟踪服务期满", expected_version=case.version)
        db.session.commit()
        assert case.specialist_due_on is None and case.mentor_due_on is None and case.next_due_on is None


def test_planned_follow_up_brings_the_due_date_forward(demo):
    with clock.frozen(D0):
        case = create_case(specialist="demo_specialist", mentor="demo_mentor")
        _visit("demo_specialist", case, D0, next_follow_up=(D0 + timedelta(days=7)).isoformat())
        assert case.specialist_due_on == D0 + timedelta(days=7)
        _visit("demo_village", case, D0, next_follow_up=(D0 + timedelta(days=3)).isoformat())
        assert case.village_due_on == D0 + timedelta(days=3)
        assert case.specialist_due_on == D0 + timedelta(days=7)


def test_reassignment_restarts_only_that_roles_clock(demo, make_user):
    from app.core.access.roles import Role

    make_user("spec2", roles=(Role.SPECIALIST,), region_code="420506")
    with clock.frozen(D0) as frozen:
        case = create_case(specialist="demo_specialist", mentor="demo_mentor")
        frozen.advance(timedelta(days=40))
        ops.assign(user("demo_township"), case, specialist="spec2", reason="原专员调岗", expected_version=case.version)
        db.session.commit()
        assert case.specialist_due_on == D0 + timedelta(days=70)
        assert case.mentor_due_on == D0 + timedelta(days=60)


def test_configured_cadence(app, demo):
    app.config["CASE_CADENCE_DAYS"] = {"specialist": 14}
    try:
        with clock.frozen(D0):
            case = create_case(specialist="demo_specialist", mentor="demo_mentor")
            assert case.specialist_due_on == D0 + timedelta(days=14)
            assert case.mentor_due_on == D0 + timedelta(days=60)
    finally:
        app.config.pop("CASE_CADENCE_DAYS")


def test_mentor_revision_within_24_hours_keeps_the_original(demo):
    from app.cases.models import CaseLog
    from app.core.errors import Conflict, Forbidden

    with clock.frozen(D0) as frozen:
        case = create_case(specialist="demo_specialist", mentor="demo_mentor")
        log = ops.add_log(user("demo_mentor"), case, {"kind": "mentor_note", "date": D0.isoformat(),
                                                      "topic": "market", "content": "初稿"})
        db.session.commit()
        try:
            ops.revise_log(user("demo_specialist"), log, {"date": D0.isoformat(), "topic": "market", "content": "x"})
        except Forbidden:
            pass
        else:
            raise AssertionError("only the author revises")
        frozen.advance(timedelta(hours=23))
        new = ops.revise_log(user("demo_mentor"), log, {"date": D0.isoformat(), "topic": "market",
                                                        "content": "修订稿"})
        db.session.commit()
        assert new.supersedes_id == log.id and db.session.get(CaseLog, log.id).content == "初稿"
        frozen.advance(timedelta(hours=2))
        try:
            ops.revise_log(user("demo_mentor"), new, {"date": D0.isoformat(), "topic": "market", "content": "晚了"})
        except Conflict:
            pass
        else:
            raise AssertionError("no revision after 24 hours")
