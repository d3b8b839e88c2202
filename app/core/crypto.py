"""Personal data at rest: AES-256-GCM with a key ring, and a keyed hash for lookups.

See docs/personal-data.md. In short:

- `DATA_KEYS` is a key ring `"1:<base64 32 bytes>,2:<base64 32 bytes>"`. The highest id encrypts;
  every id decrypts, so keys can be rotated (`flask persons rotate-keys` re-encrypts old rows).
- A ciphertext is `b"\\x01" + key id (2 bytes) + nonce (12 bytes) + AES-GCM(ciphertext + tag)`.
  The associated data is the purpose (`"person.id_number"`), so a value cannot be moved to
  another column and still decrypt.
- `DATA_HASH_KEY` (base64, 32 bytes) keys an HMAC-SHA256 of the normalised value. It is separate
  from the encryption keys, so hashes — the uniqueness and exact-lookup columns — stay stable
  when encryption keys rotate.

In development both are generated into `instance/` on first run; production refuses to start
without them.
"""
from __future__ import annotations

import base64
import binascii
import hmac
import os
import secrets
import struct
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FORMAT_VERSION = 1
_HEADER = struct.Struct(">BH")  # format version, key id
NONCE_BYTES = 12
KEY_BYTES = 32

EXTENSION = "data_keyring"


class KeySpecError(ValueError):
    """A malformed key specification (message names the problem, never the key)."""


class DecryptionError(ValueError):
    pass


def parse_key_ring(spec: str) -> dict[int, bytes]:
    """`"1:<b64>,2:<b64>"` -> {1: key, 2: key}. Ids are 1–65535; keys decode to 32 bytes."""
    keys: dict[int, bytes] = {}
    for part in (spec or "").replace("\n", ",").split(","):
        part = part.strip()
        if not part:
            continue
        key_id, sep, encoded = part.partition(":")
        if not sep or not key_id.strip().isdigit():
            raise KeySpecError("DATA_KEYS entries must look like '<id>:<base64 key>'")
        number = int(key_id)
        if not 1 <= number <= 65535:
            raise KeySpecError("DATA_KEYS ids must be between 1 and 65535")
        if number in keys:
            raise KeySpecError(f"DATA_KEYS lists key id {number} twice")
        keys[number] = decode_key(encoded, "DATA_KEYS")
    if not keys:
        raise KeySpecError("DATA_KEYS holds no key")
    return keys


def decode_key(encoded: str, name: str) -> bytes:
    try:
        raw = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise KeySpecError(f"{name}: a key is not valid base64") from None
    if len(raw) != KEY_BYTES:
        raise KeySpecError(f"{name}: a key must be {KEY_BYTES} bytes, got {len(raw)}")
    return raw


def new_key() -> str:
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()


class KeyRing:
    def __init__(self, keys: dict[int, bytes], hash_key: bytes):
        if not keys:
            raise KeySpecError("no encryption key")
        self._aead = {key_id: AESGCM(key) for key_id, key in keys.items()}
        self.current_id = max(keys)
        self._hash_key = hash_key
        self._header = _HEADER.pack(FORMAT_VERSION, self.current_id)
        self._purposes: dict[str, tuple[bytes, bytes]] = {}  # purpose -> (AEAD data, hash prefix)

    def _purpose(self, purpose: str) -> tuple[bytes, bytes]:
        found = self._purposes.get(purpose)
        if found is None:
            found = self._purposes[purpose] = (purpose.encode(), f"{purpose}\x00".encode())
        return found

    @property
    def key_ids(self) -> list[int]:
        return sorted(self._aead)

    def encrypt(self, plaintext: str, purpose: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        body = self._aead[self.current_id].encrypt(nonce, plaintext.encode("utf-8"), self._purpose(purpose)[0])
        return self._header + nonce + body

    def decrypt(self, blob: bytes, purpose: str) -> str:
        blob = bytes(blob)
        if len(blob) < _HEADER.size + NONCE_BYTES + 16:
            raise DecryptionError("ciphertext too short")
        version, key_id = _HEADER.unpack_from(blob)
        if version != FORMAT_VERSION:
            raise DecryptionError(f"unknown ciphertext format {version}")
        aead = self._aead.get(key_id)
        if aead is None:
            raise DecryptionError(f"key id {key_id} is not in DATA_KEYS")
        nonce = blob[_HEADER.size:_HEADER.size + NONCE_BYTES]
        try:
            return aead.decrypt(nonce, blob[_HEADER.size + NONCE_BYTES:], purpose.encode()).decode("utf-8")
        except InvalidTag:
            raise DecryptionError("ciphertext does not authenticate (wrong key or purpose, or altered)") from None

    def key_id_of(self, blob: bytes) -> int:
        return _HEADER.unpack_from(bytes(blob))[1]

    def needs_rotation(self, blob: bytes | None) -> bool:
        return blob is not None and self.key_id_of(blob) != self.current_id

    def lookup_hash(self, value: str, purpose: str) -> bytes:
        """HMAC-SHA256 of `purpose + NUL + value` (UTF-8): stable across encryption-key rotation.
        One-shot `hmac.digest` (the same bytes as `hmac.new(...).digest()`, without the object)."""
        return hmac.digest(self._hash_key, self._purpose(purpose)[1] + value.encode(), "sha256")


def _read_or_create(path: Path, make) -> str:
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


def init_app(app: Any, *, production: bool) -> KeyRing:
    """Resolve `DATA_KEYS` / `DATA_HASH_KEY` (generating them into instance/ in development),
    validate them and attach the key ring to the app."""
    instance = Path(app.instance_path)
    if not app.config.get("DATA_KEYS"):
        if production:
            raise RuntimeError("DATA_KEYS must be set in the environment in production.")
        app.config["DATA_KEYS"] = _read_or_create(instance / "data_keys", lambda: f"1:{new_key()}")
    if not app.config.get("DATA_HASH_KEY"):
        if production:
            raise RuntimeError("DATA_HASH_KEY must be set in the environment in production.")
        app.config["DATA_HASH_KEY"] = _read_or_create(instance / "data_hash_key", new_key)
    ring = KeyRing(parse_key_ring(app.config["DATA_KEYS"]), decode_key(app.config["DATA_HASH_KEY"], "DATA_HASH_KEY"))
    app.extensions[EXTENSION] = ring
    return ring


def ring() -> KeyRing:
    from flask import current_app

    return current_app.extensions[EXTENSION]
