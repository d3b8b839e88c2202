"""Helpers for tests of form pages (core.forms: a failed POST answers 303 back to its page)."""
from __future__ import annotations

from flask.testing import FlaskClient
from werkzeug.test import TestResponse


def shown_again(client: FlaskClient, response: TestResponse, location: str | None = None) -> str:
    """The page a failed form POST returns to (303, then GET), with its kept values and messages."""
    assert response.status_code == 303, f"expected 303 back to the form, got {response.status_code}"
    if location is not None:
        assert response.location == location, response.location
    page = client.get(response.location)
    assert page.status_code == 200
    return page.get_data(as_text=True)
