"""Demo accounts (issue 2 §8), all with the password `Demo-2026!`."""
from __future__ import annotations

from sqlalchemy import select

from app.auth import operations as ops
from app.auth.models import User
from app.codes.operations import seed_defaults
from app.core.access.roles import Role
from app.demo import DEMO_PASSWORD
from app.extensions import db
from app.regions.operations import load_regions

DEMO_USERS = [
    # username, full name, region code, roles, mentor (level, category, capacity, expertise)
    ("demo_city", "市局演示管理员", "4205", {Role.CITY_ADMIN}, None),
    ("demo_county", "夷陵区演示专干", "420506", {Role.COUNTY_OFFICER}, None),
    ("demo_county2", "秭归县演示专干", "420527", {Role.COUNTY_OFFICER}, None),
    ("demo_township", "分乡镇演示站员", "420506103", {Role.TOWNSHIP_STAFF}, None),
    ("demo_village", "大中坝村演示服务员", "420506103202", {Role.VILLAGE_STAFF}, None),
    ("demo_village2", "高家堰村演示服务员", "420506103203", {Role.VILLAGE_STAFF}, None),
    ("demo_specialist", "分乡镇演示服务专员", "420506103", {Role.SPECIALIST}, None),
    ("demo_mentor", "夷陵区演示创业导师", "420506", {Role.MENTOR},
     ("county", "tuzhuanjia", 12, ["specialty_farming", "rural_tourism", "agri_processing"])),
]


def load_accounts() -> str:
    regions_added = load_regions()
    seed_defaults()
    existing = set(db.session.scalars(select(User.username)))
    created = []
    for username, full_name, region_code, roles, mentor in DEMO_USERS:
        if username in existing:
            continue
        data = ops.UserData(username=username, full_name=full_name, region_code=region_code, roles=set(roles))
        if mentor:
            data.mentor_level, data.mentor_category, data.mentor_capacity, data.mentor_expertise = mentor
        ops.bootstrap_user(data, DEMO_PASSWORD)
        created.append(username)
    db.session.flush()
    loaded = sum(regions_added.values())
    return (f"regions added {loaded}; " if loaded else "") + (
        f"created {', '.join(created)}" if created else "all demo accounts exist")
