"""Loading the NBS divisions, the 宜昌高新区 management zone, and moving units between parents."""
from __future__ import annotations

import csv
import re
from pathlib import Path

from sqlalchemy import String, bindparam, func, insert, literal, select, update

from app.core import audit
from app.core.access.regions import can_manage_regions
from app.core.errors import Conflict, FieldErrors, Forbidden
from app.extensions import db
from app.regions.models import Region, RegionLevel, RegionOwnedMixin, in_subtree

DATA_DIR = Path(__file__).with_name("data")
CITY_CODE = "4205"
CITY_NAME = "宜昌市"
ZONE_CODE = "420590"  # project-assigned: not an NBS code (NBS leaves 420590 unused)
ZONE_NAME = "宜昌高新区"
_CODE = re.compile(r"[0-9]{1,12}")


def _read(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def load_regions() -> dict[str, int]:
    """Insert the city, the 13 county-level units, 113 townships, 1,650 villages and 宜昌高新区.

    Idempotent: existing codes are left where they are (a unit the city moved stays moved; a
    renamed unit keeps its name). Returns how many rows of each level were added.
    """
    existing = {code: (rid, path) for code, rid, path in db.session.execute(
        select(Region.code, Region.id, Region.path))}
    added = {level.value: 0 for level in RegionLevel}

    def ensure(code: str, name: str, level: RegionLevel, parent_code: str | None, zone: bool = False) -> None:
        if code in existing:
            return
        parent_id, parent_path = existing[parent_code] if parent_code else (None, "/")
        parent = db.session.get(Region, parent_id) if parent_id else None
        region = Region(code=code, name=name, level=level, parent_id=parent_id, path="pending",
                        is_management_zone=zone)
        db.session.add(region)
        db.session.flush()
        region.path = f"{parent_path}{region.id}/"
        region.county_id = region.id if level == RegionLevel.COUNTY else (parent.county_id if parent else None)
        region.township_id = region.id if level == RegionLevel.TOWNSHIP else (
            parent.township_id if parent else None)
        existing[code] = (region.id, region.path)
        added[level.value] += 1

    ensure(CITY_CODE, CITY_NAME, RegionLevel.CITY, None)
    for row in _read("counties.csv"):
        ensure(row["code"], row["name"], RegionLevel.COUNTY, CITY_CODE)
    ensure(ZONE_CODE, ZONE_NAME, RegionLevel.COUNTY, CITY_CODE, zone=True)
    db.session.flush()
    _bulk_children(_read("townships.csv"), "county_code", RegionLevel.TOWNSHIP, existing, added)
    _bulk_children(_read("villages.csv"), "township_code", RegionLevel.VILLAGE, existing, added)
    return added


def _bulk_children(rows, parent_key: str, level: RegionLevel, existing, added) -> None:
    """Insert many children at once: ids first, then paths (two statements, not one per row)."""
    new = [r for r in rows if r["code"] not in existing]
    if not new:
        return
    parents = {r.code: r for r in db.session.scalars(
        select(Region).where(Region.code.in_({r[parent_key] for r in new})))}
    db.session.execute(insert(Region), [
        {"code": r["code"], "name": r["name"], "level": level, "parent_id": parents[r[parent_key]].id,
         "path": f"pending:{r['code']}", "is_management_zone": False,
         "county_id": parents[r[parent_key]].county_id,
         "township_id": None}
        for r in new
    ])
    inserted = db.session.execute(
        select(Region.id, Region.code, Region.parent_id).where(Region.code.in_([r["code"] for r in new])))
    by_id = {p.id: p for p in parents.values()}
    updates = []
    for rid, code, parent_id in inserted:
        parent = by_id[parent_id]
        path = f"{parent.path}{rid}/"
        township_id = rid if level == RegionLevel.TOWNSHIP else parent.township_id
        updates.append({"b_id": rid, "b_path": path, "b_township": township_id})
        existing[code] = (rid, path)
    db.session.execute(
        update(Region.__table__).where(Region.__table__.c.id == bindparam("b_id"))
        .values(path=bindparam("b_path"), township_id=bindparam("b_township")),
        updates,
    )
    added[level.value] += len(updates)
    db.session.flush()


def by_code(code: str) -> Region | None:
    """The region of an NBS code; None for anything that is not one (digits only, at most 12), so
    hostile text — a NUL byte, which PostgreSQL refuses in a string — never reaches the database."""
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        return None
    return db.session.scalar(select(Region).where(Region.code == code))


def children(region: Region) -> list[Region]:
    return list(db.session.scalars(select(Region).where(Region.parent_id == region.id).order_by(Region.code)))


def subtree_count(region: Region) -> int:
    return db.session.scalar(select(func.count()).select_from(Region).where(
        in_subtree(Region.path, region.path))) or 0


MOVE_TARGET_LEVEL = {RegionLevel.TOWNSHIP: RegionLevel.COUNTY, RegionLevel.VILLAGE: RegionLevel.TOWNSHIP}


def move_region(actor, region: Region, new_parent: Region, reason: str) -> int:
    """Place a township under another county-level unit, or a village under another township.

    Rewrites the materialised path and the county/township ids of the whole subtree, and the
    copied county/township ids of every region-owned record (people, businesses, …) under it, in
    the caller's transaction. Returns the number of regions moved.
    """
    if not can_manage_regions(actor):
        raise Forbidden("只有市级管理员可以调整区划归属。")
    reason = (reason or "").strip()
    if not reason:
        raise FieldErrors.single("reason", "请填写调整原因。")
    wanted = MOVE_TARGET_LEVEL.get(region.level)
    if wanted is None:
        raise FieldErrors.single("region", "只能调整乡镇（街道）或村（社区）的归属。")
    if new_parent.level != wanted:
        raise FieldErrors.single("parent", f"{region.level.label}只能放在{wanted.label}之下。")
    if new_parent.id == region.parent_id:
        raise Conflict("该单位已在所选上级之下。")
    if region.contains(new_parent):
        raise FieldErrors.single("parent", "不能移动到自身或其下级之下。")

    old_parent = region.parent
    old_prefix = region.path
    new_prefix = f"{new_parent.path}{region.id}/"
    table = Region.__table__
    subtree = in_subtree(table.c.path, old_prefix)
    moved = db.session.execute(select(func.count()).select_from(table).where(subtree)).scalar_one()

    new_county = new_parent.county_id
    values = {"path": literal(new_prefix, String) + func.substr(table.c.path, len(old_prefix) + 1),
              "county_id": new_county}
    if region.level == RegionLevel.VILLAGE:
        values["township_id"] = new_parent.township_id
    db.session.execute(update(table).where(subtree).values(**values))
    db.session.execute(update(table).where(table.c.id == region.id).values(parent_id=new_parent.id))
    db.session.expire_all()
    _resync_owned(new_prefix)
    audit.record("region_move", region, actor=actor,
                 changes={"parent": [f"{old_parent.code} {old_parent.name}" if old_parent else None,
                                     f"{new_parent.code} {new_parent.name}"]},
                 detail=reason[:500])
    db.session.flush()
    return moved


def _resync_owned(prefix: str) -> None:
    """Copy the new county/township ids onto every region-owned record under `prefix`."""
    villages = select(Region.id).where(in_subtree(Region.path, prefix),
                                       Region.level == RegionLevel.VILLAGE)
    for mapper in db.Model.registry.mappers:
        cls = mapper.class_
        if not (isinstance(cls, type) and issubclass(cls, RegionOwnedMixin)):
            continue
        table = mapper.local_table
        db.session.execute(
            update(table)
            .where(table.c.village_id.in_(villages))
            .values(
                county_id=select(Region.county_id).where(Region.id == table.c.village_id).scalar_subquery(),
                township_id=select(Region.township_id).where(Region.id == table.c.village_id).scalar_subquery(),
            )
        )


def create_zone_township(actor, name: str, code: str | None = None) -> Region:
    """A township-level management unit under 宜昌高新区, to which villages can then be moved."""
    if not can_manage_regions(actor):
        raise Forbidden("只有市级管理员可以新建管理单元。")
    name = (name or "").strip()
    if not name:
        raise FieldErrors.single("name", "请填写单元名称。")
    if len(name) > 64:
        raise FieldErrors.single("name", "名称不能超过 64 个字符。")
    zone = by_code(ZONE_CODE)
    if zone is None:
        raise Conflict("尚未加载宜昌高新区。")
    taken = set(db.session.scalars(select(Region.code).where(Region.parent_id == zone.id)))
    if code is None:
        n = 1
        while f"{ZONE_CODE}{n:03d}" in taken:
            n += 1
        code = f"{ZONE_CODE}{n:03d}"
    elif code in taken or by_code(code) is not None:
        raise FieldErrors.single("code", "该代码已被使用。")
    if db.session.scalar(select(Region.id).where(Region.parent_id == zone.id, Region.name == name)):
        raise FieldErrors.single("name", "高新区下已有同名单元。")
    unit = Region(code=code, name=name, level=RegionLevel.TOWNSHIP, parent_id=zone.id, path="pending",
                  is_management_zone=True, county_id=zone.id)
    db.session.add(unit)
    db.session.flush()
    unit.path = f"{zone.path}{unit.id}/"
    unit.township_id = unit.id
    audit.record("region_create", unit, actor=actor, changes=audit.diff({}, audit.snapshot(unit)))
    db.session.flush()
    return unit
