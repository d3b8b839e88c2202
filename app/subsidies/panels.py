"""Home-page panels: applications awaiting the user's decision, and returned ones to correct."""
from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import func, select

from app.core.access import subsidies as access
from app.core.access.roles import Role
from app.core.templating import date_cn
from app.extensions import db
from app.main.panels import Panel, PanelItem
from app.subsidies.models import Application, AppState, DeciderLevel, Programme

LIMIT = 5


def _panel(user: Any, title: str, states, extra, order: int, more_state: str) -> Panel | None:
    stmt = (select(Application).join(Programme, Programme.id == Application.programme_id)
            .where(access.visible_applications_condition(user), Application.state.in_(states), *extra))
    count = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    if not count:
        return None
    items = [PanelItem(f"#{a.id} {a.programme.name} · {a.person.name}",
                       url_for("subsidies.application_detail", application_id=a.id), hint=f"{date_cn(a.submitted_on)}提交")
             for a in db.session.scalars(stmt.order_by(Application.id).limit(LIMIT))]
    return Panel(title, count, items, more_url=url_for("subsidies.applications", state=more_state), order=order)


def subsidy_panels(user: Any) -> list[Panel]:
    roles = getattr(user, "roles", frozenset())
    panels = []
    level = {Role.COUNTY_OFFICER: DeciderLevel.COUNTY, Role.CITY_ADMIN: DeciderLevel.CITY}
    for role, decider in level.items():
        if role in roles:
            panel = _panel(user, "待审批的补贴申请", (AppState.SUBMITTED, AppState.TOWNSHIP_REVIEWED),
                           (Programme.decider_level == decider, Application.submitted_by_id != user.id), 40, "submitted")
            if panel:
                panels.append(panel)
    if Role.TOWNSHIP_STAFF in roles:
        panel = _panel(user, "退回补正的补贴申请", (AppState.RETURNED,), (), 45, "returned")
        if panel:
            panels.append(panel)
    return panels
