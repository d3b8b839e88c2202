"""codes domain: the editable code lists (industries, skills …)."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.codes.views import bp
    from app.core import nav
    from app.core.access import Role

    app.register_blueprint(bp)
    nav.register("代码表", "codes.index", roles={Role.CITY_ADMIN}, order=95, icon="list-ul")
