"""The access primitives every `can_*` predicate is built from (the one home of each):

- roles: `roles_of(user)`, `has_role(user, roles)`, `has_region_role(user, roles)`,
  `is_city_admin(user)`;
- region scope: `scope_region(user)` (the home region whose subtree the region roles reach),
  `region_in_scope(user, region)`, `record_in_scope(user, record, roles)` for a loaded
  region-owned record, and the SQL conditions `region_scope(user, Model)` /
  `region_condition(Model, region)` (`RegionOwnedMixin`: `county_id`, `township_id`,
  `village_id` — the level → column mapping lives only in `owner_column`);
- loading: `load_or_404(Model, id, user, predicate)` and `deny()`.

Region roles (village, township, county, city) see the subtree of their home region; a user
without a region sees nothing. Specialists and mentors see the cases assigned to them; the
predicates for that live beside each domain's rules in this package, built on these helpers.
Views never write their own region filters: they call `region_scope()` / `load_or_404()`.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, false, true

from app.core import audit, records
from app.core.access.roles import REGION_ROLES, Role
from app.core.errors import NotFound
from app.extensions import db
from app.regions.models import Region, RegionLevel, in_subtree, subtree_ids

T = TypeVar("T")


def roles_of(user: Any) -> frozenset[Role]:
    """The roles of a signed-in user (none for anonymous visitors)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    return frozenset(user.roles)


def has_role(user: Any, roles: Role | Iterable[Role]) -> bool:
    """Does the user hold `roles` (one role, or any of a set)?"""
    held = roles_of(user)
    return roles in held if isinstance(roles, Role) else bool(held & frozenset(roles))


def has_region_role(user: Any, roles: Iterable[Role] = REGION_ROLES) -> bool:
    """Holds one of the region roles `roles` and has the home region they are scoped by."""
    return has_role(user, roles) and scope_region(user) is not None


def is_city_admin(user: Any) -> bool:
    """A city admin placed at the city (the whole city in scope)."""
    return has_role(user, Role.CITY_ADMIN) and is_city_wide(user)


def scope_region(user: Any) -> Region | None:
    """The region whose subtree the user's region roles cover, or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if not user.roles & REGION_ROLES:
        return None
    return user.region


def is_city_wide(user: Any) -> bool:
    region = scope_region(user)
    return region is not None and region.level == RegionLevel.CITY


def region_in_scope(user: Any, region: Region | None) -> bool:
    """Is `region` inside the subtree the user's region roles cover?"""
    home = scope_region(user)
    return home is not None and region is not None and home.contains(region)


_LEVEL_COLUMNS = {RegionLevel.COUNTY: "county_id", RegionLevel.TOWNSHIP: "township_id",
                  RegionLevel.VILLAGE: "village_id"}


def owner_column(owner: Any, level: RegionLevel) -> Any:
    """The `level` ancestor of a region-owned row: a column on a model (for SQL), a value on a
    loaded record (`RegionOwnedMixin`: county_id / township_id / village_id)."""
    return getattr(owner, _LEVEL_COLUMNS[level])


def region_condition(model: Any, region: Region) -> ColumnElement[bool]:
    """SQL condition: rows of a region-owned model inside `region`'s subtree."""
    if region.level == RegionLevel.CITY:
        return true()
    return owner_column(model, region.level) == region.id


def record_in_region(record: Any, region: Region | None) -> bool:
    """Is a loaded region-owned record inside `region`'s subtree?"""
    if region is None:
        return False
    return region.level == RegionLevel.CITY or owner_column(record, region.level) == region.id


def record_in_scope(user: Any, record: Any, roles: Iterable[Role] = REGION_ROLES) -> bool:
    """Does the user hold one of the region roles `roles` with `record` in their subtree?"""
    return has_role(user, roles) and record_in_region(record, scope_region(user))


def region_scope(user: Any, model: Any) -> ColumnElement[bool]:
    """SQL condition limiting a region-owned model (RegionOwnedMixin) to the user's subtree."""
    home = scope_region(user)
    return false() if home is None else region_condition(model, home)


def region_column_scope(user: Any, column: Any) -> ColumnElement[bool]:
    """SQL condition for any column holding a region id (users' home regions, …)."""
    home = scope_region(user)
    if home is None:
        return false()
    if home.level == RegionLevel.CITY:
        return true()
    return column.in_(subtree_ids(home))


def regions_in_scope(user: Any, level: RegionLevel | None = None) -> list[Region]:
    """Regions of the user's subtree (optionally of one level), ordered by code."""
    home = scope_region(user)
    if home is None:
        return []
    stmt = db.select(Region).where(in_subtree(Region.path, home.path))
    if level is not None:
        stmt = stmt.where(Region.level == level)
    return list(db.session.scalars(stmt.order_by(Region.code)))


def deny(obj_type: str, obj_id: Any, user: Any = None, detail: str | None = None) -> NotFound:
    """Audit an out-of-scope access and return the 404 to raise."""
    audit.record_failure("access_denied", actor=user, object_type=obj_type, object_id=obj_id,
                         result=audit.RESULT_DENIED, detail=detail or "不在管辖范围内")
    return NotFound()


def load_or_404(model: type[T], obj_id: Any, user: Any, visible: Any) -> T:
    """Load `model` by primary key and check it with the predicate `visible(user, obj)`.

    Missing and out-of-scope records answer the same 404, so nothing about other regions leaks.
    """
    obj = records.get(model, obj_id)
    if obj is None:
        raise NotFound()
    if not visible(user, obj):
        raise deny(audit.object_type_of(obj), obj_id, user)
    return obj
