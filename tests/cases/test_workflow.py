"""The stage transition table: every transition allowed and refused (no database)."""
from __future__ import annotations

import pytest

from app.cases import workflow
from app.cases.models import CaseStage as S

ALLOWED = {
    ("pending_assignment", "intention"), ("pending_assignment", "training"),
    ("pending_assignment", "incubation"), ("pending_assignment", "closed"),
    ("intention", "training"), ("intention", "incubation"), ("intention", "founded"),
    ("intention", "failed"), ("intention", "closed"),
    ("training", "intention"), ("training", "incubation"), ("training", "founded"),
    ("training", "failed"), ("training", "closed"),
    ("incubation", "training"), ("incubation", "founded"), ("incubation", "failed"), ("incubation", "closed"),
    ("founded", "failed"), ("founded", "closed"),
    ("failed", "restart"), ("failed", "closed"),
    ("restart", "intention"), ("restart", "training"), ("restart", "incubation"), ("restart", "founded"),
    ("restart", "failed"), ("restart", "closed"),
}
PAIRS = [(a, b) for a in S for b in S]


@pytest.mark.parametrize(("from_stage", "to_stage"), PAIRS, ids=[f"{a.value}->{b.value}" for a, b in PAIRS])
def test_transition_table(from_stage, to_stage):
    assert workflow.allowed(from_stage, to_stage) == ((from_stage.value, to_stage.value) in ALLOWED)


def test_closed_is_final():
    assert workflow.next_stages(S.CLOSED) == []
