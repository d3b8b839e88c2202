"""The 三有 person library (DOMAIN.md §3, §9).

`Person` is one resident ID number, city-wide: the number and the phone are stored encrypted
(`*_cipher`), with a keyed hash for uniqueness and exact lookups (`*_hash`) and the masked form
for display (`*_masked`). Name search reads the side table `person_name_keys` (pinyin keys and
Chinese character grams, see `app.persons.names`).

Indexes serve the hot paths of a million-row library (docs/persons.md):
- (county|township|village, name_sort, id), (name_sort, id): lists in pinyin order, keyset paged;
- (county, returned_on, id), (returned_on, id), (county, updated_at, id), (updated_at, id);
- (county, archived_at, status, is_sanyou): per-county counts answered from the index alone;
- id_number_hash (unique), phone_hash, (name, birth_date): exact lookups and near duplicates.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import TimestampMixin, UTCDateTime, VersionMixin, ascii_key, str_enum
from app.core.enums import LabeledEnum
from app.extensions import db
from app.regions.models import Region, RegionOwnedMixin


class Gender(LabeledEnum):
    MALE = "male", "男"
    FEMALE = "female", "女"


class PersonSource(LabeledEnum):
    BIGDATA = "bigdata", "大数据比对"
    SURVEY = "survey", "入户调查"
    SELF = "self", "个人自主填报"


class PersonStatus(LabeledEnum):
    WORKING_OUTSIDE = "working_outside", "在外务工"
    RETURNED = "returned", "已返乡"
    INCOMER = "incomer", "入乡"
    FOUNDED = "founded", "已创业"


class Intention(LabeledEnum):
    NONE = "none", "无"
    CONSIDERING = "considering", "考虑中"
    FIRM = "firm", "明确"


class BusinessForm(LabeledEnum):
    INDIVIDUAL = "individual", "个体"
    ENTERPRISE = "enterprise", "企业"
    COOPERATIVE = "cooperative", "合作社"
    FAMILY_FARM = "family_farm", "家庭农场"


ID_PURPOSE = "person.id_number"
PHONE_PURPOSE = "person.phone"


class Person(RegionOwnedMixin, TimestampMixin, VersionMixin, db.Model):
    __tablename__ = "persons"
    __audit_excluded__ = {"name_sort"}
    __table_args__ = (
        Index("ix_persons_county_name", "county_id", "name_sort", "id"),
        Index("ix_persons_township_name", "township_id", "name_sort", "id"),
        Index("ix_persons_village_name", "village_id", "name_sort", "id"),
        Index("ix_persons_name_sort", "name_sort", "id"),
        Index("ix_persons_county_returned", "county_id", "returned_on", "id"),
        Index("ix_persons_returned", "returned_on", "id"),
        Index("ix_persons_county_updated", "county_id", "updated_at", "id"),
        Index("ix_persons_updated", "updated_at", "id"),
        Index("ix_persons_county_counts", "county_id", "archived_at", "status", "is_sanyou"),
        Index("ix_persons_name_birth", "name", "birth_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The region columns of RegionOwnedMixin without their single-column indexes: the composite
    # list indexes above lead with them and serve the same lookups.
    village_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    township_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    county_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))

    name: Mapped[str] = mapped_column(String(64))
    # Pinyin of the name, syllables separated by spaces (`zeng wei`): the list order, compared
    # byte-wise so that SQLite and PostgreSQL sort alike.
    name_sort: Mapped[str] = mapped_column(ascii_key(64))

    id_number_cipher: Mapped[bytes] = mapped_column(LargeBinary)
    id_number_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    id_number_masked: Mapped[str] = mapped_column(String(18))
    gender: Mapped[Gender] = mapped_column(str_enum(Gender, 8))
    birth_date: Mapped[date] = mapped_column(Date)

    phone_cipher: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_hash: Mapped[bytes | None] = mapped_column(LargeBinary(32), index=True)
    phone_masked: Mapped[str | None] = mapped_column(String(16))

    source: Mapped[PersonSource] = mapped_column(str_enum(PersonSource, 16))
    status: Mapped[PersonStatus] = mapped_column(str_enum(PersonStatus, 16))

    # Work outside the city: region and industry are codes of the shared code lists.
    work_region: Mapped[str | None] = mapped_column(String(32))
    work_city: Mapped[str | None] = mapped_column(String(64))
    work_industry: Mapped[str | None] = mapped_column(String(32))
    occupation: Mapped[str | None] = mapped_column(String(64))
    outside_since: Mapped[date | None] = mapped_column(Date)
    returned_on: Mapped[date | None] = mapped_column(Date)
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)

    intention: Mapped[Intention] = mapped_column(str_enum(Intention, 16), default=Intention.NONE)
    intended_industry: Mapped[str | None] = mapped_column(String(32))
    intended_form: Mapped[BusinessForm | None] = mapped_column(str_enum(BusinessForm, 16))
    capital_need: Mapped[int | None] = mapped_column(Integer)  # 元

    # The 三有 assessment: None = not yet assessed.
    willing: Mapped[bool | None] = mapped_column(Boolean)
    willing_basis: Mapped[str | None] = mapped_column(String(200))
    capable: Mapped[bool | None] = mapped_column(Boolean)
    capable_basis: Mapped[str | None] = mapped_column(String(200))
    creditworthy: Mapped[bool | None] = mapped_column(Boolean)
    creditworthy_basis: Mapped[str | None] = mapped_column(String(200))
    # All three hold; kept in step by the operations (and the import) so lists and counts can
    # filter on an indexed column.
    is_sanyou: Mapped[bool] = mapped_column(Boolean, default=False)

    remarks: Mapped[str | None] = mapped_column(Text)

    # People are archived, never deleted. A merged record points at the record that survived.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    archived_reason: Mapped[str | None] = mapped_column(String(200))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))

    village: Mapped[Region] = relationship(foreign_keys=[village_id], lazy="joined")
    merged_into: Mapped[Person | None] = relationship(remote_side="Person.id", foreign_keys=[merged_into_id])

    def __repr__(self) -> str:
        return f"<Person {self.id} {self.name}>"

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def age(self) -> int:
        from app.core import clock

        today = clock.today()
        born = self.birth_date
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


class PersonNameKey(db.Model):
    """Search keys of a person's name (see `app.persons.names.search_keys`): lower-case pinyin
    of every reading and its initials (`zengwei`, `cengwei`, `zw`, `cw`), and the Chinese
    two-character grams (`曾伟`, `伟`). One index range scan finds exact and prefix matches."""

    __tablename__ = "person_name_keys"
    __table_args__ = (
        Index("ix_person_name_keys_person_id", "person_id"),
        {"sqlite_with_rowid": False},
    )

    key: Mapped[str] = mapped_column(ascii_key(64), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), primary_key=True)


# ---------------------------------------------------------------------------------------------
# Issue 4: import batches and year-end baselines (docs/person-scale.md)


class ImportStatus(LabeledEnum):
    PREVIEWED = "previewed", "待确认"  # checked, waiting for the importer to commit
    COMMITTED = "committed", "已导入"
    FAILED = "failed", "导入失败"


class PersonImport(TimestampMixin, db.Model):
    """One uploaded file: who, when, file name and SHA-256, counts, and the error report (every
    refused row: row number, column, Chinese reason, masked ID). The people a committed batch
    wrote are listed in `person_import_items`; the audit log holds one row per batch."""

    __tablename__ = "person_imports"
    __table_args__ = (Index("ix_person_imports_region_id", "region_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str] = mapped_column(String(64))
    # The importer's home region: the batch is visible to users whose scope contains it.
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    file_name: Mapped[str] = mapped_column(String(200))
    file_hash: Mapped[str] = mapped_column(String(64))
    file_format: Mapped[str] = mapped_column(String(16))  # xlsx | csv:utf-8 | csv:gb18030 …
    status: Mapped[ImportStatus] = mapped_column(str_enum(ImportStatus, 16))
    columns: Mapped[list[str]] = mapped_column(JSON, default=list)
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_new: Mapped[int] = mapped_column(Integer, default=0)
    rows_updated: Mapped[int] = mapped_column(Integer, default=0)
    rows_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rows_refused: Mapped[int] = mapped_column(Integer, default=0)
    # [[row, column label, reason, masked id], …] — never a full ID or phone.
    errors: Mapped[list[list]] = mapped_column(JSON, default=list)
    committed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    region: Mapped[Region] = relationship(foreign_keys=[region_id], lazy="joined")


class PersonImportItem(db.Model):
    """A person written by a committed import batch (`change` new | updated)."""

    __tablename__ = "person_import_items"
    __table_args__ = (
        Index("ix_person_import_items_person_id", "person_id"),
        {"sqlite_with_rowid": False},
    )

    batch_id: Mapped[int] = mapped_column(ForeignKey("person_imports.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), primary_key=True)
    change: Mapped[str] = mapped_column(String(8))


class PersonBaseline(TimestampMixin, VersionMixin, db.Model):
    """市外务工人数 at 31 December of `year - 1` for one county, as entered by the county officer
    (value, where it comes from, as of which date). Drives the `year` target when present."""

    __tablename__ = "person_baselines"
    __table_args__ = (Index("uq_person_baselines_year_county", "year", "county_id", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    year: Mapped[int] = mapped_column(Integer)  # the target year Y (baseline date: Y-1-12-31)
    value: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(200))
    source_date: Mapped[date] = mapped_column(Date)
    entered_by: Mapped[str | None] = mapped_column(String(64))


class PersonBaselineSnapshot(db.Model):
    """The same figure computed from the library (`outside_since` ≤ 31 Dec Y-1 < `returned_on`
    or not returned, active records), stored with the moment it was computed."""

    __tablename__ = "person_baseline_snapshots"
    __table_args__ = (Index("uq_person_baseline_snapshots_year_county", "year", "county_id", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[int] = mapped_column(Integer)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)
