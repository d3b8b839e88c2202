"""The questions asked before a case action that cannot be undone, naming the person (the dialog
on the page and the server's confirmation page use the same text; see app/core/confirm.py)."""
from __future__ import annotations

from app.cases.models import Case, CaseRequest


def close_question(case: Case) -> str:
    return f"确定为{case.person.name}结案？结案后不能再变更阶段。"


def decline_question(request: CaseRequest) -> str:
    return f"确定不予为{request.person.name}建档？"
