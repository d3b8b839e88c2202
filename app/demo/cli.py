"""`flask --app wsgi demo load` (refused under the production configuration)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from app.demo import DEMO_PASSWORD, loaders
from app.extensions import db


@click.group("demo", help="Demo data (development only).")
def demo_cli() -> None:
    pass


@demo_cli.command("load")
@with_appcontext
def load() -> None:
    """Create the demo accounts and data (idempotent). Refused in production."""
    if not current_app.config.get("DEMO_ALLOWED"):
        click.echo("demo data is refused under the production configuration", err=True)
        raise SystemExit(2)
    for _, name, loader in loaders():
        summary = loader()
        db.session.commit()
        click.echo(f"{name}: {summary}")
    click.echo(f"demo password for every demo account: {DEMO_PASSWORD}")
