"""Who may see and do what in the person library (DOMAIN.md §1, §3, §9).

Visibility
- Region roles see the people whose household village lies in the subtree of their home region.
- `visible_persons_condition(user)` is THE list/search filter; `can_view_person(user, person)`
  the same rule for one loaded record; `load_person(user, id)` the one loader (pages and API).
  Specialists and mentors reach a person only through the case assigned to them (the case
  page's person summary, `app.cases.present`), never through the person library.

Actions (each also requires the record to be visible)
- register (create) a person in a village: any region role whose subtree holds the village
  (village staff: their own village; township staff and above: their subtree);
- edit: the same region roles, while the record is not archived;
- reveal the full ID number (audited): region roles in scope;
- archive / restore: township staff and above;
- merge two records, move a person to another village, correct a wrong ID number: county officers
  and city admins; a county officer moves only within their county (the city admin anywhere).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement

from app.core.access.roles import COUNTY_AND_ABOVE, TOWNSHIP_AND_ABOVE
from app.core.access.scope import has_region_role, load_or_404, record_in_scope, region_in_scope, region_scope
from app.regions.models import Region, RegionLevel


def visible_persons_condition(user: Any) -> ColumnElement[bool]:
    """SQL condition: the people `user` may see (lists, searches, lookups)."""
    from app.persons.models import Person

    return region_scope(user, Person)


def can_view_person(user: Any, person: Any) -> bool:
    return record_in_scope(user, person)


def load_person(user: Any, person_id: int) -> Any:
    """The person `user` may see (404, audited, otherwise): pages and API alike."""
    from app.persons.models import Person

    return load_or_404(Person, person_id, user, can_view_person)


def can_create_person(user: Any, village: Region | None = None) -> bool:
    """May register people at all (village None) or in `village`."""
    if not has_region_role(user):
        return False
    return village is None or (village.level == RegionLevel.VILLAGE and region_in_scope(user, village))


def can_edit_person(user: Any, person: Any) -> bool:
    return record_in_scope(user, person) and not person.is_archived


def can_reveal_id(user: Any, person: Any) -> bool:
    return record_in_scope(user, person)


def can_archive_person(user: Any, person: Any) -> bool:
    return record_in_scope(user, person, TOWNSHIP_AND_ABOVE)


def can_merge_persons(user: Any, survivor: Any, other: Any | None = None) -> bool:
    if not (record_in_scope(user, survivor, COUNTY_AND_ABOVE)):
        return False
    return other is None or record_in_scope(user, other)


def can_move_person(user: Any, person: Any, village: Region | None = None) -> bool:
    if not (record_in_scope(user, person, COUNTY_AND_ABOVE)):
        return False
    return village is None or (village.level == RegionLevel.VILLAGE and region_in_scope(user, village))


def can_correct_id(user: Any, person: Any) -> bool:
    return record_in_scope(user, person, COUNTY_AND_ABOVE)
