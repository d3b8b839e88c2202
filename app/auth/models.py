"""Users, roles, mentor profiles, server-side sessions and personal API tokens."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.access.roles import Role
from app.core.db import TimestampMixin, UTCDateTime, VersionMixin, str_enum, utcnow
from app.core.enums import LabeledEnum
from app.extensions import db
from app.regions.models import Region


class MentorLevel(LabeledEnum):
    CITY = "city", "市级"
    COUNTY = "county", "县级"


class MentorCategory(LabeledEnum):
    TIANXIUCAI = "tianxiucai", "田秀才"
    TUZHUANJIA = "tuzhuanjia", "土专家"
    XIANGCHUANGKE = "xiangchuangke", "乡创客"
    ENTREPRENEUR = "entrepreneur", "企业家"
    EXPERT = "expert", "专家"


class User(UserMixin, TimestampMixin, VersionMixin, db.Model):
    __tablename__ = "users"
    __audit_excluded__ = {"password_hash", "failed_logins", "locked_until", "last_login_at"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(64))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    must_change_password: Mapped[bool] = mapped_column(default=True)
    is_active_account: Mapped[bool] = mapped_column("is_active", default=True)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    region: Mapped[Region | None] = relationship(lazy="joined")
    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    mentor_profile: Mapped[MentorProfile | None] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    def __repr__(self) -> str:
        return f"<User {self.username}>"

    # Flask-Login: inactive accounts cannot be authenticated at all.
    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return bool(self.is_active_account)

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(r.role for r in self.role_rows)

    @property
    def role_labels(self) -> str:
        return "、".join(r.label for r in sorted(self.roles, key=lambda r: list(Role).index(r)))


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    role: Mapped[Role] = mapped_column(str_enum(Role, 32), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows")


class MentorProfile(TimestampMixin, db.Model):
    __tablename__ = "mentor_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    level: Mapped[MentorLevel] = mapped_column(str_enum(MentorLevel, 16))
    category: Mapped[MentorCategory] = mapped_column(str_enum(MentorCategory, 32))
    capacity: Mapped[int] = mapped_column(default=10)
    bio: Mapped[str | None] = mapped_column(String(500))

    user: Mapped[User] = relationship(back_populates="mentor_profile")
    expertise_rows: Mapped[list[MentorExpertise]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def expertise(self) -> list[str]:
        return sorted(e.industry_code for e in self.expertise_rows)


class MentorExpertise(db.Model):
    """Industry codes (shared `industry` code list) a mentor can advise on."""

    __tablename__ = "mentor_expertise"

    user_id: Mapped[int] = mapped_column(ForeignKey("mentor_profiles.user_id"), primary_key=True)
    industry_code: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)


class UserSession(db.Model):
    """A browser login. The cookie holds a random id; only its SHA-256 is stored here."""

    __tablename__ = "user_sessions"
    __table_args__ = (Index("ix_user_sessions_user_id_ended_at", "user_id", "ended_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User] = relationship()


class ApiToken(db.Model):
    """Personal bearer token for the JSON API. Only the SHA-256 of the secret is stored."""

    __tablename__ = "api_tokens"
    __table_args__ = (UniqueConstraint("token_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64))
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
