"""Home-page work queues of the cases domain (issue 5 §6) and the person-page section."""
from __future__ import annotations

from typing import Any

from flask import url_for

from app.cases import queries
from app.cases.labels import STAGE_LABELS
from app.core import clock
from app.core.access import cases as access
from app.main.panels import Panel, PanelItem

ORDER = {"requests": 10, "village_followups": 20, "my_due": 15, "without_ones": 30, "overdue": 40,
         "items_past_due": 50, "reassign": 60}
EMPTY = {"requests": "没有待决定的建档申请。", "my_due": "近期没有到期的联系。", "reassign": "没有需要重新分配的档案。"}


def _due_badge(due, today) -> tuple[str, str]:
    if due is None:
        return "", "secondary"
    if due < today:
        return f"逾期 {(today - due).days} 天", "danger"
    if due == today:
        return "今天到期", "warning"
    return f"{(due - today).days} 天后到期", "info"


def _case_item(case: Any, key: str, user: Any, today) -> PanelItem:
    hint = f"{STAGE_LABELS[case.stage]} · {case.person.village.name}"
    due = None
    if key == "my_due":
        dues = []
        if access.is_assigned_specialist(user, case):
            dues.append(case.specialist_due_on)
        if access.is_assigned_mentor(user, case):
            dues.append(case.mentor_due_on)
        due = min((d for d in dues if d), default=None)
    elif key == "village_followups":
        due = case.village_due_on
    elif key == "overdue":
        due = case.next_due_on
    badge, tone = _due_badge(due, today)
    if key == "without_ones":
        missing = [n for n, v in (("服务专员", case.specialist_id), ("导师", case.mentor_id)) if v is None]
        badge, tone = "缺" + "、".join(missing), "warning"
    if key == "reassign":
        badge, tone = "服务人员已停用", "danger"
    return PanelItem(label=case.person.name, url=url_for("cases.detail", case_id=case.id), hint=hint,
                     badge=badge, tone=tone)


def case_panels(user: Any) -> list[Panel]:
    from app.cases.views import QUEUE_TITLES

    today = clock.today()
    panels = []
    for queue in queries.queues_for(user):
        key = queue.key
        if key == "requests":
            items = [PanelItem(label=r.person.name, url=url_for("cases.requests") + f"#request-{r.id}",
                               hint=f"{r.person.village.name} · {r.reason[:30]}", badge="待决定", tone="warning")
                     for r in queue.requests]
            more = url_for("cases.requests")
        elif key == "items_past_due":
            items = [PanelItem(label=f"{i.type.label} · {i.title}"[:40],
                               url=url_for("cases.detail", case_id=i.case_id) + "#services",
                               hint=f"办理时限 {i.due_on.isoformat()}", badge=_due_badge(i.due_on, today)[0],
                               tone="danger") for i in queue.items]
            more = None
        else:
            items = [_case_item(c, key, user, today) for c in queue.cases]
            more = url_for("cases.index", queue=key)
        panels.append(Panel(title=QUEUE_TITLES[key], count=queue.count, items=items, more_url=more,
                            empty_text=EMPTY.get(key, "暂无。"), order=ORDER[key]))
    return panels


def section_context(user: Any, person: Any) -> dict:
    from sqlalchemy import select

    from app.cases import operations as ops
    from app.cases.forms import ActionForm
    from app.cases.models import Case, CaseRequest, RequestStatus
    from app.extensions import db

    case = ops.open_case_of(person.id)
    closed = list(db.session.scalars(select(Case).where(Case.person_id == person.id, Case.closed_on.is_not(None))
                                     .order_by(Case.id.desc()).limit(5)))
    pending = db.session.scalar(select(CaseRequest).where(CaseRequest.person_id == person.id,
                                                          CaseRequest.status == RequestStatus.PENDING))
    return {"case": case, "closed_cases": closed, "pending_request": pending, "case_form": ActionForm(),
            "case_can": {"open": access.can_open_case(user, person) and not person.is_archived,
                         "request": access.can_request_case(user, person) and not person.is_archived},
            "stage_labels": STAGE_LABELS}

