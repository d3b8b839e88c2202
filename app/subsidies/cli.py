"""`flask subsidies …` commands."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from app.extensions import db

subsidies_cli = AppGroup("subsidies", help="补贴项目、参数版本和 LPR。")


@subsidies_cli.command("seed")
def seed_command() -> None:
    """Add the default programmes, their first rule versions, business-kind settings and the
    published 1-year LPR (idempotent: existing rows are never changed)."""
    from app.subsidies.seed import seed

    added = seed()
    db.session.commit()
    click.echo(f"subsidies: {added} rows added" if added else "subsidies: defaults already present")
