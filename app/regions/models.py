"""Administrative regions: 宜昌市 → county-level units → townships → villages.

Each row carries a materialised path of ids built from its parent links (`/1/5/120/`), so
"everything under X" is one indexed range scan (`path >= '/1/5/' AND path < '/1/50'`), and the
ids of its county- and township-level ancestors, so region-owned records can be filtered by a
plain equality. Moving a unit rewrites both for its whole subtree (`operations.move_region`).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, ForeignKey, Index, Integer, String, and_, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import TimestampMixin, ascii_key, str_enum
from app.core.enums import LabeledEnum
from app.extensions import db


class RegionLevel(LabeledEnum):
    CITY = "city", "市"
    COUNTY = "county", "县（市、区）"
    TOWNSHIP = "township", "乡镇（街道）"
    VILLAGE = "village", "村（社区）"

    @property
    def depth(self) -> int:
        return LEVEL_ORDER.index(self)


LEVEL_ORDER = [RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE]


class Region(TimestampMixin, db.Model):
    __tablename__ = "regions"
    __table_args__ = (
        Index("ix_regions_parent_id_name", "parent_id", "name"),
        Index("ix_regions_level_path", "level", "path"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    level: Mapped[RegionLevel] = mapped_column(str_enum(RegionLevel, 16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    path: Mapped[str] = mapped_column(ascii_key(64), unique=True)
    county_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    township_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    # 宜昌高新区 and the units the city creates under it are management zones, not NBS divisions.
    is_management_zone: Mapped[bool] = mapped_column(default=False)

    parent: Mapped[Region | None] = relationship(remote_side="Region.id", foreign_keys=[parent_id])
    county: Mapped[Region | None] = relationship(remote_side="Region.id", foreign_keys=[county_id])
    township: Mapped[Region | None] = relationship(remote_side="Region.id", foreign_keys=[township_id])

    def __repr__(self) -> str:
        return f"<Region {self.code} {self.name}>"

    def contains(self, other: Region | None) -> bool:
        """True when `other` is this region or lies under it."""
        return other is not None and other.path.startswith(self.path)

    @property
    def full_name(self) -> str:
        """`夷陵区 分乡镇 大中坝村` (ancestors below the city, then self)."""
        names = []
        if self.county is not None and self.level not in (RegionLevel.COUNTY, RegionLevel.CITY):
            names.append(self.county.name)
        if self.township is not None and self.level == RegionLevel.VILLAGE:
            names.append(self.township.name)
        names.append(self.name)
        return " ".join(names)


def path_upper(path: str) -> str:
    """Exclusive upper bound of a subtree range: '/1/5/' -> '/1/50' ('0' follows '/' in ASCII)."""
    return path[:-1] + "0"


def in_subtree(path_column: Any, prefix: str) -> ColumnElement[bool]:
    """SQL: the rows whose materialised path lies under `prefix` (the prefix's own row included;
    one index range scan, compared byte-wise). The only spelling of a subtree condition."""
    return and_(path_column >= prefix, path_column < path_upper(prefix))


def subtree_ids(region: Region):
    """SELECT of the ids of `region` and everything under it (one index range scan)."""
    return select(Region.id).where(in_subtree(Region.path, region.path))


class RegionOwnedMixin:
    """A record that belongs to a village (a person's household village, a business's place of
    registration). The township and county ids are copies kept in step by `set_village()` and by
    `regions.operations.move_region`, so scope filters and per-county counts are plain equalities
    on indexed columns."""

    village_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    township_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    county_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)

    def set_village(self, village: Region) -> None:
        if village.level != RegionLevel.VILLAGE:
            raise ValueError("a record must belong to a village-level region")
        self.village_id = village.id
        self.township_id = village.township_id
        self.county_id = village.county_id
