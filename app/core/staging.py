"""Files chosen on a form that did not go through, kept for the next submit (staged uploads).

A failed POST (`core.forms.submit_page`) stages every chosen file under
`<UPLOAD_FOLDER>/staging/<user id>/` (instance/uploads/staging unless configured) with a random name; the page shown again lists them ("已选文件 …（已保留）") and carries a hidden
`_staged` input `<field>:<key>` for each, and `core.forms.uploaded_files(field)` gives the next
submit those files when no new file was chosen for the field. Staged files belong to the user who
chose them (another user's key finds nothing), are deleted once used, and expire after a day.
"""
from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

STAGED_FIELD = "_staged"
LIFETIME_SECONDS = 24 * 3600
MAX_BYTES = 10 * 1024 * 1024
_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@dataclass(frozen=True)
class StagedFile:
    field: str
    key: str
    filename: str

    @property
    def reference(self) -> str:
        """The value of the hidden `_staged` input that carries this file to the next submit."""
        return f"{self.field}:{self.key}"


def _root() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / "staging"


def _user_dir(user_id: int | None) -> Path:
    return _root() / (str(int(user_id)) if user_id else "anonymous")


def stage(user_id: int | None, field: str, filename: str, data: bytes) -> StagedFile:
    """Keep one chosen file (at most 10 MB are kept; the operation still checks size and type)."""
    expire()
    folder = _user_dir(user_id)
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(18)
    (folder / f"{key}.bin").write_bytes(data[:MAX_BYTES + 1])
    (folder / f"{key}.json").write_text(json.dumps({"field": field, "filename": filename}, ensure_ascii=False))
    return StagedFile(field, key, filename)


def find(user_id: int | None, reference: str) -> StagedFile | None:
    """The staged file named by a `_staged` value, if it is this user's and still kept."""
    field, _, key = reference.partition(":")
    if not _KEY.match(key):
        return None
    meta = _user_dir(user_id) / f"{key}.json"
    if not meta.exists():
        return None
    info = json.loads(meta.read_text())
    if info.get("field") != field:
        return None
    return StagedFile(field, key, str(info.get("filename") or ""))


def read(user_id: int | None, staged: StagedFile) -> bytes:
    return (_user_dir(user_id) / f"{staged.key}.bin").read_bytes()


def discard(user_id: int | None, staged: StagedFile) -> None:
    for suffix in (".bin", ".json"):
        (_user_dir(user_id) / f"{staged.key}{suffix}").unlink(missing_ok=True)


def expire(now: float | None = None) -> int:
    """Delete staged files older than a day (every user); returns how many were removed."""
    root = _root()
    if not root.exists():
        return 0
    limit = (now or time.time()) - LIFETIME_SECONDS
    removed = 0
    for path in root.glob("*/*"):
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += path.suffix == ".bin"
    for folder in root.iterdir():
        if folder.is_dir() and not any(folder.iterdir()):
            shutil.rmtree(folder, ignore_errors=True)
    return removed
