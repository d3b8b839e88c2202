"""Region scope: which records a user's region roles reach.

Region roles (village, township, county, city) see the subtree of their home region; a user
without a region sees nothing. Specialists and mentors see the cases assigned to them; the
predicates for that live beside each domain's rules in this package, built on these helpers.
Views never write their own region filters: they call `region_scope()` / `load_or_404()`.
"""
from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, false, true

from app.core import audit
from app.core.access.roles import REGION_ROLES
from app.core.errors import NotFound
from app.extensions import db
from app.regions.models import Region, RegionLevel, subtree_ids

T = TypeVar("T")


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


def region_scope(user: Any, model: Any) -> ColumnElement[bool]:
    """SQL condition limiting a region-owned model (RegionOwnedMixin) to the user's subtree."""
    home = scope_region(user)
    if home is None:
        return false()
    if home.level == RegionLevel.CITY:
        return true()
    column = {
        RegionLevel.COUNTY: model.county_id,
        RegionLevel.TOWNSHIP: model.township_id,
        RegionLevel.VILLAGE: model.village_id,
    }[home.level]
    return column == home.id


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
    stmt = db.select(Region).where(Region.path >= home.path, Region.path < home.path_upper)
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
    obj = db.session.get(model, obj_id)
    if obj is None:
        raise NotFound()
    if not visible(user, obj):
        raise deny(audit.object_type_of(obj), obj_id, user)
    return obj
