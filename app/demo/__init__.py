"""Demo data: synthetic people and accounts for trying the system (never in production).

Each domain registers a loader with `register(order)`; `flask demo load` runs them in order.
Loaders must be idempotent and date things relative to `clock.today()`, so that "overdue" and
"soon eligible" stay true whenever the command is run.
"""
from __future__ import annotations

from collections.abc import Callable

DEMO_PASSWORD = "Demo-2026!"
_LOADERS: list[tuple[int, str, Callable[[], str]]] = []


def register(order: int, name: str) -> Callable[[Callable[[], str]], Callable[[], str]]:
    def decorate(loader: Callable[[], str]) -> Callable[[], str]:
        if all(n != name for _, n, _ in _LOADERS):
            _LOADERS.append((order, name, loader))
            _LOADERS.sort(key=lambda t: t[0])
        return loader

    return decorate


def loaders() -> list[tuple[int, str, Callable[[], str]]]:
    from app.demo import accounts, cases, dashboard, persons, subsidies  # noqa: F401  (register themselves)

    return list(_LOADERS)
