"""auth domain: accounts, sign-in, sessions, API tokens and the user administration pages."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app import demo
    from app.auth.cli import users_cli
    from app.auth.views import bp
    from app.core import nav
    from app.core.access.roles import COUNTY_AND_ABOVE
    from app.demo.accounts import load_accounts

    app.register_blueprint(bp)
    app.cli.add_command(users_cli)
    nav.register("用户管理", "auth.users", roles=COUNTY_AND_ABOVE, order=80, icon="people")
    demo.register(10, "accounts", load_accounts)
