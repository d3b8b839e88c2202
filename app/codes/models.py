"""Shared, city-editable code lists (industries, work regions, …).

One table for all lists: persons, cases, mentors and businesses refer to items by their stable
`code`; labels can be edited and items retired (`is_active`) without breaking old records.
"""
from __future__ import annotations

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import TimestampMixin, VersionMixin, str_enum
from app.core.enums import LabeledEnum
from app.extensions import db


class CodeList(LabeledEnum):
    INDUSTRY = "industry", "行业"
    WORK_REGION = "work_region", "务工地区"


class CodeItem(TimestampMixin, VersionMixin, db.Model):
    __tablename__ = "code_items"
    __table_args__ = (UniqueConstraint("list_name", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_name: Mapped[CodeList] = mapped_column(str_enum(CodeList, 32))
    code: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(String(64))
    sort_order: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)
    # Where the item comes from (policy clause), shown to the city admin.
    source: Mapped[str | None] = mapped_column(String(200))
