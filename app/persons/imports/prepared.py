"""The prepared outcome: written at preview (`prepare_file`, `save_prepared`), used by the
commit when it authenticates and is still fresh (`load_prepared`, `commit_prepared`).

A pickle preceded by an HMAC-SHA256 keyed by the key ring's hash key and bound to the batch and
its file. Fresh means: the fingerprint of the reference data is unchanged and the file's ID
hashes match exactly the people, at the versions, the preview saw."""
from __future__ import annotations

import hashlib
import hmac
import os

# pickle only reads back the prepared outcome the app itself wrote into its instance folder, after
# its HMAC is verified (load_prepared): nosec B403.
import pickle  # nosec B403
import uuid
from pathlib import Path
from typing import Any

from flask import current_app

from app.core import crypto
from app.persons.imports import check
from app.persons.imports.check import (
    PREPARED_FORMAT,
    CheckResult,
    Context,
    Prepared,
    RowError,
    Seen,
    UncappedResult,
    no_cyclic_gc,
    people_by_hash,
    run_check,
    write_chunk,
)
from app.persons.imports.packing import pack_rows, unpack_rows
from app.persons.imports.parallel import Parallel
from app.persons.imports.read import (
    SourceFile,
)
from app.persons.imports.storage import (
    prepared_path,
)
from app.persons.models import (
    PersonImport,
)

PREPARED_MAGIC = b"FXCY-PERSON-IMPORT-PREPARED\n"
PREPARED_PURPOSE = "person-import-prepared"
_MAC_BYTES = 32


def prepare_file(actor, source: SourceFile) -> Prepared:
    """Validate every row of `source` as `check_file` does and derive what a commit would write
    (the new people's rows, the updates' changed values) without writing anything."""
    ctx = Context(actor)
    # Uncapped while checking: rows checked in worker processes report their errors later, and
    # the cap keeps the first errors in row-checking order (the order of the in-process check).
    ctx.prepared = Prepared(ctx.fingerprint(), UncappedResult())
    ctx.parallel = Parallel.for_app()
    if ctx.parallel is not None:
        ctx.parallel.context = ctx
    try:
        run_check(ctx, source, apply=False, result=ctx.prepared.result)
    finally:
        if ctx.parallel is not None:
            ctx.parallel.close()
    return ctx.prepared


def _prepared_mac(batch: PersonImport, payload: bytes) -> bytes:
    """HMAC (the key ring's lookup-hash key) of the payload's digest, bound to the batch and its
    file: a prepared file cannot be altered, nor moved to another batch."""
    digest = hashlib.sha256(payload).hexdigest()
    return crypto.ring().lookup_hash(f"{batch.id}:{batch.file_hash}:{digest}", PREPARED_PURPOSE)



def _to_payload(prepared: Prepared) -> dict[str, Any]:
    result = prepared.result
    return {
        "format": PREPARED_FORMAT,
        "fingerprint": prepared.fingerprint,
        "result": (result.columns, result.total, result.new, result.updated, result.unchanged,
                   sorted(result.refused_rows), [e.as_list() for e in result.errors]),
        "pending": prepared.pending,
        "hashes": prepared.hashes,
        "matched": prepared.matched,
        "new_rows": pack_rows(prepared.new_rows),
        "new_row_blobs": prepared.new_row_blobs,
        "updates": [(seq, pid, changed, tuple(seen)) for seq, pid, changed, seen in prepared.updates],
    }


def _from_payload(data: dict[str, Any]) -> Prepared:
    columns_, total, new, updated, unchanged, refused_rows, errors = data["result"]
    result = CheckResult(columns=list(columns_), total=total, new=new, updated=updated, unchanged=unchanged,
                         refused_rows=set(refused_rows), errors=[RowError(*e) for e in errors])
    return Prepared(
        fingerprint=data["fingerprint"], result=result, pending=data["pending"], hashes=data["hashes"],
        matched=data["matched"], new_rows=unpack_rows(data["new_rows"], data["new_row_blobs"]),
        updates=[(seq, pid, changed, Seen(*seen)) for seq, pid, changed, seen in data["updates"]],
    )


def save_prepared(batch: PersonImport, prepared: Prepared) -> Path:
    """Write the prepared outcome next to the stored upload: magic, HMAC, pickle."""
    with no_cyclic_gc():
        payload = pickle.dumps(_to_payload(prepared), protocol=pickle.HIGHEST_PROTOCOL)
    path = prepared_path(batch)
    temporary = path.with_name(path.name + f".{uuid.uuid4().hex}.tmp")
    with open(temporary, "wb") as out:
        out.write(PREPARED_MAGIC + _prepared_mac(batch, payload) + payload)
    temporary.chmod(0o600)
    os.replace(temporary, path)
    return path


def load_prepared(batch: PersonImport) -> Prepared | None:
    """The batch's prepared outcome, or None when missing, not authentic or unreadable."""
    path = prepared_path(batch)
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = len(PREPARED_MAGIC)
    if not data.startswith(PREPARED_MAGIC) or len(data) < head + _MAC_BYTES:
        return None
    mac, payload = data[head:head + _MAC_BYTES], data[head + _MAC_BYTES:]
    if not hmac.compare_digest(mac, _prepared_mac(batch, payload)):
        current_app.logger.warning("import batch %s: prepared outcome does not authenticate", batch.id)
        return None
    try:
        # nosec B301: authenticated above (HMAC with the app's hash key), a file the app itself
        # wrote into its own instance folder — never user input.
        with no_cyclic_gc():
            loaded = pickle.loads(payload)  # noqa: S301  # nosec B301
            if loaded.get("format") != PREPARED_FORMAT:
                return None
            return _from_payload(loaded)
    except Exception:  # noqa: BLE001 - any unreadable payload means: check the file again
        current_app.logger.warning("import batch %s: prepared outcome unreadable", batch.id, exc_info=True)
        return None


def _people_unchanged(prepared: Prepared) -> bool:
    """Do the ID numbers of the file match exactly the people (and versions) the preview saw?
    A person registered since with one of the new IDs, or an edited matched person, says no."""
    return people_by_hash(prepared.hashes) == prepared.matched


def commit_prepared(actor, prepared: Prepared) -> CheckResult | None:
    """Write a still-fresh prepared outcome exactly as the full check would (same chunks, same
    order); None (nothing written) when the library changed since the preview."""
    ctx = Context(actor)
    if prepared.fingerprint != ctx.fingerprint() or not _people_unchanged(prepared):
        return None
    result = prepared.result
    result.person_ids = []
    chunks = -(-prepared.pending // check.CHUNK_ROWS)
    new_by_chunk: list[list[dict[str, Any]]] = [[] for _ in range(chunks)]
    updates_by_chunk: list[list[tuple[int, dict[str, Any], Any]]] = [[] for _ in range(chunks)]
    for seq, row in prepared.new_rows:
        new_by_chunk[seq // check.CHUNK_ROWS].append(row)
    for seq, person_id, changed, seen in prepared.updates:
        updates_by_chunk[seq // check.CHUNK_ROWS].append((person_id, changed, seen))
    for new_rows, updates in zip(new_by_chunk, updates_by_chunk, strict=True):
        write_chunk(ctx, result, new_rows, updates)
    return result
