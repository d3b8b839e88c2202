"""Demo people and the key-rotation command."""
from __future__ import annotations

import base64
from collections import Counter

from sqlalchemy import func, select

from app.core import crypto
from app.core.audit import AuditEntry
from app.core.validators import is_valid_id_number
from app.demo.persons import PEOPLE, load_persons
from app.extensions import db
from app.persons import columns
from app.persons.cli import rotate_keys
from app.persons.models import Person, PersonNameKey
from app.regions.models import Region


def test_demo_people(demo):
    people = list(db.session.scalars(select(Person)))
    assert len(people) == len(PEOPLE) >= 55
    assert all(is_valid_id_number(columns.decrypt_id_number(p)) for p in people)
    counties = Counter(db.session.get(Region, p.county_id).code for p in people)
    assert {"420506", "420527", "420581", "420582"} <= set(counties)
    villages = Counter(p.village.code for p in people)
    assert villages["420506103202"] >= 10 and villages["420506103203"] >= 8
    assert len({p.status for p in people}) == 4 and len({p.source for p in people}) == 3
    assert 5 <= sum(p.is_sanyou for p in people) < len(people)
    assert {"曾伟", "单丽华", "李䶮", "陈𫖮", "热依拉·艾力"} <= {p.name for p in people}
    assert db.session.scalar(select(func.count()).select_from(PersonNameKey)) > len(people) * 3
    assert all(p.name_sort and p.id_number_masked for p in people)
    assert load_persons() == "all demo people exist"  # idempotent


def test_rotate_keys(demo, app):
    before = {p.id: (columns.decrypt_id_number(p), columns.decrypt_phone(p), p.id_number_hash, p.version, p.updated_at)
              for p in db.session.scalars(select(Person))}
    new_key = base64.b64encode(b"n" * 32).decode()
    app.config["DATA_KEYS"] = f"{app.config['DATA_KEYS']},7:{new_key}"
    ring = crypto.KeyRing(crypto.parse_key_ring(app.config["DATA_KEYS"]),
                          crypto.decode_key(app.config["DATA_HASH_KEY"], "DATA_HASH_KEY"))
    app.extensions[crypto.EXTENSION] = ring
    result = rotate_keys(batch_size=7)
    assert result == {"seen": len(before), "rotated": len(before), "key_id": 7}
    db.session.expire_all()
    for person in db.session.scalars(select(Person)):
        assert ring.key_id_of(person.id_number_cipher) == 7
        assert person.phone_cipher is None or ring.key_id_of(person.phone_cipher) == 7
        number, phone, hashed, version, updated = before[person.id]
        assert (columns.decrypt_id_number(person), columns.decrypt_phone(person)) == (number, phone)
        assert (person.id_number_hash, person.version, person.updated_at) == (hashed, version, updated)
    assert rotate_keys()["rotated"] == 0  # nothing left to do
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "data_keys_rotated")) == 2


def test_rotate_keys_command(demo, app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["persons", "rotate-keys"])
    assert result.exit_code == 0 and "re-encrypted 0 with key 1" in result.output
    key = runner.invoke(args=["persons", "new-key"]).output.strip()
    assert len(base64.b64decode(key)) == 32
