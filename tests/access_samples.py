"""Test objects for the route-map access test (tests/test_route_access.py).

A route whose URL needs an object declares `@rule(..., sample="kind")`; a builder registered here
under that kind creates one such object and says which demo users have it in scope:

    @sample("person")
    def person_sample(demo) -> Sample:
        p = make a person in 大中坝村 …
        return Sample({"person_id": p.id}, visible_to={"demo_city", "demo_county", …})

Each domain keeps its builders in tests/<domain>/samples.py; they are imported by the test.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

DEMO_USERS = ("demo_city", "demo_county", "demo_county2", "demo_township", "demo_village",
              "demo_village2", "demo_specialist", "demo_mentor")
# Demo users whose region scope contains 夷陵区分乡镇大中坝村 (420506103202).
SCOPE_DAZHONGBA = frozenset({"demo_city", "demo_county", "demo_township", "demo_village"})
# … 秭归县 (420527)
SCOPE_ZIGUI = frozenset({"demo_city", "demo_county2"})


@dataclass
class Sample:
    url_args: dict
    visible_to: frozenset[str] | set[str] = field(default_factory=lambda: frozenset(DEMO_USERS))
    # Extra form/JSON data to send with POST/PUT/PATCH (default: empty body).
    data: dict | None = None


_BUILDERS: dict[str, Callable[[dict], Sample]] = {}


def sample(kind: str) -> Callable[[Callable[[dict], Sample]], Callable[[dict], Sample]]:
    def register(builder: Callable[[dict], Sample]) -> Callable[[dict], Sample]:
        _BUILDERS[kind] = builder
        return builder

    return register


def builder(kind: str) -> Callable[[dict], Sample] | None:
    return _BUILDERS.get(kind)


def load_all() -> None:
    """Import every tests/**/samples.py so that their builders register."""
    import importlib
    import pathlib

    root = pathlib.Path(__file__).parent
    for path in sorted(root.rglob("samples.py")):
        module = ".".join(path.relative_to(root.parent).with_suffix("").parts)
        importlib.import_module(module)
