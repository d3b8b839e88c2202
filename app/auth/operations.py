"""Accounts: sign-in, sessions, passwords, user management, API tokens.

Operations take the acting user explicitly, write their own audit rows, `flush()` and never
commit: the view (or CLI command) commits once.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from app.auth.models import (
    ApiToken,
    MentorCategory,
    MentorExpertise,
    MentorLevel,
    MentorProfile,
    User,
    UserRole,
    UserSession,
)
from app.auth.passwords import burn_time, hash_password, policy_errors, verify_password
from app.core import audit, clock
from app.core.access import users as user_access
from app.core.access.roles import ROLE_REGION_LEVEL, Role
from app.core.errors import Conflict, FieldErrors, Forbidden, check_version
from app.extensions import db
from app.regions.models import Region, RegionLevel

USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_.-")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# ---------------------------------------------------------------------------------------------
# Sign-in and sessions

@dataclass
class LoginResult:
    user: User | None = None
    session_token: str | None = None
    error: str | None = None


GENERIC_LOGIN_ERROR = "用户名或密码错误。"


def login(username: str, password: str, *, address: str | None, user_agent: str | None) -> LoginResult:
    """Check credentials and open a server-side session.

    The 5th consecutive failure locks the account for 15 minutes; while locked even the right
    password is refused. Failures are counted with an atomic UPDATE so that concurrent attempts
    on several worker processes all count.
    """
    config = current_app.config
    now = clock.now()
    user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        burn_time()
        audit.record("login_failed", actor=None, object_type="user", result=audit.RESULT_FAILED,
                     detail=f"未知用户名：{username[:64]}")
        return LoginResult(error=GENERIC_LOGIN_ERROR)

    if user.locked_until is not None and user.locked_until > now:
        burn_time()
        audit.record("login_locked", user, actor=user, result=audit.RESULT_DENIED,
                     detail="账户锁定期间的登录尝试")
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        return LoginResult(error=f"连续登录失败次数过多，账户已锁定，请约 {minutes} 分钟后再试。")

    if not verify_password(user.password_hash, password):
        db.session.execute(
            update(User).where(User.id == user.id)
            .values(failed_logins=User.failed_logins + 1)
            .execution_options(synchronize_session=False)
        )
        failures = db.session.scalar(select(User.failed_logins).where(User.id == user.id))
        if failures >= config["LOGIN_MAX_FAILURES"]:
            db.session.execute(
                update(User).where(User.id == user.id)
                .values(failed_logins=0, locked_until=now + timedelta(minutes=config["LOGIN_LOCK_MINUTES"]))
                .execution_options(synchronize_session=False)
            )
            audit.record("account_locked", user, actor=user, result=audit.RESULT_DENIED,
                         detail=f"连续 {failures} 次密码错误，锁定 {config['LOGIN_LOCK_MINUTES']} 分钟")
        audit.record("login_failed", user, actor=user, result=audit.RESULT_FAILED, detail="密码错误")
        db.session.expire(user)
        return LoginResult(error=GENERIC_LOGIN_ERROR)

    if not user.is_active:
        audit.record("login_failed", user, actor=user, result=audit.RESULT_DENIED, detail="账户已停用")
        return LoginResult(error="该账户已停用，请联系管理员。")

    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    token = start_session(user, address=address, user_agent=user_agent)
    audit.record("login", user, actor=user)
    db.session.flush()
    return LoginResult(user=user, session_token=token)


def start_session(user: User, *, address: str | None, user_agent: str | None) -> str:
    token = secrets.token_urlsafe(32)
    now = clock.now()
    db.session.add(UserSession(
        token_hash=_digest(token), user_id=user.id, created_at=now, last_seen_at=now,
        address=address, user_agent=(user_agent or "")[:200],
    ))
    return token


def load_session(token: str) -> tuple[User | None, str | None]:
    """The user of a live session, touching it; or (None, reason) when it has ended or expired."""
    # The session, its user, the user's region, roles and mentor profile in one statement: this
    # runs at the start of every request.
    stmt = (select(UserSession).where(UserSession.token_hash == _digest(token))
            .options(joinedload(UserSession.user).options(joinedload(User.role_rows), joinedload(User.mentor_profile))))
    row = db.session.execute(stmt).unique().scalar_one_or_none()
    if row is None or row.ended_at is not None:
        return None, "ended"
    config = current_app.config
    now = clock.now()
    if now - row.last_seen_at > config["SESSION_IDLE_TIMEOUT"]:
        _end(row, "idle", now)
        db.session.commit()
        return None, "idle"
    if now - row.created_at > config["SESSION_ABSOLUTE_TIMEOUT"]:
        _end(row, "absolute", now)
        db.session.commit()
        return None, "absolute"
    user = row.user
    if not user.is_active:
        return None, "inactive"
    if now - row.last_seen_at > config["SESSION_TOUCH_INTERVAL"]:
        row.last_seen_at = now
        db.session.commit()
    return user, None


def _end(row: UserSession, reason: str, now=None) -> None:
    row.ended_at = now or clock.now()
    row.end_reason = reason


def end_session(token: str | None, reason: str = "logout") -> None:
    if not token:
        return
    row = db.session.scalar(select(UserSession).where(UserSession.token_hash == _digest(token)))
    if row is not None and row.ended_at is None:
        _end(row, reason)


def end_all_sessions(user: User, reason: str) -> int:
    result = db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=clock.now(), end_reason=reason)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def logout(user: User, token: str | None) -> None:
    end_session(token, "logout")
    audit.record("logout", user, actor=user)


# ---------------------------------------------------------------------------------------------
# API tokens

TOKEN_PREFIX = "fx_"


def create_token(actor: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal API token; the secret is returned once and only its hash is kept."""
    name = (name or "").strip()
    if not name:
        raise FieldErrors.single("name", "请填写令牌名称，例如“数据对接”。")
    if len(name) > 64:
        raise FieldErrors.single("name", "令牌名称不能超过 64 个字符。")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=actor.id, name=name, token_hash=_digest(secret), prefix=secret[:10],
                     created_at=clock.now())
    db.session.add(token)
    db.session.flush()
    audit.record("token_create", token, actor=actor, changes={"name": [None, name]})
    return token, secret


