"""The "1+1+N" case management domain (issue 5): case files, requests, assignments, services,
timeline, follow-up cadence and work queues. See docs/cases.md."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from app import demo
    from app.cases import panels, sync
    from app.cases.views import VIEWERS, bp
    from app.core import nav
    from app.core.access import Role
    from app.core.hooks import add_once
    from app.demo.cases import load_cases
    from app.main import panels as home
    from app.persons import operations as person_ops
    from app.persons import sections

    app.register_blueprint(bp)
    nav.register("一人一档", "cases.index", roles=VIEWERS, order=30, icon="folder2-open")
    nav.register("服务目录", "cases.catalogue", roles={Role.CITY_ADMIN}, order=85, icon="list-check")
    home.register(panels.case_panels, order=30)
    sections.register(sections.Section("case", "一人一档", "cases/_person_section.html", order=60,
                                       context=panels.section_context))
    add_once(person_ops.MERGE_HOOKS, sync.move_cases_on_merge)
    # A person moved to another village: their cases follow in the same flush.
    if not event.contains(Session, "before_flush", sync.follow_person_moves):
        event.listen(Session, "before_flush", sync.follow_person_moves)
    demo.register(30, "cases", load_cases)
