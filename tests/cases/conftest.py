from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.cases.factories import create_case


@pytest.fixture
def make_case(demo) -> Callable[..., object]:
    """`make_case(specialist="demo_specialist", mentor="demo_mentor", stage="training")`."""
    return create_case
