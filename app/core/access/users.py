"""Who may manage which user accounts: the explicit grant matrix (issue 2 §3).

- city admins create and manage any user, anywhere;
- county officers create and manage township staff, village staff, specialists and county-level
  mentors whose home region lies inside their county;
- nobody else manages users. Nobody deactivates themselves.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, false

from app.core.access.roles import ALL_ROLES, Role
from app.core.access.scope import has_region_role, is_city_admin, region_column_scope, region_in_scope
from app.regions.models import Region

GRANTS: dict[Role, frozenset[Role]] = {
    Role.CITY_ADMIN: ALL_ROLES,
    Role.COUNTY_OFFICER: frozenset({Role.TOWNSHIP_STAFF, Role.VILLAGE_STAFF, Role.SPECIALIST, Role.MENTOR}),
}
# Mentor levels each granting role may create.
MENTOR_LEVEL_GRANTS: dict[Role, frozenset[str]] = {
    Role.CITY_ADMIN: frozenset({"city", "county"}),
    Role.COUNTY_OFFICER: frozenset({"county"}),
}
MANAGER_ROLES = frozenset(GRANTS)


def grantable_roles(actor: Any) -> frozenset[Role]:
    roles: set[Role] = set()
    for role in actor.roles & MANAGER_ROLES:
        roles |= GRANTS[role]
    return frozenset(roles)


def grantable_mentor_levels(actor: Any) -> frozenset[str]:
    levels: set[str] = set()
    for role in actor.roles & MANAGER_ROLES:
        levels |= MENTOR_LEVEL_GRANTS[role]
    return frozenset(levels)


def can_manage_users(actor: Any) -> bool:
    return has_region_role(actor, MANAGER_ROLES)


def can_grant(actor: Any, roles: set[Role] | frozenset[Role], region: Region | None,
              mentor_level: str | None) -> bool:
    """May `actor` give an account these roles, this home region and mentor level?"""
    if not roles or region is None or not can_manage_users(actor):
        return False
    if not set(roles) <= grantable_roles(actor):
        return False
    if Role.MENTOR in roles and mentor_level not in grantable_mentor_levels(actor):
        return False
    return region_in_scope(actor, region)


def can_view_user(actor: Any, target: Any) -> bool:
    if actor.id == target.id:
        return True
    if not can_manage_users(actor):
        return False
    if target.region is None:
        return is_city_admin(actor)
    return region_in_scope(actor, target.region)


def can_manage_user(actor: Any, target: Any) -> bool:
    """Edit, reset the password of, deactivate or reactivate `target` (never oneself)."""
    if actor.id == target.id or not can_view_user(actor, target):
        return False
    if is_city_admin(actor):
        return True
    level = target.mentor_profile.level.value if target.mentor_profile else None
    return bool(target.roles) and can_grant(actor, target.roles, target.region, level)


def visible_users_condition(actor: Any, user_model: Any) -> ColumnElement[bool]:
    """Users an account manager may list: those whose home region lies in their subtree."""
    if not can_manage_users(actor):
        return false()
    return region_column_scope(actor, user_model.region_id)
