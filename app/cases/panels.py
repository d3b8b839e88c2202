"""Home-page work queues of the cases domain (issue 5 §6) and the person-page section."""
from __future__ import annotations

from typing import Any

from flask import url_for

from app.cases import present, queries
from app.cases.models import Case
from app.core import clock
from app.core.access import cases as access
from app.core.templating import date_cn
from app.extensions import db
from app.main.panels import Panel, PanelItem

ORDER = {"requests": 10, "new_assignments": 12, "my_due": 15, "my_items_past_due": 18, "village_followups": 20,
         "without_ones": 30, "overdue": 40, "items_past_due": 50, "reassign": 60}
EMPTY = {"requests": "没有待决定的建档申请。", "my_due": "近期没有到期的联系。", "reassign": "没有需要重新分配的档案。",
         "new_assignments": "没有新分派给您的档案。", "my_items_past_due": "您的档案没有超期的服务事项。"}


ROLE_NAMES = {queries.Clock.SPECIALIST: "服务专员", queries.Clock.MENTOR: "创业导师"}


def _item_badge(due_on, today) -> str:
    """A service item's own deadline, named as such (not a follow-up clock)."""
    if due_on < today:
        return f"办理超期 {(today - due_on).days} 天"
    return f"办理时限 {date_cn(due_on)}"


def _case_item(case: Any, key: str, user: Any, today) -> PanelItem:
    hint = f"{case.stage.label} · {case.person.village.name}"
    badge, tone = "", "secondary"
    dues = present.row_dues(user, case, key)
    if dues:
        # The most urgent of the dates this queue filters on, named by its clock; the others
        # (labelled the same way) in the hint.
        first = min(dues, key=lambda d: d.on)
        badge, tone = first.badge, first.tone
        hint += "".join(f" · {d.label} {date_cn(d.on)}" for d in dues)
    if key == "new_assignments":
        roles = "、".join(ROLE_NAMES[c] for c in queries.own_clocks(user, case))
        assigned = queries.assigned_on(user, case)
        badge, tone = "新分派", "primary"
        hint = f"{case.stage.label} · {case.person.village.name} · {date_cn(assigned)}分派（{roles}）"
    if key == "without_ones":
        missing = [n for n, v in (("服务专员", case.specialist_id), ("导师", case.mentor_id)) if v is None]
        badge, tone = "缺" + "、".join(missing), "warning"
    if key == "reassign":
        badge, tone = "服务人员已停用", "danger"
    return PanelItem(label=case.person.name, url=url_for("cases.detail", case_id=case.id), hint=hint,
                     badge=badge, tone=tone)


def _service_item(item: Any, today) -> PanelItem:
    return PanelItem(label=f"{item.type.label} · {item.title}"[:40],
                     url=url_for("cases.detail", case_id=item.case_id) + "#services",
                     hint=f"{db.session.get(Case, item.case_id).person.name} · 办理时限 {date_cn(item.due_on)}",
                     badge=_item_badge(item.due_on, today), tone="danger")


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
        elif key in ("items_past_due", "my_items_past_due"):
            items = [_service_item(i, today) for i in queue.items]
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
                         "request": access.can_request_case(user, person) and not person.is_archived}}

