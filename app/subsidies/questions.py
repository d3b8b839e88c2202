"""The questions asked before an action on subsidies that costs money or cannot be undone, naming
the person, the programme and the amount (the dialog on the page and the server's confirmation
page use the same text; see app/core/confirm.py)."""
from __future__ import annotations

from datetime import date
from typing import Any

from app.core.templating import date_cn, money
from app.subsidies.models import Application, Programme


def _amount(value: Any) -> str:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return ""
    return f" {money(number)}"


def approve_question(application: Application) -> str:
    """确定批准谭嘉禾一次性创业补贴 5,000 元？"""
    return f"确定批准{application.person.name}{application.programme.name}{_amount(application.amount)}？"


def reject_question(application: Application) -> str:
    return f"确定驳回{application.person.name}的{application.programme.name}申请？驳回后不能撤销。"


def pay_question(application: Application, amount: Any = None) -> str:
    """确定登记拨付谭嘉禾一次性创业补贴 5,000 元？ (the amount typed, else the approved one)"""
    shown = _amount(amount) or _amount(application.amount)
    return f"确定登记拨付{application.person.name}{application.programme.name}{shown}？"


def version_question(programme: Programme, effective_from: date | None = None) -> str:
    when = f"（{date_cn(effective_from)}起生效）" if effective_from else ""
    return f"确定保存{programme.name}的新参数版本{when}？"
