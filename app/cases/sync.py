"""Keep case files in step with the person library.

- A person moved to another village (`persons.operations.move_person`): their cases and requests
  take the new village's region columns in the same flush, so scope follows the person (the old
  village's staff get 404 from then on). Region moves (`regions.operations.move_region`) already
  rewrite every `RegionOwnedMixin` table, cases included.
- Two person records merged (`persons.operations.MERGE_HOOKS`): the archived record's cases and
  requests move to the survivor. Two open cases cannot become one person's: the merge is refused
  (409) until one of them is closed.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import inspect, select, update
from sqlalchemy.orm import Session

from app.core import audit
from app.core.errors import Conflict


def _region_values(village_id: int) -> dict:
    from app.regions.models import Region

    return {"village_id": village_id,
            "township_id": select(Region.township_id).where(Region.id == village_id).scalar_subquery(),
            "county_id": select(Region.county_id).where(Region.id == village_id).scalar_subquery()}


def follow_person_moves(session: Session, flush_context: Any, instances: Any) -> None:
    from app.cases.models import Case, CaseRequest
    from app.persons.models import Person

    for obj in list(session.dirty):
        if not isinstance(obj, Person):
            continue
        history = inspect(obj).attrs.village_id.history
        if not history.has_changes() or obj.village_id is None:
            continue
        for model in (Case, CaseRequest):
            session.execute(update(model).where(model.person_id == obj.id).values(**_region_values(obj.village_id))
                            .execution_options(synchronize_session="fetch"))


def move_cases_on_merge(actor: Any, survivor: Any, other: Any) -> None:
    from app.cases.models import Case, CaseRequest, RequestStatus
    from app.cases.operations import open_case_of
    from app.extensions import db

    theirs, ours = open_case_of(other.id), open_case_of(survivor.id)
    if theirs is not None and ours is not None:
        raise Conflict("两条记录各有一个在办的一人一档，请先结案其中一个再合并。")
    pending = db.session.scalar(select(CaseRequest.id).where(CaseRequest.person_id == survivor.id,
                                                             CaseRequest.status == RequestStatus.PENDING))
    for model in (Case, CaseRequest):
        stmt = update(model).where(model.person_id == other.id)
        if model is CaseRequest and pending is not None:
            stmt = stmt.where(model.status != RequestStatus.PENDING)
        db.session.execute(stmt.values(person_id=survivor.id, **_region_values(survivor.village_id))
                           .execution_options(synchronize_session="fetch"))
    if pending is not None:  # the survivor's own pending request stands; the other one is declined
        db.session.execute(update(CaseRequest).where(CaseRequest.person_id == other.id,
                                                     CaseRequest.status == RequestStatus.PENDING)
                           .values(status=RequestStatus.DECLINED, decision_reason="人员记录合并，保留另一条申请")
                           .execution_options(synchronize_session="fetch"))
    if theirs is not None:
        audit.record("case_person_merged", theirs, actor=actor, detail=f"人员 #{other.id} 并入 #{survivor.id}")

