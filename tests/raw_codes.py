"""What a user must never read on a page: stored codes, parameter keys, audit action codes and
references to developer documents (issue 12 §4), and the scanner that finds them.

`raw_codes()` lists every value of every enum stored by a `str_enum` column, every programme
parameter key, every audit action code the application records (read from its source), the
programme and criterion codes, and "DOMAIN.md". `visible_text()` keeps only what a browser shows
as text (no tags, attributes, scripts or styles); `find_raw()` answers which codes it contains,
as whole words, case-insensitively (a Python `None` leaking into a page reads as the code "none").
"""
from __future__ import annotations

import html
import re
from pathlib import Path

from sqlalchemy import Enum as SAEnum

APP_ROOT = Path(__file__).resolve().parent.parent / "app"
DOC_REFERENCES = ("DOMAIN.md",)

_RECORD_CALL = re.compile(r"record(?:_failure)?\(\s*(f?)\"([^\"]+)\"")
_RECORD_VARIABLE = re.compile(r"record(?:_failure)?\(\s*([a-z_]+)\s*[,)]")
# Calls whose action is a variable: the values it takes (checked by tests/audit/test_present.py).
VARIABLE_ACTIONS = {
    ("app/persons/exports.py", "action"): {"person_export", "person_export_unmasked"},
    ("app/persons/operations.py", "action"): {"person_create", "person_correct_id"},
}


def _app_sources() -> list[tuple[str, str]]:
    root = APP_ROOT.parent
    return [(str(p.relative_to(root)), p.read_text(encoding="utf-8")) for p in sorted(APP_ROOT.rglob("*.py"))]


def recorded_actions() -> dict[str, str]:
    """Every audit action code written anywhere in app/: code -> the file that writes it."""
    from app.subsidies.models import AppState

    found: dict[str, str] = {}
    for path, text in _app_sources():
        for is_f, action in _RECORD_CALL.findall(text):
            if is_f:
                prefix, _, rest = action.partition("{")
                assert prefix == "application_" and rest.endswith("state.value}"), (
                    f"{path}: add the values of the formatted audit action {action!r} here")
                for state in AppState:
                    found[f"application_{state.value}"] = path
            else:
                found[action] = path
        for name in _RECORD_VARIABLE.findall(text):
            values = VARIABLE_ACTIONS.get((path, name))
            assert values is not None, f"{path}: audit action from the variable {name!r}; list its values"
            found.update(dict.fromkeys(values, path))
    return found


def enum_values() -> dict[str, str]:
    """Values of every enum stored by a column: value -> Enum class name."""
    from app.extensions import db

    out: dict[str, str] = {}
    for mapper in db.Model.registry.mappers:
        for attr in mapper.column_attrs:
            column_type = attr.columns[0].type
            if isinstance(column_type, SAEnum) and column_type.enum_class is not None:
                for member in column_type.enum_class:
                    out.setdefault(member.value, column_type.enum_class.__name__)
    return out


def raw_codes() -> dict[str, str]:
    """code -> what it is (for the failure message)."""
    from app.subsidies.params import PARAMETERS
    from app.subsidies.rules import CRITERIA
    from app.subsidies.seed import PROGRAMMES

    codes = {value: f"enum {name}" for value, name in enum_values().items()}
    codes.update({key: "programme parameter" for key in PARAMETERS})
    codes.update({code: "programme code" for code, *_ in PROGRAMMES})
    codes.update({code: "criterion code" for code in CRITERIA})
    codes.update({action: f"audit action ({path})" for action, path in recorded_actions().items()})
    return {code.lower(): what for code, what in codes.items()}


_INVISIBLE = re.compile(r"<(script|style|template)\b.*?</\1\s*>|<!--.*?-->", re.S | re.I)
_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z_][A-Za-z0-9_]*(?![A-Za-z0-9_])")


def visible_text(page: str) -> str:
    """The text a browser shows: scripts, styles, comments, tags and their attributes removed."""
    text = _TAG.sub(" ", _INVISIBLE.sub(" ", page))
    return html.unescape(text)


def find_raw(text: str, codes: dict[str, str]) -> list[str]:
    """The codes `text` contains as whole words (case-insensitive), and any document reference."""
    words = {w.lower() for w in _WORD.findall(text)}
    hits = sorted(w for w in words if w in codes)
    hits += [ref for ref in DOC_REFERENCES if ref.lower() in text.lower()]
    return hits
