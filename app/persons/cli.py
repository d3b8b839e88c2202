"""`flask --app wsgi persons …`: key rotation for the encrypted personal data."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import bindparam, select, update

from app.core import audit, crypto
from app.extensions import db
from app.persons.models import ID_PURPOSE, PHONE_PURPOSE, Person


@click.group("persons", help="The person library (人员信息库).")
def persons_cli() -> None:
    pass


def rotate_keys(batch_size: int = 1000) -> dict[str, int]:
    """Re-encrypt every ID number and phone not under the newest key of DATA_KEYS.

    Walks the table by id in batches, committing each batch, so it can be interrupted and run
    again. Hashes do not change (they use DATA_HASH_KEY); versions and update times do not
    change either (this is not an edit of the record)."""
    ring = crypto.ring()
    table = Person.__table__
    last_id, seen, rotated = 0, 0, 0
    while True:
        rows = db.session.execute(
            select(table.c.id, table.c.id_number_cipher, table.c.phone_cipher)
            .where(table.c.id > last_id).order_by(table.c.id).limit(batch_size)).all()
        if not rows:
            break
        changes = []
        for row in rows:
            seen += 1
            if not (ring.needs_rotation(row.id_number_cipher) or ring.needs_rotation(row.phone_cipher)):
                continue
            id_cipher = ring.encrypt(ring.decrypt(row.id_number_cipher, ID_PURPOSE), ID_PURPOSE)
            phone_cipher = None
            if row.phone_cipher is not None:
                phone_cipher = ring.encrypt(ring.decrypt(row.phone_cipher, PHONE_PURPOSE), PHONE_PURPOSE)
            changes.append({"b_id": row.id, "b_id_cipher": id_cipher, "b_phone_cipher": phone_cipher})
        if changes:
            db.session.execute(
                update(table).where(table.c.id == bindparam("b_id"))
                .values(id_number_cipher=bindparam("b_id_cipher"), phone_cipher=bindparam("b_phone_cipher"),
                        updated_at=table.c.updated_at),  # not an edit: keep the record's update time
                changes)
            rotated += len(changes)
        db.session.commit()
        last_id = rows[-1].id
    audit.record("data_keys_rotated", actor=None, object_type="person",
                 detail=f"检查 {seen} 条，以密钥 {ring.current_id} 重新加密 {rotated} 条")
    db.session.commit()
    return {"seen": seen, "rotated": rotated, "key_id": ring.current_id}


@persons_cli.command("rotate-keys")
@click.option("--batch-size", default=1000, show_default=True, help="Rows per transaction.")
@with_appcontext
def rotate_keys_command(batch_size: int) -> None:
    """Re-encrypt ID numbers and phones with the newest key in DATA_KEYS.

    Add a new key with a higher id to DATA_KEYS (keep the old ones), restart the application,
    run this command, then the old keys may be removed. Safe to run again."""
    result = rotate_keys(batch_size)
    click.echo(f"checked {result['seen']} people; re-encrypted {result['rotated']} with key {result['key_id']}")


@persons_cli.command("new-key")
def new_key_command() -> None:
    """Print a fresh random key (base64 of 32 bytes) for DATA_KEYS or DATA_HASH_KEY."""
    click.echo(crypto.new_key())


@persons_cli.command("compute-baselines")
@click.option("--year", type=int, default=None, help="Target year (default: this year).")
@with_appcontext
def compute_baselines_command(year: int | None) -> None:
    """Store the library's 市外务工人数 at 31 Dec of YEAR-1 for every county (audited)."""
    from app.core import clock
    from app.persons import baselines

    year = year or clock.today().year
    values = baselines.refresh_all(year)
    db.session.commit()
    click.echo(f"{year}: {sum(values.values())} people outside the city on {baselines.baseline_date(year)} "
               f"in {len(values)} counties")
