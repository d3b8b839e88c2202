"""Who may change the region tree: the city admin (moves, 宜昌高新区 management units).
Everyone with a region role reads the regions of their own subtree (`scope.region_in_scope`)."""
from __future__ import annotations

from typing import Any

from app.core.access.scope import is_city_admin


def can_manage_regions(user: Any) -> bool:
    return is_city_admin(user)
