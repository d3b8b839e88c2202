"""Password hashing and the password policy.

Policy (NIST SP 800-63B): at least 8 characters, at most 128, no composition rules, not one of
the ~20,000 most common passwords, not the username. Hashing is werkzeug's scrypt; the cost is
the `PASSWORD_HASH_METHOD` setting (production: N=2^17, r=8, p=1).
"""
from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

MAX_LENGTH = 128
_LIST = Path(__file__).with_name("data") / "common-passwords.txt.gz"


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    with gzip.open(_LIST, "rt", encoding="utf-8") as fh:
        return frozenset(line.strip().lower() for line in fh if line.strip())


def policy_errors(password: str, username: str | None = None) -> list[str]:
    """Chinese reasons why `password` may not be used (empty list: acceptable)."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    errors = []
    if len(password) < minimum:
        errors.append(f"密码至少需要 {minimum} 个字符。")
    if len(password) > MAX_LENGTH:
        errors.append(f"密码不能超过 {MAX_LENGTH} 个字符。")
    if password.lower() in common_passwords():
        errors.append("该密码过于常见，容易被猜中，请换一个。")
    if username and password.lower() == username.lower():
        errors.append("密码不能与用户名相同。")
    return errors


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def verify_password(stored_hash: str, password: str) -> bool:
    return check_password_hash(stored_hash, password)


@lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    return generate_password_hash("dummy-password-for-timing", method=method)


def burn_time() -> None:
    """Spend about as long as a real check, so unknown usernames are not revealed by timing."""
    check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), "x")
