"""Derived column values of a person: the write path shared by the operations (one record) and
by bulk writers (the import and generator of issue 4, the demo loader), so that every writer
stores the same ciphertexts, hashes, masks, sort keys, search keys and 三有 flag.

Bulk writers: build rows with `id_columns`, `phone_columns`, `name_columns`, `is_sanyou`, insert
them with SQLAlchemy Core (`insert(Person.__table__)`, executemany — never ORM `add_all`), then
insert `name_key_rows` for the new ids and refresh nothing else: there are no counters to keep.
"""
from __future__ import annotations

from typing import Any

from app.core import crypto
from app.core.masking import mask_id_number, mask_phone
from app.core.validators import IdNumberInfo
from app.persons.models import ID_PURPOSE, PHONE_PURPOSE, Gender
from app.persons.names import search_keys, sort_key


def id_hash(number: str, ring: crypto.KeyRing | None = None) -> bytes:
    """Lookup hash of a normalised 18-character ID number."""
    return (ring or crypto.ring()).lookup_hash(number, ID_PURPOSE)


def phone_hash(phone: str, ring: crypto.KeyRing | None = None) -> bytes:
    """Lookup hash of a normalised phone number (`validators.normalize_phone`)."""
    return (ring or crypto.ring()).lookup_hash(phone, PHONE_PURPOSE)


def id_columns(info: IdNumberInfo, ring: crypto.KeyRing | None = None,
               number_hash: bytes | None = None) -> dict[str, Any]:
    """`number_hash`: `id_hash(info.number)` when the caller has it already (the import)."""
    ring = ring or crypto.ring()
    return {
        "id_number_cipher": ring.encrypt(info.number, ID_PURPOSE),
        "id_number_hash": number_hash or id_hash(info.number, ring),
        "id_number_masked": mask_id_number(info.number),
        "gender": Gender(info.gender),
        "birth_date": info.birth_date,
    }


def phone_columns(phone: str | None, ring: crypto.KeyRing | None = None) -> dict[str, Any]:
    if not phone:
        return {"phone_cipher": None, "phone_hash": None, "phone_masked": None}
    ring = ring or crypto.ring()
    return {
        "phone_cipher": ring.encrypt(phone, PHONE_PURPOSE),
        "phone_hash": phone_hash(phone, ring),
        "phone_masked": mask_phone(phone),
    }


def name_columns(name: str) -> dict[str, str]:
    return {"name": name, "name_sort": sort_key(name)}


def is_sanyou(willing: bool | None, capable: bool | None, creditworthy: bool | None) -> bool:
    """三有人员: 有愿望, 有能力 and 有信誉 all assessed as yes."""
    return willing is True and capable is True and creditworthy is True


def name_key_rows(person_id: int, name: str) -> list[dict[str, Any]]:
    return [{"key": key, "person_id": person_id} for key in sorted(search_keys(name))]


def decrypt_id_number(person: Any, ring: crypto.KeyRing | None = None) -> str:
    return (ring or crypto.ring()).decrypt(person.id_number_cipher, ID_PURPOSE)


def decrypt_phone(person: Any, ring: crypto.KeyRing | None = None) -> str | None:
    if person.phone_cipher is None:
        return None
    return (ring or crypto.ring()).decrypt(person.phone_cipher, PHONE_PURPOSE)
