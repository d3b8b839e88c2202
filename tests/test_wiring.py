"""Wiring is explicit: importing a module registers nothing; each domain's `init_app` does, once
per registry however many apps are built (docs/architecture.md, "Wiring: init_app per domain")."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from app import create_app
from config import TestingConfig

ROOT = Path(__file__).resolve().parent.parent

REGISTRIES = """
import json
from sqlalchemy import event
from sqlalchemy.orm import Session
from app.audit.views import FLAGS
from app.cases import sync, timeline
from app.core import nav
from app.demo import loaders
from app.main import panels
from app.persons import operations, sections, write
print(json.dumps({"nav": len(nav._ITEMS), "sections": len(sections._SECTIONS), "panels": len(panels._PROVIDERS),
                  "demo": len(loaders()), "timeline": len(timeline._SOURCES), "merge": len(operations.MERGE_HOOKS),
                  "bulk": len(write.BULK_INSERT_HOOKS), "flags": len(FLAGS),
                  "listener": event.contains(Session, "before_flush", sync.follow_person_moves)}))
"""


def _registries(setup: str) -> dict:
    import json

    out = subprocess.run([sys.executable, "-c", setup + REGISTRIES], cwd=ROOT, capture_output=True, text=True,
                         check=True, timeout=120)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_importing_every_module_registers_nothing():
    setup = ("import importlib, pathlib\n"
             "for p in sorted(pathlib.Path('app').rglob('*.py')):\n"
             "    parts = list(p.with_suffix('').parts)\n"
             "    parts = parts[:-1] if parts[-1] == '__init__' else parts\n"
             "    importlib.import_module('.'.join(parts))\n")
    assert _registries(setup) == {"nav": 0, "sections": 0, "panels": 0, "demo": 0, "timeline": 0, "merge": 0,
                                  "bulk": 0, "flags": 0, "listener": False}


def test_init_app_registers_once_however_many_apps():
    def after(apps: int) -> dict:
        return _registries("from app import create_app\nfrom config import TestingConfig\n"
                           f"for _ in range({apps}):\n"
                           "    create_app(TestingConfig, SQLALCHEMY_DATABASE_URI='sqlite://')\n")

    once = after(1)
    assert once["listener"] is True and all(once[k] > 0 for k in once if k != "listener")
    assert after(3) == once


def test_every_domain_has_init_app_and_create_app_calls_it():
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI="sqlite://")
    for name in ("main", "auth", "regions", "codes", "audit", "persons", "cases", "businesses", "subsidies",
                 "dashboard"):
        assert name in app.blueprints
    assert {"users", "persons", "regions", "demo", "subsidies", "dashboard"} <= set(app.cli.commands)
