"""dashboard domain: the targets dashboard (总体目标), its counters, drill-downs and exports."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app import demo
    from app.core import nav
    from app.core.access import dashboard as access
    from app.core.hooks import add_once
    from app.dashboard.cli import dashboard_cli
    from app.dashboard.counters import persons_bulk_insert
    from app.dashboard.views import bp
    from app.demo.dashboard import load_baselines, load_targets
    from app.persons import write

    app.register_blueprint(bp)
    app.cli.add_command(dashboard_cli)
    nav.register("总体目标", "dashboard.index", roles=access.DASHBOARD_ROLES, order=80, icon="graph-up")
    add_once(write.BULK_INSERT_HOOKS, persons_bulk_insert)  # the import's batches: one counter statement
    demo.register(90, "dashboard", load_targets)
    demo.register(91, "baselines", load_baselines)
