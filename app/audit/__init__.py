"""audit domain: the audit log page and its flags."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.audit.views import bp
    from app.core import nav
    from app.core.access import Role

    app.register_blueprint(bp)
    nav.register("审计日志", "audit.index", roles={Role.CITY_ADMIN}, order=99, icon="journal-text")
