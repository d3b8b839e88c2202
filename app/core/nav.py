"""Navigation entries, registered by each domain's `init_app` and filtered by role."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.core.access.roles import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    roles: frozenset[Role] | None  # None: every signed-in user
    order: int = 100
    icon: str = ""


_ITEMS: dict[str, NavItem] = {}


def register(label: str, endpoint: str, roles=None, order: int = 100, icon: str = "") -> None:
    _ITEMS[endpoint] = NavItem(label, endpoint, None if roles is None else frozenset(roles), order, icon)


def items_for(user: Any) -> list[NavItem]:
    if user is None or not user.is_authenticated:
        return []
    return sorted((i for i in _ITEMS.values() if i.roles is None or i.roles & user.roles),
                  key=lambda i: (i.order, i.label))
