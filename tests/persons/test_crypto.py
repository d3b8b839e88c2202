"""Key ring: AES-GCM round trips, rotation, purpose binding, tampering, key handling."""
from __future__ import annotations

import base64

import pytest

from app import create_app
from app.core import crypto
from config import ProductionConfig, TestingConfig

K1 = base64.b64encode(b"k" * 32).decode()
K2 = base64.b64encode(b"q" * 32).decode()
H = base64.b64encode(b"h" * 32).decode()


def ring(spec: str = f"1:{K1}") -> crypto.KeyRing:
    return crypto.KeyRing(crypto.parse_key_ring(spec), crypto.decode_key(H, "DATA_HASH_KEY"))


def test_round_trip_and_random_nonces():
    r = ring()
    a, b = r.encrypt("420506199001011234", "person.id_number"), r.encrypt("420506199001011234", "person.id_number")
    assert a != b  # a fresh nonce each time: equal values do not look equal at rest
    assert b"420506199001011234" not in a
    assert r.decrypt(a, "person.id_number") == "420506199001011234"
    assert r.key_id_of(a) == 1


def test_purpose_is_bound():
    r = ring()
    blob = r.encrypt("13812345678", "person.phone")
    with pytest.raises(crypto.DecryptionError):
        r.decrypt(blob, "person.id_number")


def test_tampering_is_detected():
    r = ring()
    blob = bytearray(r.encrypt("13812345678", "person.phone"))
    blob[-1] ^= 1
    with pytest.raises(crypto.DecryptionError):
        r.decrypt(bytes(blob), "person.phone")


def test_newest_key_encrypts_all_keys_decrypt():
    old = ring(f"1:{K1}")
    blob = old.encrypt("x", "p")
    new = ring(f"1:{K1},2:{K2}")
    assert new.current_id == 2
    assert new.decrypt(blob, "p") == "x"
    assert new.needs_rotation(blob)
    rotated = new.encrypt(new.decrypt(blob, "p"), "p")
    assert new.key_id_of(rotated) == 2 and not new.needs_rotation(rotated)
    with pytest.raises(crypto.DecryptionError, match="not in DATA_KEYS"):
        ring(f"2:{K2}").decrypt(blob, "p")


def test_lookup_hash_is_stable_across_rotation_and_keyed():
    assert ring(f"1:{K1}").lookup_hash("v", "p") == ring(f"1:{K1},2:{K2}").lookup_hash("v", "p")
    other = crypto.KeyRing({1: b"k" * 32}, b"z" * 32)
    assert other.lookup_hash("v", "p") != ring().lookup_hash("v", "p")
    assert ring().lookup_hash("v", "p") != ring().lookup_hash("v", "q")


@pytest.mark.parametrize(("spec", "fragment"), [
    ("", "no key"),
    ("abc", "<id>:<base64 key>"),
    (f"0:{K1}", "between 1 and 65535"),
    (f"1:{K1},1:{K2}", "twice"),
    ("1:not-base64!!", "not valid base64"),
    (f"1:{base64.b64encode(b'short').decode()}", "32 bytes"),
])
def test_bad_key_specs(spec, fragment):
    with pytest.raises(crypto.KeySpecError) as error:
        crypto.parse_key_ring(spec)
    assert fragment in str(error.value)
    assert K1 not in str(error.value)


def test_development_generates_keys_into_instance(tmp_path):
    from flask import Flask

    app = Flask("keys", instance_path=str(tmp_path))
    app.config.update(DATA_KEYS=None, DATA_HASH_KEY=None)
    first = crypto.init_app(app, production=False)
    assert (tmp_path / "data_keys").read_text().startswith("1:")
    assert (tmp_path / "data_keys").stat().st_mode & 0o077 == 0
    assert (tmp_path / "data_hash_key").stat().st_mode & 0o077 == 0
    blob = first.encrypt("x", "p")

    again = Flask("keys", instance_path=str(tmp_path))  # next start: read back, not regenerated
    again.config.update(DATA_KEYS=None, DATA_HASH_KEY=None)
    second = crypto.init_app(again, production=False)
    assert second.decrypt(blob, "p") == "x"
    assert second.lookup_hash("v", "p") == first.lookup_hash("v", "p")


def test_production_requires_keys(monkeypatch):
    class Prod(ProductionConfig):
        SECRET_KEY = "x"
        SQLALCHEMY_DATABASE_URI = "sqlite://"
        DATA_KEYS = None
        DATA_HASH_KEY = None

    with pytest.raises(RuntimeError, match="DATA_KEYS"):
        create_app(Prod)

    class ProdNoHash(Prod):
        DATA_KEYS = f"1:{K1}"

    with pytest.raises(RuntimeError, match="DATA_HASH_KEY"):
        create_app(ProdNoHash)


def test_testing_config_keys_are_valid():
    app = create_app(TestingConfig)
    assert app.extensions[crypto.EXTENSION].key_ids == [1]