def revoke_token(actor: User, token: ApiToken) -> None:
    if token.user_id != actor.id and not user_access.can_manage_user(actor, token.user):
        raise Forbidden()
    if token.revoked_at is not None:
        raise Conflict("该令牌已被吊销。")
    token.revoked_at = clock.now()
    audit.record("token_revoke", token, actor=actor)


def user_for_token(secret: str) -> User | None:
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(secret)))
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        token.last_used_at = now
        db.session.commit()
    return token.user


# ---------------------------------------------------------------------------------------------
# Passwords

def change_password(user: User, current: str, new: str, *, address: str | None,
                    user_agent: str | None) -> str:
    """Change one's own password; every other session ends. Returns the new session token."""
    errors: dict[str, list[str]] = {}
    if not verify_password(user.password_hash, current):
        errors["current_password"] = ["当前密码不正确。"]
    problems = policy_errors(new, user.username)
    if not problems and verify_password(user.password_hash, new):
        problems.append("新密码不能与当前密码相同。")
    if problems:
        errors["new_password"] = problems
    if errors:
        audit.record_failure("password_change", user, actor=user, detail="修改密码未通过校验")
        raise FieldErrors(fields=errors)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    end_all_sessions(user, "password_changed")
    token = start_session(user, address=address, user_agent=user_agent)
    audit.record("password_change", user, actor=user)
    db.session.flush()
    return token


def reset_password(actor: User, target: User, new: str, *, expected_version: int | None) -> None:
    """An account manager sets a temporary password; the user must change it at next sign-in.
    `expected_version` is the account version the manager saw (missing 422, stale 409)."""
    if not user_access.can_manage_user(actor, target):
        raise Forbidden("您无权重置该用户的密码。")
    check_version(target, expected_version)
    problems = policy_errors(new, target.username)
    if problems:
        raise FieldErrors(fields={"password": problems})
    target.password_hash = hash_password(new)
    target.must_change_password = True
    target.failed_logins = 0
    target.locked_until = None
    end_all_sessions(target, "password_reset")
    audit.record("password_reset", target, actor=actor)
    db.session.flush()


# ---------------------------------------------------------------------------------------------
# User management

