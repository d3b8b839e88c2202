"""Roles (DOMAIN.md §1) and their Chinese labels."""
from __future__ import annotations

from enum import Enum


class Role(str, Enum):
    VILLAGE_STAFF = "village_staff"
    TOWNSHIP_STAFF = "township_staff"
    COUNTY_OFFICER = "county_officer"
    CITY_ADMIN = "city_admin"
    SPECIALIST = "specialist"
    MENTOR = "mentor"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.VILLAGE_STAFF: "村级服务点",
    Role.TOWNSHIP_STAFF: "乡镇服务站",
    Role.COUNTY_OFFICER: "县级服务中心",
    Role.CITY_ADMIN: "市人社局（市级）",
    Role.SPECIALIST: "服务专员",
    Role.MENTOR: "创业导师",
}

# Roles whose scope is the subtree of the user's home region.
REGION_ROLES = frozenset({Role.VILLAGE_STAFF, Role.TOWNSHIP_STAFF, Role.COUNTY_OFFICER, Role.CITY_ADMIN})
# Roles whose scope is the cases assigned to them.
ASSIGNMENT_ROLES = frozenset({Role.SPECIALIST, Role.MENTOR})
ALL_ROLES = frozenset(Role)

# Region level each region role is placed at (a user's home region must be at this level).
ROLE_REGION_LEVEL = {
    Role.VILLAGE_STAFF: "village",
    Role.TOWNSHIP_STAFF: "township",
    Role.COUNTY_OFFICER: "county",
    Role.CITY_ADMIN: "city",
}
# Township staff "and above": the roles that act for a whole township or more.
TOWNSHIP_AND_ABOVE = frozenset({Role.TOWNSHIP_STAFF, Role.COUNTY_OFFICER, Role.CITY_ADMIN})
COUNTY_AND_ABOVE = frozenset({Role.COUNTY_OFFICER, Role.CITY_ADMIN})
