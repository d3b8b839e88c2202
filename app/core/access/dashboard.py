"""Who sees what on the targets dashboard (issue 7 §2).

- The dashboard is for the county centres and the city office: `DASHBOARD_ROLES`.
- Totals: every dashboard viewer sees every county's row of the target table (and the city
  total). This is the one exception to region scope in the system: a county officer compares
  their county with the others, as totals only — `can_see_totals`.
- Drill-down and record lists: only inside the viewer's region scope (`can_drill`); another
  county's sub-regions and records answer 404 like any out-of-scope record.
- Yearly targets and the 入乡 setting: city admins only (`can_set_targets`).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement

from app.core.access.roles import COUNTY_AND_ABOVE
from app.core.access.scope import has_region_role, is_city_admin, region_in_scope, region_scope
from app.regions.models import Region, RegionLevel

DASHBOARD_ROLES = COUNTY_AND_ABOVE


def _is_viewer(user: Any) -> bool:
    return has_region_role(user, DASHBOARD_ROLES)


def can_see_totals(user: Any, county: Region | None) -> bool:
    """Totals of any county-level unit (the exception to region scope: totals only)."""
    return _is_viewer(user) and county is not None and county.level == RegionLevel.COUNTY


def can_drill(user: Any, region: Region | None) -> bool:
    """Sub-regions and records of `region`: only inside the viewer's own scope."""
    return _is_viewer(user) and region_in_scope(user, region)


def record_scope(user: Any, model: Any) -> ColumnElement[bool]:
    """SQL condition on the records behind a figure (a RegionOwnedMixin model)."""
    return region_scope(user, model)


def can_set_targets(user: Any) -> bool:
    return is_city_admin(user)
