"""Business entities (经营主体, DOMAIN.md §5; issue 6 §1).

A business belongs to the village where it is registered (RegionOwnedMixin): that village decides
its county for scope, subsidies and targets. The founder's home-village staff still see it through
the founder (`app.core.access.businesses`).

Plain indexed columns serve the dashboard's counts: new businesses per registered county /
township / village and year (`registered_on`), by kind (which kinds are 企业类 is the data in
`business_kinds`) and by founder status.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import TimestampMixin, VersionMixin, str_enum
from app.core.enums import LabeledEnum
from app.extensions import db
from app.persons.models import Person
from app.regions.models import Region, RegionOwnedMixin


class BusinessKind(LabeledEnum):
    INDIVIDUAL = "individual", "个体工商户"
    LLC = "llc", "有限责任公司"
    SOLE_PROPRIETORSHIP = "sole_proprietorship", "个人独资企业"
    PARTNERSHIP = "partnership", "合伙企业"
    COOPERATIVE = "cooperative", "农民专业合作社"
    FAMILY_FARM = "family_farm", "家庭农场"
    FAMILY_FOREST = "family_forest", "家庭林场"
    OTHER = "other", "其他"


class BusinessStatus(LabeledEnum):
    OPERATING = "operating", "经营中"
    CLOSED = "closed", "已注销"


class BusinessKindSetting(db.Model):
    """Which kinds count as 企业类主体 (data, editable; DOMAIN.md §5)."""

    __tablename__ = "business_kinds"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    is_enterprise: Mapped[bool] = mapped_column(Boolean, default=False)


# Defaults: companies, sole proprietorships and partnerships are enterprises; 个体工商户,
# cooperatives and family farms/forests are not.
DEFAULT_ENTERPRISE_KINDS = {BusinessKind.LLC, BusinessKind.SOLE_PROPRIETORSHIP, BusinessKind.PARTNERSHIP}


class Business(RegionOwnedMixin, TimestampMixin, VersionMixin, db.Model):
    __tablename__ = "businesses"
    __table_args__ = (
        Index("ix_businesses_county_registered", "county_id", "registered_on", "id"),
        Index("ix_businesses_township_registered", "township_id", "registered_on", "id"),
        Index("ix_businesses_village_registered", "village_id", "registered_on", "id"),
        Index("ix_businesses_status_registered", "status", "registered_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    township_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    county_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))

    founder_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[BusinessKind] = mapped_column(str_enum(BusinessKind, 32))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    registered_on: Mapped[date] = mapped_column(Date)
    # The founder's first business registration (初次办理注册登记); None = not yet known.
    is_first_registration: Mapped[bool | None] = mapped_column(Boolean)
    industry: Mapped[str | None] = mapped_column(String(32))
    # 带动就业, founder included; None = unknown (a "missing data" criterion, not a failure).
    jobs: Mapped[int | None] = mapped_column(Integer)
    park: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[BusinessStatus] = mapped_column(str_enum(BusinessStatus, 16), default=BusinessStatus.OPERATING)
    closed_on: Mapped[date | None] = mapped_column(Date)

    founder: Mapped[Person] = relationship(lazy="joined")
    village: Mapped[Region] = relationship(foreign_keys=[village_id], lazy="joined")

    def __repr__(self) -> str:
        return f"<Business {self.id} {self.name}>"

    def operating_on(self, day: date) -> bool:
        return not (self.status == BusinessStatus.CLOSED and (self.closed_on is None or self.closed_on <= day))
