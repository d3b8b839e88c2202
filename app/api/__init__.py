"""JSON API under /api/v1 (flask-smorest): conventions shared by every resource.

- Authentication: a personal bearer token (`Authorization: Bearer …`, no CSRF needed) or the
  browser session cookie (writes then need the `X-CSRFToken` header).
- Access: the same `@rule` declarations and scope helpers as the pages.
- Errors: `{"error": {"code", "message" (Chinese), "fields": {name: [messages]}}}` with the
  status codes of DOMAIN.md §1.
- Each domain defines its resources in `app/<domain>/api.py` and lists them in `API_BLUEPRINTS`.
"""
from __future__ import annotations

from flask import Flask
from flask_smorest import Api as _Api

from app.core.access.roles import ALL_ROLES
from app.core.access.rules import Rule, register_external

API_BLUEPRINTS: list[str] = [
    "app.api.me:blp",
    "app.persons.api:blp",
    "app.cases.api:blp",
    "app.businesses.api:blp",
    "app.subsidies.api:blp",

    "app.dashboard.api:blp",
]


class Api(_Api):
    """flask-smorest's Api without its app-wide HTTPException handler (app.core.errors answers)."""

    def _register_error_handlers(self) -> None:
        return None


api = Api()


def init_api(app: Flask) -> None:
    import importlib

    api.init_app(app)
    for target in API_BLUEPRINTS:
        module_name, _, attr = target.partition(":")
        blp = getattr(importlib.import_module(module_name), attr)
        api.register_blueprint(blp)
    register_external("api-docs.openapi_json", Rule(roles=frozenset(ALL_ROLES)))

    from app.api.docs import bp as docs_bp

    app.register_blueprint(docs_bp)
