"""Targets dashboard (issue 7): counter tables and the yearly targets the city sets.

Counter tables (`info={"maintained_by": "triggers"}`) are written only by database triggers
(`app.dashboard.counters`); nothing in Python inserts into them.
"""
from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import TimestampMixin, VersionMixin, str_enum
from app.core.enums import LabeledEnum
from app.dashboard.counters import CounterSpec, register
from app.extensions import db

TRIGGER_MAINTAINED = {"info": {"maintained_by": "triggers"}}


class VillagePersonCount(db.Model):
    """Per village: people in the library (not archived) and how many of them are 三有人员."""

    __tablename__ = "village_person_counts"
    __table_args__ = TRIGGER_MAINTAINED

    village_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    people: Mapped[int] = mapped_column(Integer, default=0)
    sanyou: Mapped[int] = mapped_column(Integer, default=0)


PERSON_COUNTS = register(CounterSpec(
    name="persons_village_counts",
    source="persons",
    counter="village_person_counts",
    keys=[("village_id", "{r}.village_id")],
    values=[("people", "1"), ("sanyou", "CASE WHEN {r}.is_sanyou THEN 1 ELSE 0 END")],
    where="{r}.archived_at IS NULL",
    watched=("village_id", "archived_at", "is_sanyou"),
), VillagePersonCount.__table__)


class TargetCode(LabeledEnum):
    """Yearly targets the city enters whose actual the system does not record yet ("—")."""

    PROVINCIAL_PARKS = "provincial_parks", "省级返乡创业园（新增）"
    MUNICIPAL_PARKS = "municipal_parks", "市级返乡创业园（新增）"
    RECOGNISED_PROJECTS = "recognised_projects", "认定创业项目"
    TRAINEES = "trainees", "创业培训人数"
    LEADER_TRAINEES = "leader_trainees", "农村创业带头人培训人数"
    TYPICAL_CASES = "typical_cases", "推荐典型案例（每县）"


class TargetYear(TimestampMixin, VersionMixin, db.Model):
    """The city's settings for one year: the guaranteed-loan target and whether businesses of
    入乡 founders count toward the 2% target."""

    __tablename__ = "target_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    count_incomers: Mapped[bool] = mapped_column(Boolean, default=False)
    loan_target: Mapped[int | None] = mapped_column(BigInteger)  # 元


class YearlyTarget(TimestampMixin, db.Model):
    """One other yearly target: city-wide (county_id NULL) or for one county (typical cases)."""

    __tablename__ = "yearly_targets"
    __table_args__ = (Index("ix_yearly_targets_year_code", "year", "code", "county_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    code: Mapped[TargetCode] = mapped_column(str_enum(TargetCode, 32))
    county_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    value: Mapped[int] = mapped_column(Integer)


class VillageCaseCount(db.Model):
    """Per village and stage: open cases (closed_on IS NULL) and those without both "1"s."""

    __tablename__ = "village_case_counts"
    __table_args__ = TRIGGER_MAINTAINED

    village_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    stage: Mapped[str] = mapped_column(String(24), primary_key=True)
    open_cases: Mapped[int] = mapped_column(Integer, default=0)
    unassigned: Mapped[int] = mapped_column(Integer, default=0)


CASE_COUNTS = register(CounterSpec(
    name="cases_village_counts",
    source="cases",
    counter="village_case_counts",
    keys=[("village_id", "{r}.village_id"), ("stage", "{r}.stage")],
    values=[("open_cases", "1"),
            ("unassigned", "CASE WHEN {r}.specialist_id IS NULL OR {r}.mentor_id IS NULL THEN 1 ELSE 0 END")],
    where="{r}.closed_on IS NULL",
    watched=("village_id", "stage", "closed_on", "specialist_id", "mentor_id"),
), VillageCaseCount.__table__)


YEAR_OF = {"sqlite": "CAST(strftime('%Y', {r}.registered_on) AS INTEGER)",
           "postgresql": "CAST(EXTRACT(YEAR FROM {r}.registered_on) AS INTEGER)"}
MONTH_OF = {"sqlite": "CAST(strftime('%m', {r}.registered_on) AS INTEGER)",
            "postgresql": "CAST(EXTRACT(MONTH FROM {r}.registered_on) AS INTEGER)"}
INCOMER_FOUNDER = "CASE WHEN {founder_status} = 'incomer' THEN 1 ELSE 0 END"


class VillageBusinessCount(db.Model):
    """Per registered village, registration year, kind and founder (入乡 or not): businesses."""

    __tablename__ = "village_business_counts"
    __table_args__ = TRIGGER_MAINTAINED

    village_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    incomer: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    businesses: Mapped[int] = mapped_column(Integer, default=0)


BUSINESS_COUNTS = register(CounterSpec(
    name="businesses_village_counts",
    source="businesses",
    counter="village_business_counts",
    keys=[("village_id", "{r}.village_id"), ("year", YEAR_OF), ("kind", "{r}.kind"), ("incomer", INCOMER_FOUNDER)],
    values=[("businesses", "1")],
    watched=("village_id", "registered_on", "kind", "founder_id"),
    founder_dependent=True,
), VillageBusinessCount.__table__)


class BusinessMonthCount(db.Model):
    """City-wide businesses per registration month and founder (入乡 or not): the month chart."""

    __tablename__ = "business_month_counts"
    __table_args__ = TRIGGER_MAINTAINED

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    month: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    incomer: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    businesses: Mapped[int] = mapped_column(Integer, default=0)


BUSINESS_MONTHS = register(CounterSpec(
    name="businesses_month_counts",
    source="businesses",
    counter="business_month_counts",
    keys=[("year", YEAR_OF), ("month", MONTH_OF), ("incomer", INCOMER_FOUNDER)],
    values=[("businesses", "1")],
    watched=("registered_on", "founder_id"),
    founder_dependent=True,
), BusinessMonthCount.__table__)
