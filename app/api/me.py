"""`/api/v1/me`: who the token or session belongs to, and their own API tokens."""
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import select

from app.auth import operations as auth_ops
from app.auth.models import ApiToken
from app.core.access import signed_in
from app.core.access.scope import load_or_404
from app.extensions import db

blp = Blueprint("me_api", __name__, url_prefix="/api/v1/me", description="当前用户与接口令牌")


class MeSchema(Schema):
    username = fields.String()
    full_name = fields.String()
    roles = fields.List(fields.String())
    region_code = fields.String(allow_none=True)
    region_name = fields.String(allow_none=True)


class TokenSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    prefix = fields.String()
    created_at = fields.DateTime()
    last_used_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)


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


@blp.route("/tokens")
class Tokens(MethodView):
    @signed_in()
    @blp.response(200, TokenSchema(many=True))
    def get(self):
        """本人的接口令牌（不含令牌本身，只有前缀）"""
        return db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.id.desc())).all()


@blp.route("/tokens/<int:token_id>")
class TokenItem(MethodView):
    @signed_in(sample="own_token")
    @blp.response(204)
    def delete(self, token_id: int):
        """吊销本人的一个接口令牌"""
        token = load_or_404(ApiToken, token_id, current_user, lambda u, t: t.user_id == u.id)
        auth_ops.revoke_token(current_user, token)
        db.session.commit()
        return None
