"""Display forms of sensitive personal data (DOMAIN.md §9)."""
from __future__ import annotations


def mask_id_number(value: str | None) -> str:
    """`420502199001011234` -> `420502********1234`."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    """Mobile `13812345678` -> `138****5678`; landline `0717-6543210` -> `0717-***3210`."""
    if not value:
        return ""
    if "-" in value:
        area, _, number = value.partition("-")
        keep = number[-4:]
        return f"{area}-{'*' * max(len(number) - 4, 0)}{keep}"
    if len(value) == 11:
        return value[:3] + "****" + value[-4:]
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * (len(value) - 4) + value[-4:]
