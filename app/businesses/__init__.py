"""businesses domain: the businesses (经营主体) founded by people of the library."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.businesses.views import bp
    from app.core import nav
    from app.core.access import REGION_ROLES

    app.register_blueprint(bp)
    nav.register("经营主体", "businesses.index", roles=REGION_ROLES, order=40, icon="shop")
