"""Where subsidies meet the case file (issue 6 §1, §3, §5; app.cases interfaces).

- The case timeline shows every transition of the person's applications (a timeline source
  reading the audit rows of those applications).
- `collect_missing_data`: the idempotent operation that turns each `missing` criterion into one
  open "collect data" (补充材料) service item per case, programme and criterion; a person without
  an open case gets none (the proactive list shows the missing data instead).
- `offer_founded_stage`: after a business is registered, whether the founder's open case may be
  moved to `founded`; `move_case_to_founded` does it (the business page offers the button).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import url_for
from sqlalchemy import select

from app.cases import operations as case_ops
from app.cases import timeline
from app.cases import workflow as case_workflow
from app.cases.models import CaseStage
from app.core import audit
from app.core.access import cases as case_access
from app.core.access import subsidies as access
from app.core.audit import AuditEntry
from app.core.errors import Conflict, Forbidden
from app.core.templating import date_cn
from app.extensions import db
from app.subsidies import eligibility, rules
from app.subsidies.labels import ACTION_TITLES
from app.subsidies.models import Application, Programme


def application_entries(case: Any) -> list[timeline.TimelineEntry]:
    """Submitted / reviewed / approved / rejected / returned / publicised / paid, per application."""
    applications = {a.id: a for a in db.session.scalars(select(Application).where(Application.person_id == case.person_id))}
    if not applications:
        return []
    rows = db.session.scalars(select(AuditEntry).where(
        AuditEntry.object_type == "application", AuditEntry.object_id.in_([str(i) for i in applications]),
        AuditEntry.action.in_([f"application_{state}" for state in ACTION_TITLES])).order_by(AuditEntry.id))
    entries = []
    for row in rows:
        application = applications[int(row.object_id)]
        state = row.action.removeprefix("application_")
        reason = ((row.changes or {}).get("reason") or [None, None])[1]
        body = application.programme.name + (f"：{reason}" if reason else "")
        entries.append(timeline.TimelineEntry(
            at=row.at, kind="subsidy", title=ACTION_TITLES[state], body=body, actor=row.username,
            url=url_for("subsidies.application_detail", application_id=application.id),
            opens=("subsidies.application_detail", application),
            data={"application_id": application.id, "state": state, "programme": application.programme.code}))
    return entries


@dataclass
class MissingItem:
    programme: str
    criterion: str
    label: str
    hint: str
    service_item_id: int | None = None


def collect_missing_data(actor: Any, programme: Programme, person: Any, business: Any = None) -> list[MissingItem]:
    """For each `missing` criterion of the check: one open collect-data item on the person's open
    case (idempotent: calling again adds nothing). Without an open case nothing is written and the
    missing items are returned (the proactive list shows them)."""
    if not access.can_submit_application(actor, person, business):
        raise Forbidden("只有乡镇服务站及以上人员可以生成补充资料任务。")
    result = eligibility.check(programme, person, business)
    case = case_ops.open_case_of(person.id)
    out = []
    for c in result.criteria:
        if c.result != rules.MISSING:
            continue
        hint = rules.CRITERIA[c.code].collect_hint or c.message
        item = MissingItem(programme.code, c.code, c.label, hint)
        if case is not None:
            subject = f"（{business.name}）" if business is not None else ""
            service = case_ops.ensure_service_item(
                case, service_type="collect_data", source_key=f"collect:{programme.code}:{c.code}:{case.id}",
                title=f"{programme.name}{subject}：{hint}"[:200], actor=actor)
            item.service_item_id = service.id
        out.append(item)
    if out:
        audit.record("collect_data_requested", person, actor=actor,
                     changes={"programme": [None, programme.code], "criteria": [None, [i.criterion for i in out]],
                              "case": [None, case.id if case is not None else None]})
    db.session.flush()
    return out


def founded_offer(user: Any, business: Any):
    """The founder's open case when it may be moved to `founded` by this user, else None."""
    case = case_ops.open_case_of(business.founder_id)
    if case is None or case.stage == CaseStage.FOUNDED:
        return None
    if not case_workflow.allowed(case.stage, CaseStage.FOUNDED) or not case_access.can_change_stage(user, case):
        return None
    return case


def move_case_to_founded(actor: Any, business: Any, *, expected_version: int | None):
    """Move the founder's open case to `founded`; `expected_version` is the case version the actor saw."""
    case = case_ops.open_case_of(business.founder_id)
    if case is not None and not case_access.can_change_stage(actor, case):
        raise Forbidden("您无权变更该档案的阶段。")
    if founded_offer(actor, business) is None:
        raise Conflict("该创办人没有可转为“已创业”的在办档案。")
    return case_ops.business_registered(business.founder_id, actor,
                                        f"登记经营主体“{business.name}”（{date_cn(business.registered_on)}）",
                                        expected_version=expected_version)


def move_on_merge(actor: Any, survivor: Any, other: Any) -> None:
    """Two person records merged: the archived record's businesses, applications, loans and grants
    follow the survivor. When both already hold a grant of the same one-time programme the merge
    is refused (it would hide a double grant)."""
    from sqlalchemy import update

    from app.businesses.models import Business
    from app.core.errors import Conflict
    from app.subsidies.models import Grant, Loan

    theirs = set(db.session.scalars(select(Grant.programme_id).where(Grant.person_id == other.id)))
    ours = set(db.session.scalars(select(Grant.programme_id).where(Grant.person_id == survivor.id)))
    if theirs & ours:
        raise Conflict("两条记录都已享受过同一项一次性补贴，请先核查重复发放再合并。")
    moved = 0
    for model, column in ((Business, Business.founder_id), (Application, Application.person_id),
                          (Loan, Loan.person_id), (Grant, Grant.person_id)):
        result = db.session.execute(update(model).where(column == other.id).values({column.key: survivor.id})
                                    .execution_options(synchronize_session="fetch"))
        moved += result.rowcount or 0
    if moved:
        audit.record("subsidy_records_merged", survivor, actor=actor,
                     detail=f"人员 #{other.id} 的经营主体、补贴申请、贷款和补贴记录并入 #{survivor.id}（{moved} 条）")

