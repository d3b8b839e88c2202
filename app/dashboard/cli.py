"""`flask --app wsgi dashboard …`: counter maintenance for the targets dashboard."""
from __future__ import annotations

import click

from app.dashboard import counters
from app.extensions import db


@click.group("dashboard", help="The targets dashboard (总体目标).")
def dashboard_cli() -> None:
    pass


@dashboard_cli.command("rebuild-counters")
def rebuild_counters() -> None:
    """Recompute every trigger-maintained counter table from its source rows (one transaction)."""
    written = counters.rebuild()
    db.session.commit()
    for table, rows in written.items():
        click.echo(f"{table}: {rows} rows")


@dashboard_cli.command("check-counters")
def check_counters() -> None:
    """Compare every counter table with a fresh count; exit 1 when any row differs."""
    found = counters.differences()
    if not found:
        click.echo("counters match a fresh count")
        return
    for table, rows in found.items():
        click.echo(f"{table}: {rows} rows differ")
    raise SystemExit(1)
