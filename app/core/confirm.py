"""Explicit confirmation of an action that costs money or cannot be undone.

A view guarding such an action asks first:

    if not confirm.confirmed():
        return confirm.ask("确定批准谭嘉禾一次性创业补贴 5,000 元？", action="确定批准", back=url)

Without `confirm=1` in the POST nothing is done: the answer is a page naming the action, with
the posted fields sent again plus `confirm=1` (works without JavaScript). With JavaScript the
form's or button's `data-confirm` question is asked in a dialog and `confirm=1` is added
(js/app.js), so the page is skipped."""
from __future__ import annotations

from flask import render_template, request

FIELD = "confirm"


def confirmed() -> bool:
    """Did this POST carry the explicit confirmation?"""
    return request.form.get(FIELD) == "1"


def ask(question: str, *, action: str, back: str, detail: str | None = None, danger: bool = False):
    """The confirmation page for the current POST (status 200: nothing was done)."""
    fields = [(name, value) for name, values in request.form.lists() if name != FIELD for value in values]
    return render_template("confirm.html", question=question, action=action, back=back, detail=detail,
                           danger=danger, fields=fields, post_url=request.full_path.rstrip("?")), 200
