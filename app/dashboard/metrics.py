"""The dashboard's building blocks: region grouping, the `Metric` and `ListKind` declarations
and their registries. `queries` declares the person figures, `sources` the business, loan,
grant and case figures; both build on this module (neither imports the other back)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select

from app.core.access.scope import region_condition
from app.dashboard.models import TargetYear
from app.regions.models import Region, RegionLevel

# ---------------------------------------------------------------------------------------------
# Grouping: which region column a level's children are grouped by

def child_level(parent: Region | None) -> RegionLevel:
    if parent is None or parent.level == RegionLevel.CITY:
        return RegionLevel.COUNTY
    if parent.level == RegionLevel.COUNTY:
        return RegionLevel.TOWNSHIP
    return RegionLevel.VILLAGE


def regions_grouping(parent: Region | None) -> tuple[Any, Any]:
    """(group column, filter) over `regions` rows of villages, for the children of `parent`."""
    level = child_level(parent)
    column = {RegionLevel.COUNTY: Region.county_id, RegionLevel.TOWNSHIP: Region.township_id,
              RegionLevel.VILLAGE: Region.id}[level]
    if parent is None or parent.level == RegionLevel.CITY:
        condition = Region.county_id.is_not(None)
    elif parent.level == RegionLevel.COUNTY:
        condition = Region.county_id == parent.id
    elif parent.level == RegionLevel.TOWNSHIP:
        condition = Region.township_id == parent.id
    else:
        condition = Region.id == parent.id
        column = Region.id
    return column, condition


def owned_grouping(model: Any, parent: Region | None) -> tuple[Any, Any]:
    """(group column, filter) over a RegionOwnedMixin model, for the children of `parent`."""
    if parent is None or parent.level == RegionLevel.CITY:
        return model.county_id, model.county_id.is_not(None)
    if parent.level == RegionLevel.COUNTY:
        return model.township_id, model.county_id == parent.id
    if parent.level == RegionLevel.TOWNSHIP:
        return model.village_id, model.township_id == parent.id
    return model.village_id, model.village_id == parent.id


def owned_condition(model: Any, region: Region | None) -> Any:
    """Rows of a RegionOwnedMixin model inside `region` (None or the city: all)."""
    if region is None or region.level == RegionLevel.CITY:
        return model.village_id.is_not(None)
    return region_condition(model, region)


# ---------------------------------------------------------------------------------------------
# Metrics

@dataclass(frozen=True)
class Context:
    year: int
    settings: TargetYear
    today: date
    # Per-computation memo: sources that answer several metrics with one query keep it here.
    memo: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Metric:
    """One countable figure: grouped counts by child region, and the records behind them."""

    key: str
    label: str
    # (parent region or None for the city, context) -> {child region id: value}
    grouped: Callable[[Region | None, Context], dict[int, int]]
    # (user, region, context) -> SELECT of the records behind the figure, or None (not listable)
    records: Callable[[Any, Region, Context], Select] | None = None
    list_kind: str = ""  # template partial for the record list: "persons", "businesses", …
    current: bool = False  # a current value (labelled 当前 on past years)
    money: bool = False
    order: int = 100
    amount: Any = None  # for money figures: the column the list sums to the figure


METRICS: dict[str, Metric] = {}


def register_metric(metric: Metric) -> Metric:
    METRICS[metric.key] = metric
    ordered = sorted(METRICS.values(), key=lambda m: m.order)
    METRICS.clear()
    METRICS.update((m.key, m) for m in ordered)
    return metric



# ---------------------------------------------------------------------------------------------
# Record lists behind a figure

@dataclass(frozen=True)
class ListKind:
    """How the records of one kind are paged, shown and exported."""

    sort: Any  # app.core.pagination.Sort
    tiebreak: Any
    header: list[str]
    row: Callable[[Any], list[Any]]
    # The record's own page, linked from the row's first cell: (endpoint, URL argument, "may this
    # user open it" predicate); None: the rows link nowhere.
    link: tuple[str, str, Callable[[Any, Any], bool]] | None = None

    def url_of(self, user: Any) -> Callable[[Any], str | None]:
        """`item -> URL of its page`, or None where `user` may not open it (no link to a 403)."""
        if self.link is None:
            return lambda item: None
        from app.core.templating import row_url

        endpoint, argument, may_open = self.link
        url = row_url(endpoint, argument)
        return lambda item: url(item.id) if may_open(user, item) else None


LIST_KINDS: dict[str, ListKind] = {}
