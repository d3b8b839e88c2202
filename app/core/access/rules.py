"""Route access rules: every route declares who may call it, and the guard enforces it.

    @bp.route("/persons/<int:person_id>")
    @rule(REGION_ROLES, sample="person")
    def detail(person_id): ...

`rule()` only records the declaration on the view function; `guard.enforce()` (a before_request
hook) reads it and refuses what it does not allow, so a route without a rule is refused at run
time and flagged by the route-map test. `sample` names the kind of test object whose URL
arguments the route needs (tests/access_samples.py), so that the route-map test can call it.

The rule covers the role check (403). Whether the object in the URL is within the user's scope is
decided when it is loaded (`scope.load_or_404` and the domain predicates: 404), and whether the
user may act on that object by `can_<verb>_<noun>` predicates (403).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from app.core.access.roles import Role


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role] | None = None  # None: any signed-in user
    public: bool = False  # reachable without signing in (login page, health check)
    sample: str | None = None  # test-object kind for URL arguments
    during_password_change: bool = False  # reachable while a password change is forced
    api_only: bool = False
    notes: str = ""
    # Extra expectations for the route-map test, e.g. {"demo_mentor": 404}.
    expect: dict[str, int] = field(default_factory=dict)

    def allows_role(self, roles: Iterable[Role]) -> bool:
        return self.roles is None or bool(self.roles.intersection(roles))


ATTR = "__access_rule__"

# Rules for endpoints whose view functions we do not write (extensions' routes).
EXTERNAL_RULES: dict[str, Rule] = {}


def rule(roles: Iterable[Role] | None = None, *, sample: str | None = None, public: bool = False,
         during_password_change: bool = False, expect: dict[str, int] | None = None,
         notes: str = "") -> Callable[[Any], Any]:
    """Declare the access rule of a view function or MethodView method."""
    declared = Rule(
        roles=None if roles is None else frozenset(roles),
        public=public,
        sample=sample,
        during_password_change=during_password_change,
        expect=expect or {},
        notes=notes,
    )

    def decorate(view: Any) -> Any:
        setattr(view, ATTR, declared)
        return view

    return decorate


def public(view: Any) -> Any:
    """Reachable without signing in."""
    return rule(public=True, during_password_change=True)(view)


def signed_in(sample: str | None = None, **kwargs: Any) -> Callable[[Any], Any]:
    """Any signed-in user, whatever their role."""
    return rule(None, sample=sample, **kwargs)


def register_external(endpoint: str, declared: Rule) -> None:
    EXTERNAL_RULES[endpoint] = declared


def is_static_endpoint(endpoint: str) -> bool:
    return endpoint == "static" or endpoint.endswith(".static")


def rule_for(app: Any, endpoint: str, method: str) -> Rule | None:
    """The rule that governs `method` on `endpoint`, or None when none is declared."""
    if endpoint in EXTERNAL_RULES:
        return EXTERNAL_RULES[endpoint]
    view = app.view_functions.get(endpoint)
    if view is None:
        return None
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        handler = getattr(view_class, method.lower(), None)
        if handler is None and method == "HEAD":
            handler = getattr(view_class, "get", None)
        declared = getattr(handler, ATTR, None) if handler is not None else None
        return declared or getattr(view_class, ATTR, None)
    return getattr(view, ATTR, None)
