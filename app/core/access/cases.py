"""Who may see and do what on case files (issue 5 §7, DOMAIN.md §1, §4).

Visibility
- Region roles see the cases whose person's village lies in their subtree.
- The assigned specialist and mentor see their assigned cases only; a mentor or specialist
  reassigned away answers 404 on the next request (the check reads the case row each time).

Actions (each also requires the case to be visible)
- open a case: township staff and above in scope; request one: any region role in scope;
  decide a request: township staff and above in scope;
- assign / reassign the two "1"s, change the stage: township staff and above in scope (the
  assigned specialist may also change the stage);
- visit logs: village and township staff in scope and the assigned specialist;
  mentor notes: the assigned mentor only;
- service items: region roles in scope and the assigned specialist;
- the person's full phone: the assigned specialist and mentor (audited); never the ID number.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, false, or_

from app.core.access.roles import TOWNSHIP_AND_ABOVE, Role
from app.core.access.scope import has_region_role, has_role, is_city_admin, load_or_404, record_in_scope, region_scope

VISIT_ROLES = frozenset({Role.VILLAGE_STAFF, Role.TOWNSHIP_STAFF})


def is_assigned_specialist(user: Any, case: Any) -> bool:
    return has_role(user, Role.SPECIALIST) and case.specialist_id is not None and case.specialist_id == user.id


def is_assigned_mentor(user: Any, case: Any) -> bool:
    return has_role(user, Role.MENTOR) and case.mentor_id is not None and case.mentor_id == user.id


def is_assignee(user: Any, case: Any) -> bool:
    return is_assigned_specialist(user, case) or is_assigned_mentor(user, case)


def visible_cases_condition(user: Any) -> ColumnElement[bool]:
    """SQL condition: the cases `user` may see."""
    from app.cases.models import Case

    if user is None or not getattr(user, "is_authenticated", False):
        return false()
    conditions = [region_scope(user, Case)]
    if has_role(user, Role.SPECIALIST):
        conditions.append(Case.specialist_id == user.id)
    if has_role(user, Role.MENTOR):
        conditions.append(Case.mentor_id == user.id)
    return or_(*conditions)


def can_view_case(user: Any, case: Any) -> bool:
    return record_in_scope(user, case) or is_assignee(user, case)


def load_case(user: Any, case_id: int) -> Any:
    """The case `user` may see (404, audited, otherwise): pages and API alike."""
    from app.cases.models import Case

    return load_or_404(Case, case_id, user, can_view_case)


def sees_region_fields(user: Any, case: Any) -> bool:
    """Region roles in scope see the person as the person library shows it (masked ID);
    assignees who are not also region staff in scope see the work fields only (no ID)."""
    return record_in_scope(user, case)


def can_view_requests(user: Any) -> bool:
    return has_region_role(user)


def can_request_case(user: Any, person: Any) -> bool:
    return record_in_scope(user, person)


def can_open_case(user: Any, person: Any) -> bool:
    return record_in_scope(user, person, TOWNSHIP_AND_ABOVE)


def can_decide_request(user: Any, request: Any) -> bool:
    return record_in_scope(user, request, TOWNSHIP_AND_ABOVE)


def can_assign(user: Any, case: Any) -> bool:
    return record_in_scope(user, case, TOWNSHIP_AND_ABOVE)


def can_change_stage(user: Any, case: Any) -> bool:
    return record_in_scope(user, case, TOWNSHIP_AND_ABOVE) or is_assigned_specialist(user, case)


def can_log_visit(user: Any, case: Any) -> bool:
    return record_in_scope(user, case, VISIT_ROLES) or is_assigned_specialist(user, case)


def can_add_note(user: Any, case: Any) -> bool:
    return is_assigned_mentor(user, case)


def can_write_log(user: Any, case: Any, kind: str) -> bool:
    return can_add_note(user, case) if kind == "mentor_note" else can_log_visit(user, case)


def can_manage_services(user: Any, case: Any) -> bool:
    return record_in_scope(user, case) or is_assigned_specialist(user, case)


def can_view_full_phone(user: Any, case: Any) -> bool:
    return is_assignee(user, case)


def can_manage_catalogue(user: Any) -> bool:
    return is_city_admin(user)
