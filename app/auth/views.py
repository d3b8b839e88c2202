"""Sign-in, profile and tokens, and user management (city admins and county officers)."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import or_, select

from app.auth import operations as ops
from app.auth.forms import (
    ChangePasswordForm,
    ConfirmForm,
    DeactivateForm,
    LoginForm,
    ResetPasswordForm,
    TokenForm,
    UserFilterForm,
    UserForm,
)
from app.auth.models import ApiToken, MentorLevel, User, UserRole
from app.codes import operations as codes
from app.codes.models import CodeList
from app.core import audit, confirm
from app.core.access import public, rule, signed_in
from app.core.access import users as user_access
from app.core.access.roles import COUNTY_AND_ABOVE, Role
from app.core.access.scope import load_or_404
from app.core.errors import Forbidden
from app.core.forms import int_or_none, submit_action, submit_form
from app.extensions import db, limiter

bp = Blueprint("auth", __name__)


MANAGERS = COUNTY_AND_ABOVE


def _login_limit() -> str:
    return current_app.config["LOGIN_ADDRESS_LIMIT"]


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("main.home")


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"], deduct_when=lambda response: response.status_code != 302)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        result = ops.login(form.username.data, form.password.data, address=request.remote_addr,
                           user_agent=request.headers.get("User-Agent"))
        db.session.commit()
        if result.user is not None:
            session.clear()  # a fresh cookie: nothing from before sign-in carries over
            session["sid"] = result.session_token
            session.permanent = True
            if result.user.must_change_password:
                flash("这是您的初始或重置后的密码，请先修改。", "warning")
                return redirect(url_for("auth.change_password"))
            return redirect(_safe_next(request.args.get("next")))
        form.form_errors.append(result.error)
        return render_template("auth/login.html", form=form), 200
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@signed_in(during_password_change=True)
def logout():
    def sign_out() -> None:
        ops.logout(current_user, session.get("sid"))
        session.clear()

    return submit_action(sign_out, back_url=url_for("main.home"), section=None,
                         next_url=url_for("auth.login"), success="您已安全退出。")


@bp.route("/password", methods=["GET", "POST"])
@signed_in(during_password_change=True)
def change_password():
    form = ChangePasswordForm()

    def change() -> None:
        token = ops.change_password(current_user, form.current_password.data, form.new_password.data,
                                    address=request.remote_addr, user_agent=request.headers.get("User-Agent"))
        session.clear()
        session["sid"] = token

    done = submit_form(form, change, success="密码已修改。其他设备上的登录已全部退出。",
                       next_url=lambda _: url_for("main.home"))
    return done or render_template("auth/change_password.html", form=form)


@bp.route("/profile")
@signed_in()
def profile():
    tokens = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.id.desc())).all()
    return render_template("auth/profile.html", tokens=tokens, form=TokenForm(), confirm=ConfirmForm(),
                           new_token=session.pop("new_token", None))


@bp.route("/profile/tokens", methods=["POST"])
@signed_in()
def token_create():
    form = TokenForm()

    def create() -> None:
        token, secret = ops.create_token(current_user, form.name.data)
        session["new_token"] = secret  # shown once on the next page, then gone from the session

    page = url_for("auth.profile")
    return submit_action(create, form=form, back_url=page, section="tokens", next_url=page + "#tokens",
                         success="令牌已生成。请立即复制保存，离开本页后将无法再次查看。")


@bp.route("/profile/tokens/<int:token_id>/revoke", methods=["POST"])
@signed_in(sample="own_token")
def token_revoke(token_id: int):
    token = load_or_404(ApiToken, token_id, current_user, lambda u, t: t.user_id == u.id)
    page = url_for("auth.profile")
    return submit_action(lambda: ops.revoke_token(current_user, token), form=ConfirmForm(), back_url=page,
                         section="tokens", next_url=page + "#tokens", success="令牌已吊销。")


# ---------------------------------------------------------------------------------------------
# User management


def _load_user(user_id: int) -> User:
    return load_or_404(User, user_id, current_user, user_access.can_view_user)


def _prepare(form: UserForm) -> None:
    allowed = user_access.grantable_roles(current_user)
    form.roles.choices = {r.value: r.label for r in Role if r in allowed}
    levels = user_access.grantable_mentor_levels(current_user)
    form.mentor_level.choices = {"": "（非导师不填）", **{m.value: m.label for m in MentorLevel if m.value in levels}}
    form.mentor_expertise.choices = codes.choices(CodeList.INDUSTRY)


def _user_data(form: UserForm, username: str) -> ops.UserData:
    return ops.UserData(
        username=username,
        full_name=form.full_name.data or "",
        region_code=form.region_code.data or "",
        roles={Role(r) for r in form.roles.data or []},
        mentor_level=form.mentor_level.data or None,
        mentor_category=form.mentor_category.data or None,
        mentor_capacity=form.mentor_capacity.data,
        mentor_expertise=list(form.mentor_expertise.data or []),
        mentor_bio=form.mentor_bio.data,
    )


@bp.route("/users")
@rule(MANAGERS)
def users():
    if not user_access.can_manage_users(current_user):
        raise Forbidden()
    form = UserFilterForm(request.args)
    stmt = select(User).where(user_access.visible_users_condition(current_user, User))
    if form.q.data:
        like = f"%{form.q.data.strip()}%"
        stmt = stmt.where(or_(User.username.ilike(like), User.full_name.like(like)))
    if form.role.data in {r.value for r in Role}:
        stmt = stmt.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == Role(form.role.data))))
    if form.active.data in ("0", "1"):
        stmt = stmt.where(User.is_active_account.is_(form.active.data == "1"))
    after = request.args.get("after", "")
    if after:
        stmt = stmt.where(User.username > after)
    page_size = current_app.config["PAGE_SIZE"]
    rows = db.session.scalars(stmt.order_by(User.username).limit(page_size + 1)).all()
    next_after = rows[page_size - 1].username if len(rows) > page_size else None
    return render_template("auth/users.html", users=rows[:page_size], form=form, next_after=next_after,
                           can_create=bool(user_access.grantable_roles(current_user)))


@bp.route("/users/new", methods=["GET", "POST"])
@rule(MANAGERS)
def user_new():
    form = UserForm()
    _prepare(form)
    done = submit_form(
        form, lambda: ops.create_user(current_user, _user_data(form, form.username.data or ""), form.password.data or ""),
        success=lambda user: f"已创建用户 {user.username}。请将初始密码当面告知本人，首次登录须修改。",
        next_url=lambda user: url_for("auth.user_detail", user_id=user.id))
    return done or render_template("auth/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>")
@rule(MANAGERS, sample="managed_user")
def user_detail(user_id: int):
    user = _load_user(user_id)
    return render_template("auth/user_detail.html", user=user,
                           can_manage=user_access.can_manage_user(current_user, user),
                           reset_form=ResetPasswordForm(), confirm=ConfirmForm(),
                           history=audit.history("user", user.id),
                           industry_labels=codes.labels(CodeList.INDUSTRY))


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@rule(MANAGERS, sample="managed_user")
def user_edit(user_id: int):
    user = _load_user(user_id)
    if not user_access.can_manage_user(current_user, user):
        raise Forbidden("您无权修改该用户。")
    form = UserForm(obj=None if request.method == "POST" else _form_defaults(user))
    _prepare(form)
    done = submit_form(
        form, lambda: ops.update_user(current_user, user, _user_data(form, user.username),
                                      expected_version=int_or_none(form.version.data)),
        success="已保存。", next_url=lambda _: url_for("auth.user_detail", user_id=user.id))
    return done or render_template("auth/user_form.html", form=form, user=user)


class _Defaults:
    def __init__(self, user: User):
        profile = user.mentor_profile
        self.username = user.username
        self.full_name = user.full_name
        self.region_code = user.region.code if user.region else ""
        self.roles = [r.value for r in user.roles]
        self.mentor_level = profile.level.value if profile else ""
        self.mentor_category = profile.category.value if profile else ""
        self.mentor_capacity = profile.capacity if profile else 10
        self.mentor_expertise = profile.expertise if profile else []
        self.mentor_bio = profile.bio if profile else ""
        self.version = str(user.version)


def _form_defaults(user: User) -> _Defaults:
    return _Defaults(user)


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@rule(MANAGERS, sample="managed_user")
def user_reset_password(user_id: int):
    user = _load_user(user_id)
    form = ResetPasswordForm()
    page = url_for("auth.user_detail", user_id=user.id)
    return submit_action(lambda: ops.reset_password(current_user, user, form.password.data or "",
                                                    expected_version=int_or_none(form.version.data)),
                         form=form, back_url=page, section="reset-password", next_url=page,
                         success=f"已重置 {user.username} 的密码；其所有登录已退出，下次登录须修改密码。")


@bp.route("/users/<int:user_id>/deactivate", methods=["GET", "POST"])
@rule(MANAGERS, sample="managed_user")
def user_deactivate(user_id: int):
    user = _load_user(user_id)
    if not user_access.can_manage_user(current_user, user):
        raise Forbidden("您无权停用该用户。")
    form = DeactivateForm()
    if request.method == "GET":
        form.version.data = str(user.version)
    question = f"确定停用账户 {user.username}（{user.full_name}）？"
    if form.is_submitted() and not confirm.confirmed() and form.validate():
        return confirm.ask(question, action="确定停用", danger=True, back=url_for("auth.user_detail", user_id=user.id))
    done = submit_form(form, lambda: ops.deactivate_user(current_user, user, form.reason.data,
                                                         expected_version=int_or_none(form.version.data)),
                       success=f"已停用 {user.username}：其登录和令牌已失效，名下未结案件进入重新分派队列。",
                       next_url=lambda _: url_for("auth.user_detail", user_id=user.id))
    return done or render_template("auth/user_deactivate.html", user=user, form=form, question=question)


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@rule(MANAGERS, sample="managed_user")
def user_reactivate(user_id: int):
    user = _load_user(user_id)
    page = url_for("auth.user_detail", user_id=user.id)
    form = ConfirmForm()
    return submit_action(lambda: ops.reactivate_user(current_user, user, expected_version=int_or_none(form.version.data)),
                         form=form, back_url=page, section=None, next_url=page,
                         success=f"已重新启用 {user.username}，其下次登录须修改密码。")
