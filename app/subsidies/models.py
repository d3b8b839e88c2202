"""Programmes, rule versions, applications, grants, attachments, guaranteed loans and LPR rates
(issue 6 §2, §5–§7).

- `Programme.criteria` is data: the list of criterion codes looked up in `app.subsidies.rules`.
- `RuleVersion.params` holds the amounts and thresholds in force from `effective_from`; a version
  used by an application is never changed (a new version is created instead).
- `Grant` makes "granted at most once per person and once per business" a database fact: unique
  (programme, person) and (programme, business). Approval inserts it in the same transaction as
  the conditional state UPDATE.
- Applications carry the region columns of the business's registered village (or the person's
  household village) and plain `decided_on` / `paid_on` / amount columns for the dashboard.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import TimestampMixin, UTCDateTime, VersionMixin, str_enum, utcnow
from app.core.enums import LabeledEnum
from app.extensions import db
from app.persons.models import Person
from app.regions.models import RegionOwnedMixin


class DeciderLevel(LabeledEnum):
    COUNTY = "county", "县级审批"
    CITY = "city", "市级审批"


class AppState(LabeledEnum):
    SUBMITTED = "submitted", "已提交"
    TOWNSHIP_REVIEWED = "township_reviewed", "乡镇初审"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "已驳回"
    RETURNED = "returned", "退回补正"
    PUBLICISED = "publicised", "公示"
    PAID = "paid", "已拨付"


class BorrowerType(LabeledEnum):
    INDIVIDUAL = "individual", "个人"
    PARTNERSHIP = "partnership", "合伙创业"
    SMALL_MICRO = "small_micro", "小微企业"


class LoanStatus(LabeledEnum):
    APPLIED = "applied", "申请"
    APPROVED = "approved", "审批"
    DISBURSED = "disbursed", "放款"
    REPAYING = "repaying", "还款中"
    REPAID = "repaid", "还清"
    OVERDUE = "overdue", "逾期"


class AttachmentKind(LabeledEnum):
    LICENSE = "license", "营业执照"
    JOBS_PROOF = "jobs_proof", "带动就业证明"
    BANK_ACCOUNT = "bank_account", "收款银行账户"
    OTHER = "other", "其他材料"


class ProgrammeKind(LabeledEnum):
    """What a programme is. Pages and operations choose their behaviour by the stored kind, never
    by a programme's code (codes are data: a renamed or added programme keeps working)."""

    # 一次性创业补贴: offered proactively, checked on the person page
    STARTUP_GRANT = "startup_grant", "一次性创业补贴"
    # 项目扶持 (雁归宜昌, 荆楚归雁): offered on the business page
    PROJECT_GRANT = "project_grant", "创业项目扶持"
    # 创业担保贷款: applied for with the loan, for its amount
    GUARANTEED_LOAN = "guaranteed_loan", "创业担保贷款"
    # 担保贷款贴息: needs a loan; its parameters drive the schedule
    LOAN_INTEREST = "loan_interest", "贷款贴息"

    @property
    def needs_loan(self) -> bool:
        return self in (ProgrammeKind.GUARANTEED_LOAN, ProgrammeKind.LOAN_INTEREST)


# Kinds the business page offers (eligibility and the apply button per business).
BUSINESS_PAGE_KINDS = (ProgrammeKind.STARTUP_GRANT, ProgrammeKind.PROJECT_GRANT)


class Programme(db.Model):
    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    decider_level: Mapped[DeciderLevel] = mapped_column(str_enum(DeciderLevel, 16))
    kind: Mapped[ProgrammeKind] = mapped_column(str_enum(ProgrammeKind, 32), default=ProgrammeKind.PROJECT_GRANT,
                                                server_default=ProgrammeKind.PROJECT_GRANT.value)
    is_one_time: Mapped[bool] = mapped_column(Boolean, default=True)
    needs_business: Mapped[bool] = mapped_column(Boolean, default=True)
    # Criterion codes of app.subsidies.rules, in display order.
    criteria: Mapped[list[str]] = mapped_column(JSON, default=list)
    # 乡镇初审 before the decision (configurable per programme).
    township_review: Mapped[bool] = mapped_column(Boolean, default=False)
    # 公示 after approval: number of working days, None = no publicity step.
    publicity_days: Mapped[int | None] = mapped_column(Integer)
    seed_clause: Mapped[str | None] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"<Programme {self.code}>"


