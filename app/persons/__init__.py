"""persons domain: the 三有 person library (人员信息库)."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app import demo
    from app.audit.views import add_flag
    from app.core import nav
    from app.core.access import REGION_ROLES
    from app.demo.persons import load_persons
    from app.persons import queries, scale_views, sections
    from app.persons.cli import persons_cli
    from app.persons.views import bp

    # scale_views (import, export, baselines) adds its routes to the persons blueprint, so it is
    # imported above, before the blueprint is registered.
    app.register_blueprint(bp)
    app.cli.add_command(persons_cli)
    nav.register("人员信息库", "persons.index", roles=REGION_ROLES, order=20, icon="person-vcard")
    nav.register("目标基数", "persons.baselines_page", roles=REGION_ROLES, order=22, icon="bullseye")

    Section = sections.Section
    sections.register(Section("basic", "基本信息", "persons/sections/basic.html", order=10))
    sections.register(Section("work", "外出务工与返乡", "persons/sections/work.html", order=20))
    sections.register(Section("intention", "创业意向", "persons/sections/intention.html", order=30))
    sections.register(Section("sanyou", "三有评估", "persons/sections/sanyou.html", order=40))
    sections.register(Section("imports", "导入记录", "persons/sections/imports.html", order=85,
                              visible=lambda user, person: bool(scale_views.import_batches(person)),
                              context=lambda user, person: {"batches": scale_views.import_batches(person)}))
    sections.register(Section("merged", "合并来源", "persons/sections/merged.html", order=90,
                              context=lambda user, person: {"merged_from": sections.merged_from(person)},
                              visible=lambda user, person: bool(sections.merged_from(person))))

    add_flag(f"单日查看超过 {queries.REVEAL_FLAG_THRESHOLD} 人的完整身份证号码", queries.heavy_revealers)
    demo.register(20, "persons", load_persons)
