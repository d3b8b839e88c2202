"""`flask --app wsgi regions load`: the NBS divisions of 宜昌市 plus 宜昌高新区."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.codes.operations import seed_defaults
from app.extensions import db
from app.regions.operations import load_regions


@click.group("regions", help="Administrative regions.")
def regions_cli() -> None:
    pass


@regions_cli.command("load")
@with_appcontext
def load() -> None:
    """Load regions and the default code lists. Safe to run again: adds only what is missing."""
    added = load_regions()
    codes_added = seed_defaults()
    db.session.commit()
    click.echo("regions added: " + ", ".join(f"{k} {v}" for k, v in added.items())
               + f"; code items added: {codes_added}")
