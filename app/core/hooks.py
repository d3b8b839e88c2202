"""Hook lists one domain offers and others join from their `init_app` (explicit wiring)."""
from __future__ import annotations

from typing import Any


def add_once(hooks: list, fn: Any) -> None:
    """Append `fn` unless it is there already: `init_app` runs for every app a test builds."""
    if all(existing is not fn for existing in hooks):
        hooks.append(fn)
