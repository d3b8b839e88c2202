"""Home-page work panels. Each domain registers, from its `init_app`, a provider that returns
the panels (work queues with counts and links) one user should see; the home page shows them
in order."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class PanelItem:
    label: str
    url: str
    hint: str = ""
    badge: str = ""
    tone: str = "secondary"  # bootstrap colour for the badge: danger / warning / success …


@dataclass
class Panel:
    title: str
    count: int
    items: list[PanelItem] = field(default_factory=list)
    more_url: str | None = None
    empty_text: str = "暂无待办事项。"
    order: int = 100


Provider = Callable[[Any], list[Panel]]
_PROVIDERS: list[tuple[int, Provider]] = []


def register(provider: Provider, order: int = 100) -> None:
    """Add a provider (idempotent: tests build many apps)."""
    if all(p is not provider for _, p in _PROVIDERS):
        _PROVIDERS.append((order, provider))
        _PROVIDERS.sort(key=lambda pair: pair[0])


def panels_for(user: Any) -> list[Panel]:
    panels: list[Panel] = []
    for _, provider in _PROVIDERS:
        panels.extend(provider(user))
    return sorted(panels, key=lambda p: p.order)
