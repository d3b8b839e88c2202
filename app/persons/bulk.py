"""Bulk writes of new people through SQLAlchemy Core (executemany), for the demo loader now and
the import and the generator of issue 4: the same derived columns as `operations.create_person`
(`app.persons.columns`), one INSERT … RETURNING for the people and one executemany for their
name keys. Never ORM `add_all`. The caller writes the audit (one row per batch for an import).

The caller validates first (`operations.clean`, `validators.parse_id_number`) and checks the ID
numbers against the library and within the batch; a duplicate that slips through violates the
unique hash and fails the whole statement (the caller's transaction rolls back).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert

from app.core import clock, crypto
from app.core.validators import IdNumberInfo
from app.extensions import db
from app.persons import columns
from app.persons.models import Intention, Person, PersonNameKey
from app.regions.models import Region


def person_row(info: IdNumberInfo, name: str, village: Region | Any, *, phone: str | None = None,
               ring: crypto.KeyRing | None = None, now: datetime | None = None, number_hash: bytes | None = None,
               **fields: Any) -> dict[str, Any]:
    """Column values of one new person. `village` is a village Region or any row with `id`,
    `township_id`, `county_id` (bulk writers: `select(Region.id, Region.township_id,
    Region.county_id)` once, not ORM objects that expire at each commit). `fields` are cleaned
    attribute values (status, source …). `now` (default `clock.now()`) is `created_at` and
    `updated_at`: bulk writers pass one timestamp per batch. `number_hash`: the ID's lookup hash
    when the caller computed it already."""
    ring = ring or crypto.ring()
    now = now or clock.now()
    row: dict[str, Any] = {
        "village_id": village.id, "township_id": village.township_id, "county_id": village.county_id,
        "skills": [], "intention": Intention.NONE, "intended_form": None, "capital_need": None,
        "work_region": None, "work_city": None, "work_industry": None, "occupation": None,
        "outside_since": None, "returned_on": None, "intended_industry": None,
        "willing": None, "capable": None, "creditworthy": None,
        "willing_basis": None, "capable_basis": None, "creditworthy_basis": None, "remarks": None,
        "archived_at": None, "archived_reason": None, "merged_into_id": None,
        "created_at": now, "updated_at": now, "version": 1,
    }
    if fields:
        row.update(fields)
    row.update(columns.name_columns(name))
    row.update(columns.id_columns(info, ring, number_hash))
    row.update(columns.phone_columns(phone, ring))
    row["is_sanyou"] = columns.is_sanyou(row["willing"], row["capable"], row["creditworthy"])
    return row


def insert_people(rows: list[dict[str, Any]]) -> list[int]:
    """Insert new people; returns their ids in the order of `rows`."""
    if not rows:
        return []
    table = Person.__table__
    # RETURNING the unique hash maps ids back to rows without `sort_by_parameter_order`, which
    # makes SQLite fall back to one statement per row.
    returned = db.session.execute(insert(table).returning(table.c.id, table.c.id_number_hash), rows)
    by_hash = {bytes(row.id_number_hash): row.id for row in returned}
    ids = [by_hash[row["id_number_hash"]] for row in rows]
    keys = [key for person_id, row in zip(ids, rows, strict=True)
            for key in columns.name_key_rows(person_id, row["name"])]
    db.session.execute(insert(PersonNameKey.__table__), keys)
    return ids
