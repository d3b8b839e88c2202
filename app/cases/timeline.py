"""One chronological view of everything on a case (issue 5 §4).

Built-in entries: visit logs and mentor notes (revisions and corrections shown as new entries
that reference the one they supersede), stage changes, assignments and service item changes.
Other domains add theirs with `register_source(fn)`, where `fn(case) -> Iterable[TimelineEntry]`
(subsidy applications, businesses …); `timeline(case)` merges them all, oldest first. An entry
that links to a page names what it opens (`opens=(endpoint, record)`); `timeline(case, viewer)`
keeps the link only for a viewer who may open that page (a mentor sees the entry, not the link).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.core import clock

Source = Callable[[Any], Iterable["TimelineEntry"]]
_SOURCES: list[Source] = []


@dataclass
class TimelineEntry:
    at: datetime
    kind: str
    title: str
    body: str = ""
    actor: str | None = None
    url: str | None = None
    # Built-in entries carry extra structured data for the case page and the API.
    data: dict = field(default_factory=dict)
    # What `url` opens: (endpoint, record). A viewer sees the link only when
    # `access.links.can_open(viewer, endpoint, record)`; a url without it is never shown.
    opens: tuple[str, Any] | None = None


def register_source(fn: Source) -> Source:
    """Add a source of timeline entries (idempotent; usable as a decorator)."""
    if all(existing is not fn for existing in _SOURCES):
        _SOURCES.append(fn)
    return fn


def _sort_key(entry: TimelineEntry) -> tuple:
    at = entry.at
    if at.tzinfo is None:  # a source gave a naive datetime: take it as local time
        at = at.replace(tzinfo=clock.LOCAL_TZ)
    return (at,)


def _name(user: Any) -> str | None:
    return None if user is None else user.full_name


def _log_entries(case: Any) -> list[TimelineEntry]:
    from app.cases.models import CaseLog, LogKind

    logs = list(db_scalars(select(CaseLog).where(CaseLog.case_id == case.id).order_by(CaseLog.id)))
    superseded = {log.supersedes_id for log in logs if log.supersedes_id}
    out = []
    for log in logs:
        label = log.kind.label
        if log.kind == LogKind.VISIT:
            method = log.method.label if log.method else ""
            title = f"{label}（{method}）" if method else label
        else:
            topic = log.topic.label if log.topic else ""
            title = f"{label}：{topic}" if topic else label
        if log.supersedes_id:
            title += f"（修订 #{log.supersedes_id}）"
        parts = [log.content]
        if log.advice:
            parts.append(f"建议：{log.advice}")
        if log.next_steps:
            parts.append(f"下一步：{log.next_steps}")
        out.append(TimelineEntry(
            at=log.created_at, kind=log.kind.value, title=title, body="\n".join(parts),
            actor=_name(log.author),
            data={"log_id": log.id, "contact_on": log.contact_on, "needs": list(log.needs or []),
                  "next_follow_up": log.next_follow_up, "supersedes_id": log.supersedes_id,
                  "superseded": log.id in superseded, "author_id": log.author_id,
                  "correction_reason": log.correction_reason},
        ))
    return out


def _stage_entries(case: Any) -> list[TimelineEntry]:
    from app.cases.models import CaseStageChange

    rows = db_scalars(select(CaseStageChange).where(CaseStageChange.case_id == case.id).order_by(CaseStageChange.id))
    out = []
    for row in rows:
        title = (f"阶段：{row.from_stage.label} → {row.to_stage.label}" if row.from_stage
                 else f"建档（{row.to_stage.label}）")
        out.append(TimelineEntry(at=row.at, kind="stage", title=title, body=row.reason or "",
                                 actor=_name(row.actor),
                                 data={"from": row.from_stage.value if row.from_stage else None,
                                       "to": row.to_stage.value}))
    return out


def _assignment_entries(case: Any) -> list[TimelineEntry]:
    from app.cases.models import CaseAssignment

    rows = db_scalars(select(CaseAssignment).where(CaseAssignment.case_id == case.id).order_by(CaseAssignment.id))
    out = []
    for row in rows:
        role = row.role.label
        if row.previous_user_id:
            title = f"更换{role}：{_name(row.previous_user)} → {_name(row.user)}"
        else:
            title = f"分配{role}：{_name(row.user)}"
        out.append(TimelineEntry(at=row.at, kind="assignment", title=title, body=row.reason or "",
                                 actor=_name(row.actor), data={"role": row.role.value}))
    return out


def _service_entries(case: Any) -> list[TimelineEntry]:
    from app.cases.models import ServiceItemChange

    rows = db_scalars(select(ServiceItemChange).where(ServiceItemChange.case_id == case.id)
                      .order_by(ServiceItemChange.id))
    out = []
    for row in rows:
        status = row.to_status.label
        verb = "新增服务事项" if row.from_status is None else "服务事项"
        title = f"{verb}：{row.item.type.label} · {row.item.title}（{status}）"
        out.append(TimelineEntry(at=row.at, kind="service", title=title, body=row.note or "",
                                 actor=_name(row.actor),
                                 data={"item_id": row.item_id, "status": row.to_status.value}))
    return out


def db_scalars(stmt):
    from app.extensions import db

    return db.session.scalars(stmt)


BUILT_IN: tuple[Source, ...] = (_log_entries, _stage_entries, _assignment_entries, _service_entries)


def _for_viewer(entry: TimelineEntry, viewer: Any) -> TimelineEntry:
    from dataclasses import replace

    from app.core.access.links import can_open

    if entry.url is None or (entry.opens is not None and can_open(viewer, *entry.opens)):
        return entry
    return replace(entry, url=None)


def timeline(case: Any, viewer: Any = None) -> list[TimelineEntry]:
    """Every entry of the case, built-in and registered, in chronological order. With a `viewer`,
    links the viewer may not open are removed (the entries stay)."""
    entries: list[TimelineEntry] = []
    for source in (*BUILT_IN, *_SOURCES):
        entries.extend(source(case))
    if viewer is not None:
        entries = [_for_viewer(e, viewer) for e in entries]
    return sorted(entries, key=_sort_key)
