"""`GET /api/v1/me`: who the token or session belongs to."""
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from app.core.access import signed_in

blp = Blueprint("me_api", __name__, url_prefix="/api/v1/me", description="当前用户")


class MeSchema(Schema):
    username = fields.String()
    full_name = fields.String()
    roles = fields.List(fields.String())
    region_code = fields.String(allow_none=True)
    region_name = fields.String(allow_none=True)


@blp.route("")
class Me(MethodView):
    @signed_in()
    @blp.response(200, MeSchema)
    def get(self):
        """当前登录用户的账户信息"""
        user = current_user
        return {
            "username": user.username,
            "full_name": user.full_name,
            "roles": sorted(r.value for r in user.roles),
            "region_code": user.region.code if user.region else None,
            "region_name": user.region.name if user.region else None,
        }
