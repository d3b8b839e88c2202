"""Navigation: entries registered by each domain's `init_app`, grouped into menus and filtered by role.

This module decides which menu an entry belongs to (`GROUP_OF`, or `group=` for a domain this map
does not know yet) and which single entry matches the current page (`current_item`), so the call
sites stay one line and the base template only draws what `menu_for` returns.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.core.access.roles import Role

# The menus, in the order they appear in the bar.
GROUPS: dict[str, str] = {
    "work": "工作",
    "people": "人员与个案",
    "subsidies": "补贴",
    "statistics": "统计",
    "admin": "系统管理",
}

# The menu of each known entry. A new domain either adds its endpoints here or passes `group=`.
GROUP_OF: dict[str, str] = {
    "main.home": "work",
    "subsidies.proactive_list": "work",
    "persons.index": "people",
    "cases.index": "people",
    "businesses.index": "people",
    "subsidies.applications": "subsidies",
    "subsidies.programmes": "subsidies",
    "dashboard.index": "statistics",
    "persons.baselines_page": "statistics",
    "auth.users": "admin",
    "cases.catalogue": "admin",
    "regions.index": "admin",
    "codes.index": "admin",
    "audit.index": "admin",
}
DEFAULT_GROUP = "work"


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    roles: frozenset[Role] | None  # None: every signed-in user
    order: int = 100
    icon: str = ""
    group: str = DEFAULT_GROUP

    @property
    def blueprint(self) -> str:
        return self.endpoint.rpartition(".")[0]

    @property
    def view(self) -> str:
        return self.endpoint.rpartition(".")[2]


@dataclass
class NavGroup:
    key: str
    label: str
    items: list[NavItem] = field(default_factory=list)
    current: NavItem | None = None  # the highlighted entry when it is in this menu


_ITEMS: dict[str, NavItem] = {}


def register(label: str, endpoint: str, roles=None, order: int = 100, icon: str = "",
             group: str | None = None) -> None:
    """Add a menu entry for `roles` (None: everyone signed in); its menu comes from `group`,
    else from `GROUP_OF`, else the 工作 menu."""
    group = group or GROUP_OF.get(endpoint, DEFAULT_GROUP)
    if group not in GROUPS:
        raise ValueError(f"unknown navigation group {group!r} for {endpoint}")
    _ITEMS[endpoint] = NavItem(label, endpoint, None if roles is None else frozenset(roles), order, icon, group)


def items_for(user: Any) -> list[NavItem]:
    if user is None or not user.is_authenticated:
        return []
    return sorted((i for i in _ITEMS.values() if i.roles is None or i.roles & user.roles),
                  key=lambda i: (i.order, i.label))


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


# Pages that belong to an entry of another name: endpoint prefix → the entry's endpoint.
OWNER_OF: dict[str, str] = {
    "subsidies.loan": "subsidies.applications",  # loans: pages of the 补贴 work, beside applications
}
MIN_SHARED = 3  # characters of view name two endpoints must share to be taken as one page family


def current_item(items: list[NavItem], endpoint: str | None) -> NavItem | None:
    """The one entry the page at `endpoint` belongs to: the entry of that very endpoint; else
    the entry `OWNER_OF` names; else the entry of the same blueprint whose view name shares the
    longest prefix (at least `MIN_SHARED` characters) with the page's (`subsidies.application_detail`
    → 补贴申请, `auth.user_detail` → 用户管理); else the blueprint's `index` entry
    (`persons.detail` → 人员信息库); else None (`auth.profile`: no entry)."""
    if not endpoint:
        return None
    by_endpoint = {item.endpoint: item for item in items}
    if endpoint in by_endpoint:
        return by_endpoint[endpoint]
    for prefix, owner in OWNER_OF.items():
        if endpoint.startswith(prefix):
            return by_endpoint.get(owner)
    blueprint, _, view = endpoint.rpartition(".")
    best, best_score = None, MIN_SHARED - 1
    for item in items:
        if item.blueprint == blueprint:
            score = _common_prefix(item.view, view)
            if score > best_score:
                best, best_score = item, score
    return best or by_endpoint.get(f"{blueprint}.index")


def menu_for(user: Any, endpoint: str | None) -> list[NavGroup]:
    """The menus `user` sees, in order, each with its entries; exactly one entry across all of
    them is `current` when the page belongs to an entry."""
    items = items_for(user)
    current = current_item(items, endpoint)
    groups = {key: NavGroup(key, label) for key, label in GROUPS.items()}
    for item in items:
        groups[item.group].items.append(item)
        if item is current:
            groups[item.group].current = item
    return [g for g in groups.values() if g.items]
