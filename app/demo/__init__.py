"""Demo data: synthetic people and accounts for trying the system (never in production).

Each domain adds its loader with `register(order, name, loader)` from its `init_app`;
`flask demo load` runs them in order.
Loaders must be idempotent and date things relative to `clock.today()`, so that "overdue" and
"soon eligible" stay true whenever the command is run.
"""
from __future__ import annotations

from collections.abc import Callable

DEMO_PASSWORD = "Demo-2026!"
_LOADERS: list[tuple[int, str, Callable[[], str]]] = []


def register(order: int, name: str, loader: Callable[[], str]) -> None:
    """Add a domain's loader (idempotent: tests build many apps)."""
    if all(n != name for _, n, _ in _LOADERS):
        _LOADERS.append((order, name, loader))
        _LOADERS.sort(key=lambda t: t[0])


def loaders() -> list[tuple[int, str, Callable[[], str]]]:
    return list(_LOADERS)
