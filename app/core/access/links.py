"""May this viewer open the page a link points at? (issue 12 §7: no link to a page that answers
403 or 404.)

A page that links to another domain's record (the case timeline to an application, the case page
to the person) asks `can_open(user, endpoint, obj)` and renders the link only when it is true.
The answer combines the two checks the target page itself makes: the route's declared roles
(`@rule`, as the guard enforces them) and the domain predicate its loader applies. An endpoint
without a predicate here is never linked (deny by default), so a new link target must be added
to `OPENERS`.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app

from app.core.access import cases, persons, subsidies
from app.core.access.rules import rule_for

Predicate = Callable[[Any, Any], bool]

# Endpoint -> the predicate its view loads the object with.
OPENERS: dict[str, Predicate] = {
    "cases.detail": cases.can_view_case,
    "cases.print_view": cases.can_view_case,
    "persons.detail": persons.can_view_person,
    "businesses.detail": subsidies.can_view_business,
    "subsidies.application_detail": subsidies.can_view_application,
}


def can_open(user: Any, endpoint: str, obj: Any) -> bool:
    """True when `user` may GET `endpoint` for `obj` (route roles and the object predicate)."""
    predicate = OPENERS.get(endpoint)
    if predicate is None or obj is None or user is None or not getattr(user, "is_authenticated", False):
        return False
    declared = rule_for(current_app, endpoint, "GET")
    if declared is None or not (declared.public or declared.allows_role(user.roles)):
        return False
    return bool(predicate(user, obj))
