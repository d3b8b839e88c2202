"""Helpers between WTForms and operations' FieldErrors."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, request
from flask_wtf import FlaskForm

from app.core.errors import FieldErrors
from app.extensions import db


def apply_field_errors(form: FlaskForm, error: FieldErrors, aliases: dict[str, str] | None = None) -> None:
    """Show an operation's field errors beside the form's fields (unknown names go on top)."""
    aliases = aliases or {}
    for name, messages in error.fields.items():
        field = getattr(form, aliases.get(name, name), None)
        if field is not None and getattr(field, "type", "") == "HiddenField":
            form.form_errors.extend(messages)  # a hidden field (`version`) has no place to show it
        elif field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors or []) + list(messages)
        else:
            form.form_errors.extend(messages)
    if not error.fields:
        form.form_errors.append(error.message)


def int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def submit_form(form: FlaskForm, operation: Callable[[], Any], *, success: str | Callable[[Any], str],
                next_url: Callable[[Any], str], aliases: dict[str, str] | None = None) -> tuple[Any, int]:
    """The POST half of a form page. When `form` validates, run `operation()`: on success commit,
    flash `success` (a text, or a function of the operation's result) and return the redirect to
    `next_url(result)`; on FieldErrors roll back and show them beside the fields.

    Returns `(redirect, 302)` or `(None, status)` for the page to render again with `status`:
    200 for a GET, 422 for a POST that did not go through."""
    if not form.validate_on_submit():
        return None, 422 if request.method == "POST" else 200
    try:
        result = operation()
    except FieldErrors as error:
        db.session.rollback()
        apply_field_errors(form, error, aliases)
        return None, 422
    db.session.commit()
    flash(success(result) if callable(success) else success, "success")
    return redirect(next_url(result)), 302
