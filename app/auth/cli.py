"""`flask --app wsgi users …`: bootstrap the first administrator, issue API tokens."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from app.auth import operations as ops
from app.auth.models import User
from app.core.access.roles import Role
from app.core.errors import FieldErrors
from app.extensions import db
from app.regions.operations import CITY_CODE


@click.group("users", help="User accounts.")
def users_cli() -> None:
    pass


@users_cli.command("create-admin")
@click.argument("username")
@click.option("--name", "full_name", required=True, help="The administrator's real name.")
@click.password_option(help="Initial password (asked for when not given).")
@with_appcontext
def create_admin(username: str, full_name: str, password: str) -> None:
    """Create a city administrator (宜昌市). Use once on a new installation."""
    try:
        user = ops.bootstrap_user(ops.UserData(username=username, full_name=full_name, region_code=CITY_CODE,
                                               roles={Role.CITY_ADMIN}), password)
    except FieldErrors as error:
        db.session.rollback()
        for field, messages in error.fields.items():
            click.echo(f"{field}: {'；'.join(messages)}", err=True)
        raise SystemExit(2) from None
    db.session.commit()
    click.echo(f"created city admin {user.username}")


@users_cli.command("token")
@click.argument("username")
@click.option("--name", default="命令行生成", help="A label to recognise the token by.")
@with_appcontext
def token(username: str, name: str) -> None:
    """Create a personal API token for USERNAME and print only the token."""
    user = db.session.scalar(select(User).where(User.username == username.lower()))
    if user is None or not user.is_active:
        click.echo("no such active user", err=True)
        raise SystemExit(2)
    _, secret = ops.create_token(user, name)
    db.session.commit()
    click.echo(secret)
