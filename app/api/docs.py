"""The API's documentation page: Swagger UI served from app/static (no CDN)."""
from flask import Blueprint, render_template

from app.core.access import signed_in

bp = Blueprint("api_docs_page", __name__)


@bp.route("/api/v1/docs")
@signed_in()
def docs():
    return render_template("api/docs.html")
