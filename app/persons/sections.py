"""Sections of the person page. Each domain registers what it adds (the case file, businesses,
subsidy applications …) from its `init_app`; the page shows every visible section in order, then
the history.

    from app.persons import sections
    sections.register(sections.Section("case", "一人一档", "cases/_person_section.html", order=60,
                                       context=lambda user, person: {"case": case_of(person)}))

A section's template receives `person`, `user`, `labels` and whatever its `context` returns.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    template: str
    order: int = 100
    visible: Callable[[Any, Any], bool] | None = None
    context: Callable[[Any, Any], dict] | None = None


_SECTIONS: dict[str, Section] = {}


def register(section: Section) -> Section:
    _SECTIONS[section.key] = section
    return section


def sections_for(user: Any, person: Any) -> list[tuple[Section, dict]]:
    out = []
    for section in sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key)):
        if section.visible is not None and not section.visible(user, person):
            continue
        out.append((section, section.context(user, person) if section.context else {}))
    return out


def merged_from(person: Any) -> list:
    from sqlalchemy import select

    from app.extensions import db
    from app.persons.models import Person

    return list(db.session.scalars(select(Person).where(Person.merged_into_id == person.id).order_by(Person.id)))

