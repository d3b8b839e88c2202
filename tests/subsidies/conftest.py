from __future__ import annotations

import pytest

from tests.subsidies.factories import ensure_programmes


@pytest.fixture
def programmes(demo):
    ensure_programmes()
