from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.persons.factories import create_person


@pytest.fixture
def make_person(demo) -> Callable[..., object]:
    """`make_person(name="张伟", village_code=…, actor=…)` -> a committed Person."""

    def make(actor=None, **overrides):
        return create_person(actor, **overrides)

    return make
