"""What a case looks like to each viewer (pages, print view and API share this).

Region roles in scope see the person as the library shows it (ID number and phone masked).
The assigned specialist and mentor see only the fields their work needs: no ID number at all
(not even masked), the phone masked unless they asked for it (audited), no loan data.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from app.cases import queries
from app.cases.models import Case, CaseAssignment, ServiceItem
from app.cases.timeline import TimelineEntry, timeline
from app.codes import operations as codes
from app.codes.models import CodeList
from app.core import clock
from app.core.access import cases as access


def person_summary(user: Any, case: Case, full_phone: str | None = None) -> dict:
    person = case.person
    industries = codes.labels(CodeList.INDUSTRY)
    summary = {
        "id": person.id,
        "name": person.name,
        "gender": person.gender.value,
        "gender_label": person.gender.label,
        "age": person.age,
        "village_code": person.village.code,
        "village_name": person.village.full_name,
        "phone": full_phone or person.phone_masked,
        "status": person.status.value,
        "status_label": person.status.label,
        "intention": person.intention.value,
        "intention_label": person.intention.label,
        "intended_industry": person.intended_industry,
        "intended_industry_label": industries.get(person.intended_industry or "", person.intended_industry),
        "skills": list(person.skills or []),
        "returned_on": person.returned_on,
    }
    if access.sees_region_fields(user, case):
        summary["id_number"] = person.id_number_masked
        summary["is_sanyou"] = person.is_sanyou
        summary["capital_need"] = person.capital_need
    return summary


def row_dues(user: Any, case: Case, queue: str = "") -> list[queries.Due]:
    """The labelled due dates a list row (or queue row) shows: the clocks its filter reads."""
    if not case.is_open:
        return []
    return queries.dues(case, queries.queue_clocks(queue, user, case))


def case_dues(case: Case) -> dict[str, queries.Due]:
    """Every clock of the case page, by clock value (each shown beside its owner)."""
    if not case.is_open:
        return {}
    return {d.clock.value: d for d in queries.dues(case, tuple(queries.Clock))}


def iso(value: Any) -> Any:
    """Dates as ISO strings throughout (the API answers plain JSON, not HTTP dates)."""
    if isinstance(value, dict):
        return {k: iso(v) for k, v in value.items()}
    if isinstance(value, list):
        return [iso(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _user_json(user: Any) -> dict | None:
    if user is None:
        return None
    return {"username": user.username, "full_name": user.full_name, "is_active": bool(user.is_active_account)}


def item_json(item: ServiceItem) -> dict:
    return iso({
        "id": item.id, "service_type": item.service_type, "service_type_label": item.type.label,
        "title": item.title, "responsible_unit": item.responsible_unit, "due_on": item.due_on,
        "status": item.status.value, "status_label": item.status.label,
        "cannot_reason": item.cannot_reason, "outcome": item.outcome, "source_key": item.source_key,
        "log_id": item.log_id, "version": item.version,
        "overdue": bool(item.is_open and item.due_on and item.due_on < clock.today()),
    })


def entry_json(entry: TimelineEntry) -> dict:
    data = iso(dict(entry.data))
    return {"at": entry.at.isoformat(), "kind": entry.kind, "title": entry.title, "body": entry.body,
            "actor": entry.actor, "url": entry.url, "data": data}


def case_json(user: Any, case: Case, *, detail: bool = False, full_phone: str | None = None) -> dict:
    out = {
        "id": case.id,
        "person": person_summary(user, case, full_phone) if detail else
        {"id": case.person.id, "name": case.person.name, "village_name": case.person.village.full_name},
        "stage": case.stage.value,
        "stage_label": case.stage.label,
        "opened_on": case.opened_on,
        "closed_on": case.closed_on,
        "follow_up_until": case.follow_up_until,
        "specialist": _user_json(case.specialist),
        "mentor": _user_json(case.mentor),
        "specialist_due_on": case.specialist_due_on,
        "mentor_due_on": case.mentor_due_on,
        "village_due_on": case.village_due_on,
        "next_due_on": case.next_due_on,
        # Overdue as the viewer's list filter `overdue=true` reads it, and the dates it reads.
        "overdue": queries.is_overdue(user, case),
        "dues": [{"clock": d.clock.value, "clock_label": d.label, "due_on": d.on, "overdue": d.is_overdue}
                 for d in row_dues(user, case)],
        "version": case.version,
    }
    if detail:
        from sqlalchemy import select

        from app.extensions import db

        items = db.session.scalars(select(ServiceItem).where(ServiceItem.case_id == case.id).order_by(ServiceItem.id))
        out["services"] = [item_json(i) for i in items]
        history = db.session.scalars(select(CaseAssignment).where(CaseAssignment.case_id == case.id)
                                     .order_by(CaseAssignment.id))
        out["assignments"] = [{"role": a.role.value, "user": _user_json(a.user)["username"],
                               "previous": a.previous_user.username if a.previous_user else None,
                               "reason": a.reason, "at": a.at} for a in history]
        out["timeline"] = [entry_json(e) for e in timeline(case, user)]
    return iso(out)
