"""Case files (一人一档) and everything on them (DOMAIN.md §4, issue 5).

- `Case`: one file per person; at most one open case per person (partial unique index on
  `person_id` where `closed_on IS NULL`). The stage, both "1"s, the stored next-due dates and the
  region columns live on the `cases` row itself, indexed, so work queues and the dashboard are
  queries, not loops.
- `CaseRequest`: a village clerk's request for a case; the township opens or declines it.
- `CaseAssignment`: history of specialist / mentor assignments (who, when, why, replacing whom)
  and when the assignee first opened the case after it (`seen_at`, the "新分派给我" queue).
- `CaseStageChange`: history of stage transitions (who, when, why).
- `CaseLog`: visit logs and mentor notes. Nothing is deleted or edited: a revision (mentor, 24 h)
  or a correction is a new row pointing at the row it supersedes (`supersedes_id`).
- `ServiceType` (catalogue), `ServiceItem` (the "N"), `ServiceItemChange` (their history).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import TimestampMixin, UTCDateTime, VersionMixin, str_enum, utcnow
from app.core.enums import LabeledEnum
from app.extensions import db
from app.regions.models import Region, RegionOwnedMixin


class CaseStage(LabeledEnum):
    PENDING_ASSIGNMENT = "pending_assignment", "待分配"
    INTENTION = "intention", "意向"
    TRAINING = "training", "培训"
    INCUBATION = "incubation", "孵化"
    FOUNDED = "founded", "已创业（跟踪服务）"
    FAILED = "failed", "创业失败"
    RESTART = "restart", "再创业扶持"
    CLOSED = "closed", "已结案"


class RequestStatus(LabeledEnum):
    PENDING = "pending", "待决定"
    OPENED = "opened", "已建档"
    DECLINED = "declined", "未予建档"


class AssignmentRole(LabeledEnum):
    SPECIALIST = "specialist", "服务专员"
    MENTOR = "mentor", "创业导师"


class LogKind(LabeledEnum):
    VISIT = "visit", "走访记录"
    MENTOR_NOTE = "mentor_note", "辅导记录"


class VisitMethod(LabeledEnum):
    HOME_VISIT = "home_visit", "入户"
    PHONE = "phone", "电话"
    AT_STATION = "at_station", "到站"
    ONLINE = "online", "线上"
    ENTERPRISE_VISIT = "enterprise_visit", "入企调研"


class NoteTopic(LabeledEnum):
    RESOURCES = "resources", "资源对接"
    MARKET = "market", "市场拓展"
    MANAGEMENT = "management", "经营管理"
    FINANCING = "financing", "融资"
    OTHER = "other", "其他"


class ItemStatus(LabeledEnum):
    TODO = "todo", "待办"
    IN_PROGRESS = "in_progress", "办理中"
    DONE = "done", "已办结"
    CANNOT = "cannot", "无法办理"


OPEN_ITEM_STATUSES = (ItemStatus.TODO, ItemStatus.IN_PROGRESS)
# The predicate of the partial "unstaffed" indexes; `queries.without_both_ones` repeats it exactly.
UNSTAFFED = "closed_on IS NULL AND (specialist_id IS NULL OR mentor_id IS NULL)"


class Case(RegionOwnedMixin, TimestampMixin, VersionMixin, db.Model):
    __tablename__ = "cases"
    __table_args__ = (
        # At most one open case per person, whoever races to open it.
        Index("uq_cases_open_person", "person_id", unique=True,
              sqlite_where=text("closed_on IS NULL"), postgresql_where=text("closed_on IS NULL")),
        Index("ix_cases_specialist_due", "specialist_id", "specialist_due_on"),
        Index("ix_cases_mentor_due", "mentor_id", "mentor_due_on"),
        Index("ix_cases_county_due", "county_id", "next_due_on"),
        Index("ix_cases_township_due", "township_id", "next_due_on"),
        Index("ix_cases_village_due", "village_id", "village_due_on"),
        Index("ix_cases_next_due", "next_due_on"),
        Index("ix_cases_county_stage", "county_id", "stage"),
        Index("ix_cases_township_stage", "township_id", "stage"),
        # Open cases still missing one of the two "1"s (the township / county / city queue).
        Index("ix_cases_unstaffed_county", "county_id", "opened_on",
              sqlite_where=text(UNSTAFFED), postgresql_where=text(UNSTAFFED)),
        Index("ix_cases_unstaffed_township", "township_id", "opened_on",
              sqlite_where=text(UNSTAFFED), postgresql_where=text(UNSTAFFED)),
        Index("ix_cases_unstaffed", "opened_on", sqlite_where=text(UNSTAFFED), postgresql_where=text(UNSTAFFED)),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    stage: Mapped[CaseStage] = mapped_column(str_enum(CaseStage, 24), default=CaseStage.PENDING_ASSIGNMENT)
    opened_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # End of the follow-up year once the business is founded.
    follow_up_until: Mapped[date | None] = mapped_column(Date)

    # The two "1"s.
    specialist_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    specialist_assigned_on: Mapped[date | None] = mapped_column(Date)
    mentor_assigned_on: Mapped[date | None] = mapped_column(Date)

    # Each role's own clock: last contact, the next follow-up it planned, and the stored due date
    # (from the last contact, or from assignment if none; see operations.recompute_due).
    specialist_last_contact_on: Mapped[date | None] = mapped_column(Date)
    specialist_planned_on: Mapped[date | None] = mapped_column(Date)
    specialist_due_on: Mapped[date | None] = mapped_column(Date)
    mentor_last_contact_on: Mapped[date | None] = mapped_column(Date)
    mentor_planned_on: Mapped[date | None] = mapped_column(Date)
    mentor_due_on: Mapped[date | None] = mapped_column(Date)
    # The next visit the village / township staff planned (their own clock).
    village_due_on: Mapped[date | None] = mapped_column(Date)
    # Earliest of the two "1"s' due dates: the overdue queues of townships and counties.
    next_due_on: Mapped[date | None] = mapped_column(Date)

    person = relationship("Person", lazy="joined")
    village: Mapped[Region] = relationship(foreign_keys="Case.village_id")
    specialist = relationship("User", foreign_keys=[specialist_id])
    mentor = relationship("User", foreign_keys=[mentor_id])

    def __repr__(self) -> str:
        return f"<Case {self.id} {self.stage.value}>"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class CaseRequest(RegionOwnedMixin, TimestampMixin, VersionMixin, db.Model):
    __tablename__ = "case_requests"
    __table_args__ = (
        Index("uq_case_requests_pending_person", "person_id", unique=True,
              sqlite_where=text("status = 'pending'"), postgresql_where=text("status = 'pending'")),
        Index("ix_case_requests_township_status", "township_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    status: Mapped[RequestStatus] = mapped_column(str_enum(RequestStatus, 16), default=RequestStatus.PENDING)
    reason: Mapped[str] = mapped_column(String(500))
    needs: Mapped[list[str]] = mapped_column(JSON, default=list)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(String(500))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))

    person = relationship("Person", lazy="joined")
    requested_by = relationship("User", foreign_keys=[requested_by_id])


class CaseAssignment(db.Model):
    __tablename__ = "case_assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    role: Mapped[AssignmentRole] = mapped_column(str_enum(AssignmentRole, 16))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    previous_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(String(500))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # When the assignee first opened the case after this assignment (None: still "新分派给我").
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User", foreign_keys=[user_id])
    previous_user = relationship("User", foreign_keys=[previous_user_id])
    actor = relationship("User", foreign_keys=[actor_id])


class CaseStageChange(db.Model):
    __tablename__ = "case_stage_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    from_stage: Mapped[CaseStage | None] = mapped_column(str_enum(CaseStage, 24))
    to_stage: Mapped[CaseStage] = mapped_column(str_enum(CaseStage, 24))
    reason: Mapped[str | None] = mapped_column(String(500))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    actor = relationship("User")


class CaseLog(db.Model):
    """A visit log or a mentor note. Rows are never updated: a revision or correction is a new row
    with `supersedes_id` pointing at the row it replaces (the original stays)."""

    __tablename__ = "case_logs"
    __table_args__ = (Index("ix_case_logs_case_on", "case_id", "contact_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[LogKind] = mapped_column(str_enum(LogKind, 16))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # The capacity the author wrote in (specialist, mentor, village_staff, township_staff …):
    # it decides which clock the contact satisfies.
    author_role: Mapped[str] = mapped_column(String(32))
    contact_on: Mapped[date] = mapped_column(Date)
    method: Mapped[VisitMethod | None] = mapped_column(str_enum(VisitMethod, 24))
    topic: Mapped[NoteTopic | None] = mapped_column(str_enum(NoteTopic, 16))
    content: Mapped[str] = mapped_column(Text)
    advice: Mapped[str | None] = mapped_column(Text)
    next_steps: Mapped[str | None] = mapped_column(Text)
    needs: Mapped[list[str]] = mapped_column(JSON, default=list)
    next_follow_up: Mapped[date | None] = mapped_column(Date)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("case_logs.id"), index=True)
    correction_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author = relationship("User")
    supersedes: Mapped[CaseLog | None] = relationship(remote_side="CaseLog.id")


class ServiceType(TimestampMixin, db.Model):
    """The catalogue of the "N" (DOMAIN.md §4); city admins add types, none is ever deleted."""

    __tablename__ = "service_types"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    label: Mapped[str] = mapped_column(String(32))
    default_unit: Mapped[str | None] = mapped_column(String(64))
    sort_order: Mapped[int] = mapped_column(Integer, default=100)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class ServiceItem(TimestampMixin, VersionMixin, db.Model):
    __tablename__ = "service_items"
    __table_args__ = (
        # `ensure_service_item` is idempotent: at most one open item per (case, source_key).
        Index("uq_service_items_open_source", "case_id", "source_key", unique=True,
              sqlite_where=text("source_key IS NOT NULL AND status IN ('todo', 'in_progress')"),
              postgresql_where=text("source_key IS NOT NULL AND status IN ('todo', 'in_progress')")),
        Index("ix_service_items_status_due", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    service_type: Mapped[str] = mapped_column(ForeignKey("service_types.code"))
    title: Mapped[str] = mapped_column(String(200))
    responsible_unit: Mapped[str | None] = mapped_column(String(64))
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[ItemStatus] = mapped_column(str_enum(ItemStatus, 16), default=ItemStatus.TODO)
    cannot_reason: Mapped[str | None] = mapped_column(String(500))
    outcome: Mapped[str | None] = mapped_column(Text)
    source_key: Mapped[str | None] = mapped_column(String(128))
    log_id: Mapped[int | None] = mapped_column(ForeignKey("case_logs.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    type: Mapped[ServiceType] = relationship(lazy="joined")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ITEM_STATUSES


class ServiceItemChange(db.Model):
    __tablename__ = "service_item_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("service_items.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    from_status: Mapped[ItemStatus | None] = mapped_column(str_enum(ItemStatus, 16))
    to_status: Mapped[ItemStatus] = mapped_column(str_enum(ItemStatus, 16))
    note: Mapped[str | None] = mapped_column(String(500))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    actor = relationship("User")
    item: Mapped[ServiceItem] = relationship()
