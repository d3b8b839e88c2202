"""subsidies domain: programmes and their rule versions, eligibility, applications, loans and
grants (issue 6). See docs/subsidies.md."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app import demo
    from app.cases import timeline
    from app.core import nav
    from app.core.access import REGION_ROLES, TOWNSHIP_AND_ABOVE
    from app.core.hooks import add_once
    from app.demo.subsidies import load_subsidies
    from app.main import panels as home
    from app.persons import operations as person_ops
    from app.persons import sections
    from app.subsidies import integration, panels
    from app.subsidies.cli import subsidies_cli
    from app.subsidies.views import bp, person_section

    app.register_blueprint(bp)
    app.cli.add_command(subsidies_cli)
    nav.register("补贴申请", "subsidies.applications", roles=REGION_ROLES, order=50, icon="cash-coin")
    nav.register("主动服务", "subsidies.proactive_list", roles=TOWNSHIP_AND_ABOVE, order=55, icon="bell")
    nav.register("补贴项目", "subsidies.programmes", roles=REGION_ROLES, order=90, icon="sliders")
    home.register(panels.subsidy_panels, order=60)
    sections.register(sections.Section("subsidies", "经营主体与补贴", "subsidies/_person_section.html", order=70,
                                       visible=lambda user, person: bool(getattr(user, "roles", set()) & REGION_ROLES),
                                       context=person_section))
    timeline.register_source(integration.application_entries)
    add_once(person_ops.MERGE_HOOKS, integration.move_on_merge)
    demo.register(40, "subsidies", load_subsidies)
