"""Application states and the allowed transitions (issue 6 §5). Pure: no database."""
from __future__ import annotations

from app.subsidies.models import AppState

S = AppState
TRANSITIONS: dict[str, tuple[frozenset[AppState], AppState]] = {
    # action: (from states, to state)
    "review_pass": (frozenset({S.SUBMITTED}), S.TOWNSHIP_REVIEWED),
    "review_return": (frozenset({S.SUBMITTED}), S.RETURNED),
    "approve": (frozenset({S.SUBMITTED, S.TOWNSHIP_REVIEWED}), S.APPROVED),
    "reject": (frozenset({S.SUBMITTED, S.TOWNSHIP_REVIEWED}), S.REJECTED),
    "return": (frozenset({S.SUBMITTED, S.TOWNSHIP_REVIEWED}), S.RETURNED),
    "resubmit": (frozenset({S.RETURNED}), S.SUBMITTED),
    "publicise": (frozenset({S.APPROVED}), S.PUBLICISED),
    "pay": (frozenset({S.APPROVED, S.PUBLICISED}), S.PAID),
}
OPEN_STATES = frozenset({S.SUBMITTED, S.TOWNSHIP_REVIEWED, S.RETURNED})
GRANTED_STATES = frozenset({S.APPROVED, S.PUBLICISED, S.PAID})
# States that block a new application of the same programme for the same person / business.
BLOCKING_STATES = OPEN_STATES | GRANTED_STATES


def decision_states(township_review: bool) -> frozenset[AppState]:
    """States from which the decider may decide: after 乡镇初审 when the programme requires it."""
    return frozenset({S.TOWNSHIP_REVIEWED}) if township_review else frozenset({S.SUBMITTED, S.TOWNSHIP_REVIEWED})


def allowed(action: str, state: AppState) -> bool:
    return state in TRANSITIONS[action][0]
