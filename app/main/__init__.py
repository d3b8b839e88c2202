"""main domain: the home page (work panels of every domain) and the health check."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.main.views import bp

    app.register_blueprint(bp)
