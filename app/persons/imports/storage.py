"""Where a batch's upload and its prepared outcome are kept (the instance's upload folder)."""
from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

from flask import current_app

from app.persons.models import (
    PersonImport,
)


def import_folder() -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / "person-imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stored_path(batch: PersonImport) -> Path:
    ext = Path(batch.file_name).suffix.lower()
    return import_folder() / f"{batch.file_hash}-{batch.id}{ext}"


def save_upload(stream, file_name: str) -> tuple[Path, str]:
    """Copy an uploaded stream to a temporary file, hashing it on the way."""
    digest = hashlib.sha256()
    path = import_folder() / f"upload-{uuid.uuid4().hex}{Path(file_name).suffix.lower()}"
    with open(path, "wb") as out:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
            out.write(chunk)
    return path, digest.hexdigest()


def safe_file_name(name: str | None) -> str:
    name = os.path.basename((name or "").replace("\\", "/")).strip()
    name = "".join(ch for ch in name if ch.isprintable())
    return name[-200:] or "upload"



def prepared_path(batch: PersonImport) -> Path:
    path = stored_path(batch)
    return path.with_name(path.name + ".prepared")


def discard_file(batch: PersonImport) -> None:
    """Remove the stored upload and its prepared outcome (after commit: the library holds the
    data now)."""
    stored_path(batch).unlink(missing_ok=True)
    prepared_path(batch).unlink(missing_ok=True)

