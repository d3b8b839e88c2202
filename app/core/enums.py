"""Enums that carry their Chinese labels (indico's `RichEnum` titles).

A member is declared with its stored value and its label::

    class Gender(LabeledEnum):
        MALE = "male", "男"
        FEMALE = "female", "女"

`Gender.MALE.value == "male"` is what the database stores (`app.core.db.str_enum` writes values,
so columns and migrations do not change); `Gender.MALE.label == "男"` is what every page, form,
export and audit line shows. The label lives with the member, so a domain needs no `labels.py`
that imports its models back.
"""
from __future__ import annotations

from enum import Enum


class LabeledEnum(str, Enum):
    label: str

    def __new__(cls, value: str, label: str) -> LabeledEnum:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def choices(cls, blank: str | None = None) -> dict[str, str]:
        """`{value: label}` in declaration order (WTForms `SelectField` choices, filters), after
        `{"": blank}` when a blank choice is offered."""
        pairs = {m.value: m.label for m in cls}
        return {"": blank, **pairs} if blank is not None else pairs

    @classmethod
    def describe(cls) -> str:
        """The accepted values for a message about an invalid one: 在外务工（working_outside）、….

        Only invalid input reaches it (pages offer selects); API clients send the values, so the
        message names both."""
        return "、".join(f"{m.label}（{m.value}）" for m in cls)

    @classmethod
    def label_of(cls, value: str | None, default: str = "") -> str:
        """The label of a stored value; `default` for None, the value itself if unknown."""
        if value is None:
            return default
        try:
            return cls(value).label
        except ValueError:
            return str(value)
