"""main domain: the home page (work panels of every domain) and the health check."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.core import nav
    from app.main.views import bp

    app.register_blueprint(bp)
    nav.register("工作台", "main.home", order=0, icon="house", group="work")