class RuleVersion(db.Model):
    __tablename__ = "rule_versions"
    __table_args__ = (
        UniqueConstraint("programme_id", "version_no"),
        UniqueConstraint("programme_id", "effective_from"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"))
    version_no: Mapped[int] = mapped_column(Integer)
    effective_from: Mapped[date] = mapped_column(Date)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    # param name -> the policy clause it comes from (shown with each criterion).
    sources: Mapped[dict] = mapped_column(JSON, default=dict)
    note: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    programme: Mapped[Programme] = relationship(lazy="joined")

    @property
    def label(self) -> str:
        """第1版（2020年1月1日起）"""
        day = self.effective_from
        return f"第{self.version_no}版（{day.year}年{day.month}月{day.day}日起）"

    @property
    def full_label(self) -> str:
        """一次性创业补贴 第1版（2020年1月1日起）"""
        return f"{self.programme.name} {self.label}"


class Loan(RegionOwnedMixin, TimestampMixin, VersionMixin, db.Model):
    """A guaranteed loan (创业担保贷款). The 1-year LPR published before the contract date is fixed
    for the loan (`lpr_bp`); rates are in basis points of an annual rate (345 = 3.45%)."""

    __tablename__ = "loans"
    __table_args__ = (Index("ix_loans_county_contract", "county_id", "contract_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    business_id: Mapped[int | None] = mapped_column(ForeignKey("businesses.id"), index=True)
    borrower_type: Mapped[BorrowerType] = mapped_column(str_enum(BorrowerType, 16))
    partners: Mapped[int] = mapped_column(Integer, default=1)
    amount: Mapped[int] = mapped_column(Integer)  # 元
    term_months: Mapped[int] = mapped_column(Integer)
    lender: Mapped[str] = mapped_column(String(100))
    contract_on: Mapped[date] = mapped_column(Date)
    rate_bp: Mapped[int] = mapped_column(Integer)
    lpr_bp: Mapped[int] = mapped_column(Integer)
    status: Mapped[LoanStatus] = mapped_column(str_enum(LoanStatus, 16), default=LoanStatus.APPLIED)
    # Period numbers (1-based) in which the borrower was overdue: no subsidy for them.
    overdue_periods: Mapped[list[int]] = mapped_column(JSON, default=list)

    person: Mapped[Person] = relationship(lazy="joined")


class Application(RegionOwnedMixin, TimestampMixin, VersionMixin, db.Model):
    __tablename__ = "applications"
    __table_args__ = (
        Index("ix_applications_person_programme", "person_id", "programme_id"),
        Index("ix_applications_business_programme", "business_id", "programme_id"),
        Index("ix_applications_county_state", "county_id", "state", "id"),
        Index("ix_applications_programme_decided", "programme_id", "decided_on"),
        Index("ix_applications_programme_paid", "programme_id", "paid_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    township_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    county_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))

    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"))
    rule_version_id: Mapped[int] = mapped_column(ForeignKey("rule_versions.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    business_id: Mapped[int | None] = mapped_column(ForeignKey("businesses.id"))
    loan_id: Mapped[int | None] = mapped_column(ForeignKey("loans.id"))
    state: Mapped[AppState] = mapped_column(str_enum(AppState, 24), default=AppState.SUBMITTED)
    amount: Mapped[int | None] = mapped_column(Integer)  # 元 requested / granted
    submitted_on: Mapped[date] = mapped_column(Date)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The eligibility check at submission: the decision record shown to the approver.
    submission_check: Mapped[dict] = mapped_column(JSON)
    # The re-check at decision (rule version of the submission date).
    decision_check: Mapped[dict | None] = mapped_column(JSON)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_on: Mapped[date | None] = mapped_column(Date)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_on: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(500))
    publicity_until: Mapped[date | None] = mapped_column(Date)
    paid_on: Mapped[date | None] = mapped_column(Date)
    paid_amount: Mapped[int | None] = mapped_column(Integer)
    voucher_no: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)

    programme: Mapped[Programme] = relationship(lazy="joined")
    rule_version: Mapped[RuleVersion] = relationship(lazy="joined")
    person: Mapped[Person] = relationship(lazy="joined")
    business = relationship("Business", lazy="joined")
    loan: Mapped[Loan | None] = relationship(lazy="joined")


class Grant(db.Model):
    """One row per approved one-time grant; the unique constraints are the double-grant guard."""

    __tablename__ = "grants"
    __table_args__ = (
        UniqueConstraint("programme_id", "person_id"),
        UniqueConstraint("programme_id", "business_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    business_id: Mapped[int | None] = mapped_column(ForeignKey("businesses.id"))
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    granted_on: Mapped[date] = mapped_column(Date)


class Attachment(db.Model):
    __tablename__ = "application_attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    kind: Mapped[AttachmentKind] = mapped_column(str_enum(AttachmentKind, 16))
    filename: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LprRate(db.Model):
    """The 1-year Loan Prime Rate as published (全国银行间同业拆借中心), in basis points."""

    __tablename__ = "lpr_rates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    published_on: Mapped[date] = mapped_column(Date, unique=True)
    one_year_bp: Mapped[int] = mapped_column(Integer)
