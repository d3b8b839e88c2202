from flask import Blueprint, jsonify, render_template
from flask_login import current_user
from sqlalchemy import text

from app.core.access import public, signed_in
from app.extensions import db
from app.main.panels import panels_for

bp = Blueprint("main", __name__)

@bp.route("/")
@signed_in()
def home():
    return render_template("main/home.html", panels=panels_for(current_user))


@bp.route("/healthz")
@public
def health():
    """Liveness and database reachability for the load balancer (no personal data)."""
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")
