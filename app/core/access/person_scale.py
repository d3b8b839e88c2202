"""Who may import, export and enter baselines in the person library (issue 4).

- Import: township staff and above, into villages of their own subtree. A row whose ID number
  belongs to a person outside that subtree is refused. A batch is visible to its uploader and to
  users whose scope contains the uploader's home region; only the uploader commits it.
- Export: every region role exports its own filtered list, masked. County officers and city
  admins may export unmasked after giving a reason (audited, watermarked).
- Baselines: everyone with a region role sees the counties of their scope; a county officer
  enters the figure of their own county; the city admin and county officers recompute the
  library snapshot (the city admin for every county).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, false, or_, true

from app.core.access.roles import COUNTY_AND_ABOVE, TOWNSHIP_AND_ABOVE, Role
from app.core.access.scope import (
    has_region_role,
    has_role,
    record_in_region,
    region_column_scope,
    region_in_scope,
    scope_region,
)
from app.regions.models import Region, RegionLevel


def import_home(user: Any) -> Region | None:
    """The subtree an import may write into (the importer's scope region)."""
    return scope_region(user)


def region_row_in_scope(home: Region | None, row: Any) -> bool:
    """Is a region-owned row (a person, or a village row with `id`, `township_id`, `county_id`)
    inside `home`'s subtree? For bulk checks without loading Region objects."""
    if home is not None and home.level == RegionLevel.VILLAGE and getattr(row, "village_id", None) is None:
        return row.id == home.id  # a village row: its own id
    return record_in_region(row, home)


def can_import_persons(user: Any) -> bool:
    return has_region_role(user, TOWNSHIP_AND_ABOVE)


def can_view_import(user: Any, batch: Any) -> bool:
    if batch.user_id == getattr(user, "id", None):
        return True
    return has_role(user, TOWNSHIP_AND_ABOVE) and region_in_scope(user, batch.region)


def load_import(user: Any, batch_id: int) -> Any:
    from app.core.access.scope import load_or_404
    from app.persons.models import PersonImport

    return load_or_404(PersonImport, batch_id, user, can_view_import)


def can_commit_import(user: Any, batch: Any) -> bool:
    return batch.user_id == getattr(user, "id", None) and can_import_persons(user)


def imports_condition(user: Any) -> ColumnElement[bool]:
    """SQL condition: the import batches `user` may see."""
    from app.persons.models import PersonImport

    own = PersonImport.user_id == getattr(user, "id", None)
    if not has_region_role(user, TOWNSHIP_AND_ABOVE):
        return own
    return or_(own, region_column_scope(user, PersonImport.region_id))


def can_export_persons(user: Any) -> bool:
    return has_region_role(user)


def can_export_unmasked(user: Any) -> bool:
    return has_region_role(user, COUNTY_AND_ABOVE)


def can_enter_baseline(user: Any, county: Region) -> bool:
    """A county officer for their own county (DOMAIN.md §1: the county's baseline figures)."""
    home = scope_region(user)
    return (has_role(user, Role.COUNTY_OFFICER) and home is not None and county.level == RegionLevel.COUNTY
            and home.contains(county))


def can_compute_baselines(user: Any) -> bool:
    return has_region_role(user, COUNTY_AND_ABOVE)


def baseline_counties_condition(user: Any, column: Any) -> ColumnElement[bool]:
    home = scope_region(user)
    if home is None:
        return false()
    if home.level == RegionLevel.CITY:
        return true()
    if home.level == RegionLevel.COUNTY:
        return column == home.id
    return column == home.county_id