@dataclass
class UserData:
    username: str
    full_name: str
    region_code: str
    roles: set[Role] = field(default_factory=set)
    mentor_level: str | None = None
    mentor_category: str | None = None
    mentor_capacity: int | None = None
    mentor_expertise: list[str] = field(default_factory=list)
    mentor_bio: str | None = None


def _validate(actor: User, data: UserData, *, existing: User | None) -> tuple[Region, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    username = data.username.strip().lower()
    if existing is None:
        if not 3 <= len(username) <= 64 or not set(username) <= USERNAME_CHARS:
            errors["username"] = ["用户名须为 3–64 位小写字母、数字或 _ . -。"]
        elif db.session.scalar(select(func.count()).select_from(User).where(User.username == username)):
            errors["username"] = ["该用户名已被使用。"]
    if not data.full_name.strip():
        errors["full_name"] = ["请填写姓名。"]
    elif len(data.full_name.strip()) > 64:
        errors["full_name"] = ["姓名不能超过 64 个字符。"]
    if not data.roles:
        errors["roles"] = ["请至少选择一个角色。"]
    region = db.session.scalar(select(Region).where(Region.code == data.region_code.strip()))
    if region is None:
        errors["region_code"] = ["所属区域不存在。"]
    else:
        for role in data.roles:
            level = ROLE_REGION_LEVEL.get(role)
            if level and region.level.value != level:
                errors.setdefault("region_code", []).append(
                    f"{role.label}的所属区域应为{RegionLevel(level).label}级。")
        if Role.SPECIALIST in data.roles and region.level not in (RegionLevel.COUNTY, RegionLevel.TOWNSHIP):
            errors.setdefault("region_code", []).append("服务专员的所属区域应为县或乡镇。")
    if Role.MENTOR in data.roles:
        if data.mentor_level not in {m.value for m in MentorLevel}:
            errors["mentor_level"] = ["请选择导师层级（市级或县级）。"]
        elif region is not None:
            wanted = RegionLevel.CITY if data.mentor_level == "city" else RegionLevel.COUNTY
            if region.level != wanted:
                errors.setdefault("region_code", []).append(f"{MentorLevel(data.mentor_level).label}导师的所属区域应为{wanted.label}级。")
        if data.mentor_category not in {c.value for c in MentorCategory}:
            errors["mentor_category"] = ["请选择导师类别。"]
        if data.mentor_capacity is None or not 1 <= data.mentor_capacity <= 200:
            errors["mentor_capacity"] = ["可服务人数应为 1–200。"]
        from app.codes.models import CodeList
        from app.codes.operations import unknown_codes

        unknown = unknown_codes(CodeList.INDUSTRY, data.mentor_expertise)
        if unknown:
            errors["mentor_expertise"] = [f"未知的行业代码：{'、'.join(unknown)}"]
    return region, errors


def _apply_roles_and_profile(user: User, data: UserData) -> None:
    current = {r.role for r in user.role_rows}
    for row in list(user.role_rows):
        if row.role not in data.roles:
            user.role_rows.remove(row)
    for role in data.roles - current:
        user.role_rows.append(UserRole(role=role))
    if Role.MENTOR in data.roles:
        profile = user.mentor_profile or MentorProfile()
        profile.level = MentorLevel(data.mentor_level)
        profile.category = MentorCategory(data.mentor_category)
        profile.capacity = data.mentor_capacity
        profile.bio = (data.mentor_bio or "").strip() or None
        wanted = set(data.mentor_expertise)
        for row in list(profile.expertise_rows):
            if row.industry_code not in wanted:
                profile.expertise_rows.remove(row)
        have = {r.industry_code for r in profile.expertise_rows}
        for code in sorted(wanted - have):
            profile.expertise_rows.append(MentorExpertise(industry_code=code))
        user.mentor_profile = profile
    elif user.mentor_profile is not None:
        user.mentor_profile = None


def _user_snapshot(user: User) -> dict:
    profile = user.mentor_profile
    return audit.snapshot(user, extra={
        "roles": sorted(r.value for r in user.roles),
        "mentor_level": profile.level.value if profile else None,
        "mentor_category": profile.category.value if profile else None,
        "mentor_capacity": profile.capacity if profile else None,
        "mentor_expertise": profile.expertise if profile else None,
    })


def create_user(actor: User, data: UserData, password: str) -> User:
    region, errors = _validate(actor, data, existing=None)
    problems = policy_errors(password, data.username)
    if problems:
        errors["password"] = problems
    if errors:
        raise FieldErrors(fields=errors)
    if not user_access.can_grant(actor, data.roles, region, data.mentor_level):
        audit.record_failure("user_create", actor=actor, object_type="user", result=audit.RESULT_DENIED,
                             detail="超出授权范围的账户创建")
        raise Forbidden("您无权创建该角色或该区域的账户。")
    user = _add_user(data, region, password, must_change_password=True)
    audit.record("user_create", user, actor=actor, changes=audit.diff({}, _user_snapshot(user)))
    return user


def _add_user(data: Any, region: Region, password: str, *, must_change_password: bool) -> User:
    user = User(username=data.username.strip().lower(), full_name=data.full_name.strip(),
                region_id=region.id, password_hash=hash_password(password),
                must_change_password=must_change_password, is_active_account=True)
    user.region = region
    _apply_roles_and_profile(user, data)
    db.session.add(user)
    db.session.flush()
    return user


def update_user(actor: User, target: User, data: UserData, *, expected_version: int | None) -> User:
    if not user_access.can_manage_user(actor, target):
        raise Forbidden("您无权修改该用户。")
    check_version(target, expected_version)
    region, errors = _validate(actor, data, existing=target)
    if errors:
        raise FieldErrors(fields=errors)
    if not user_access.can_grant(actor, data.roles, region, data.mentor_level):
        raise Forbidden("您无权授予该角色或该区域。")
    before = _user_snapshot(target)
    target.full_name = data.full_name.strip()
    target.region_id = region.id
    target.region = region
    _apply_roles_and_profile(target, data)
    db.session.flush()
    changes = audit.diff(before, _user_snapshot(target))
    if changes:
        audit.record("user_update", target, actor=actor, changes=changes)
    return target


def deactivate_user(actor: User, target: User, reason: str, *, expected_version: int | None) -> None:
    """Deactivate (never delete): sessions and tokens end at once; the user's open cases show
    in the reassignment queue because their assignee is inactive. `expected_version` is the
    account version the manager saw."""
    if actor.id == target.id:
        raise Forbidden("不能停用自己的账户。")
    if not user_access.can_manage_user(actor, target):
        raise Forbidden("您无权停用该用户。")
    check_version(target, expected_version)
    if not target.is_active_account:
        raise Conflict("该用户已停用。")
    reason = (reason or "").strip()
    if not reason:
        raise FieldErrors.single("reason", "请填写停用原因。")
    target.is_active_account = False
    target.deactivated_at = clock.now()
    end_all_sessions(target, "deactivated")
    db.session.execute(
        update(ApiToken).where(ApiToken.user_id == target.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=clock.now()).execution_options(synchronize_session=False)
    )
    audit.record("user_deactivate", target, actor=actor, changes={"is_active_account": [True, False]},
                 detail=reason[:500])
    db.session.flush()


def reactivate_user(actor: User, target: User, *, expected_version: int | None) -> None:
    if not user_access.can_manage_user(actor, target):
        raise Forbidden("您无权启用该用户。")
    check_version(target, expected_version)
    if target.is_active_account:
        raise Conflict("该用户已是启用状态。")
    target.is_active_account = True
    target.deactivated_at = None
    target.must_change_password = True
    audit.record("user_reactivate", target, actor=actor, changes={"is_active_account": [False, True]})
    db.session.flush()


def bootstrap_user(data: UserData, password: str) -> User:
    """Create an account without an acting user (CLI bootstrap of the first city admin, demo data).

    Validates like `create_user` but skips the grant check; the audit row has no actor."""
    region, errors = _validate(None, data, existing=None)  # type: ignore[arg-type]
    problems = policy_errors(password, data.username)
    if problems:
        errors["password"] = problems
    if errors:
        raise FieldErrors(fields=errors)
    user = _add_user(data, region, password, must_change_password=False)
    audit.record("user_create", user, actor=None, changes=audit.diff({}, _user_snapshot(user)),
                 detail="命令行创建")
    return user
