"""The questions asked before a person-library action that cannot be undone (or takes a record out
of the lists), naming the people (the page's dialog and the server's confirmation page use the
same text; see app/core/confirm.py)."""
from __future__ import annotations

from app.persons.models import Person


def archive_question(person: Person) -> str:
    return f"确定归档{person.name}（#{person.id}）？归档后不再出现在默认列表中（可恢复）。"


def merge_question(survivor: Person, other: Person) -> str:
    return (f"确定将 #{other.id} {other.name} 并入 #{survivor.id} {survivor.name}？"
            f"并入的记录将归档，合并不能撤销。")
