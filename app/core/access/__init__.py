"""The one place that decides who may see and do what.

- `roles`: role codes and labels.
- `rules`: per-route declarations (`@rule(...)`) and the registry the route-map test walks.
- `guard`: the before_request hook that enforces them (deny by default, CSRF, forced password change).
- `scope`: region-subtree query helpers and `load_or_404`.
- one module per domain with its `can_<verb>_<noun>(user, obj)` predicates and visibility queries.
"""
from app.core.access.roles import (  # noqa: F401
    ALL_ROLES,
    ASSIGNMENT_ROLES,
    COUNTY_AND_ABOVE,
    REGION_ROLES,
    TOWNSHIP_AND_ABOVE,
    Role,
)
from app.core.access.rules import public, rule, signed_in  # noqa: F401
