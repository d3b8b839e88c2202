"""regions domain: the administrative divisions (city → county → township → village)."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.core import nav
    from app.core.access import REGION_ROLES
    from app.regions.cli import regions_cli
    from app.regions.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(regions_cli)
    nav.register("区划", "regions.index", roles=REGION_ROLES, order=90, icon="diagram-3")
