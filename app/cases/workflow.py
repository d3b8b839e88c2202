"""The case stage transition table (pure code: no database, no HTTP).

    pending_assignment → intention / training / incubation (both "1"s assigned) / closed
    intention ⇄ training ⇄ incubation → founded (跟踪服务, one year) → closed
    intention / training / incubation / founded → failed → restart → training / incubation /
    intention / founded; any open stage → closed. `closed` is final.
"""
from __future__ import annotations

from app.cases.models import CaseStage as S

TRANSITIONS: dict[S, frozenset[S]] = {
    S.PENDING_ASSIGNMENT: frozenset({S.INTENTION, S.TRAINING, S.INCUBATION, S.CLOSED}),
    S.INTENTION: frozenset({S.TRAINING, S.INCUBATION, S.FOUNDED, S.FAILED, S.CLOSED}),
    S.TRAINING: frozenset({S.INTENTION, S.INCUBATION, S.FOUNDED, S.FAILED, S.CLOSED}),
    S.INCUBATION: frozenset({S.TRAINING, S.FOUNDED, S.FAILED, S.CLOSED}),
    S.FOUNDED: frozenset({S.FAILED, S.CLOSED}),
    S.FAILED: frozenset({S.RESTART, S.CLOSED}),
    S.RESTART: frozenset({S.INTENTION, S.TRAINING, S.INCUBATION, S.FOUNDED, S.FAILED, S.CLOSED}),
    S.CLOSED: frozenset(),
}

# Stages in which the case is "in service" (the two "1"s' regular cadence applies).
IN_SERVICE = frozenset({S.INTENTION, S.TRAINING, S.INCUBATION, S.FAILED, S.RESTART})
# Leaving pending_assignment for a service stage needs both "1"s.
NEEDS_BOTH_ONES = frozenset({S.INTENTION, S.TRAINING, S.INCUBATION})
# Services a failed business brings (issue 5 §1): opened as items on the move to `restart`.
RESTART_SERVICES = ("labour_relations", "employment_aid", "restart_guidance", "relief_referral")


def allowed(from_stage: S, to_stage: S) -> bool:
    return to_stage in TRANSITIONS[from_stage]


def next_stages(stage: S) -> list[S]:
    return [s for s in S if s in TRANSITIONS[stage]]
