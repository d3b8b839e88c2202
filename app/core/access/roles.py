"""Roles (DOMAIN.md §1) with their Chinese labels."""
from __future__ import annotations

from app.core.enums import LabeledEnum


class Role(LabeledEnum):
    VILLAGE_STAFF = "village_staff", "村级服务点"
    TOWNSHIP_STAFF = "township_staff", "乡镇服务站"
    COUNTY_OFFICER = "county_officer", "县级服务中心"
    CITY_ADMIN = "city_admin", "市人社局（市级）"
    SPECIALIST = "specialist", "服务专员"
    MENTOR = "mentor", "创业导师"

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
