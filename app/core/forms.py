"""Helpers between WTForms and operations' FieldErrors."""
from __future__ import annotations

from flask_wtf import FlaskForm

from app.core.errors import FieldErrors


def apply_field_errors(form: FlaskForm, error: FieldErrors, aliases: dict[str, str] | None = None) -> None:
    """Show an operation's field errors beside the form's fields (unknown names go on top)."""
    aliases = aliases or {}
    for name, messages in error.fields.items():
        field = getattr(form, aliases.get(name, name), None)
        if field is not None and hasattr(field, "errors"):
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
