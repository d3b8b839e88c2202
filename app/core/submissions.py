"""What the server remembers about form POSTs (used by `core.forms`).

- `FormSubmission`: the one-time token a rendered form carried and where its POST ended. It is
  inserted in the same transaction as the operation and is unique, so a replayed or concurrent
  duplicate POST (double tap, slow network, another gunicorn worker) fails to insert it and is
  answered with a redirect to the first result instead of writing again.
- `FormDraft`: the typed values and messages of a POST that did not go through, kept (encrypted:
  they may hold ID numbers) for the GET that shows the page again (Post/Redirect/Get, so the
  browser history never holds a POST result). The cookie names the draft; the row is deleted
  when it is shown.

Every rendered `<form method="post">` gets a hidden token field (`inject_tokens`, an after-request
hook), so hand-written forms and the forms of new domains are covered without template changes.
"""
from __future__ import annotations

import json
import re
import secrets
from datetime import datetime, timedelta

from flask import Flask, Response, request, session
from sqlalchemy import ForeignKey, Integer, LargeBinary, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import UTCDateTime, utcnow
from app.extensions import db

TOKEN_FIELD = "_once"
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
SESSION_DRAFT = "form_draft"
SESSION_NOTICE = "form_notice"
TOKEN_LIFETIME = timedelta(days=2)
DRAFT_LIFETIME = timedelta(hours=2)
CLEANUP_EVERY = 200  # expire old rows on about one insert in this many
_DRAFT_PURPOSE = "form_draft"

_POST_FORM = re.compile(rb"<form\b[^>]*\bmethod=(?:\"|')?post\b[^>]*>", re.IGNORECASE)


class FormSubmission(db.Model):
    """A form POST that went through, named by the one-time token of the page it came from."""

    __tablename__ = "form_submissions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    result_url: Mapped[str] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class FormDraft(db.Model):
    """A form POST that did not go through: its values and messages, until the page shows them."""

    __tablename__ = "form_drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


def new_token() -> str:
    return secrets.token_urlsafe(18)


def submitted_token() -> str | None:
    """The one-time token of the current POST, if it carries a well-formed one."""
    token = request.form.get(TOKEN_FIELD, "") if request.method == "POST" else ""
    return token if TOKEN_PATTERN.match(token) else None


def find_submission(token: str) -> FormSubmission | None:
    return db.session.scalar(select(FormSubmission).where(FormSubmission.token == token))


def add_submission(token: str, user_id: int | None, result_url: str) -> None:
    """Claim `token` in the current transaction (the caller flushes: a duplicate raises
    IntegrityError there, on PostgreSQL after waiting for the first transaction to finish)."""
    db.session.add(FormSubmission(token=token, user_id=user_id, result_url=result_url[:2000]))
    if secrets.randbelow(CLEANUP_EVERY) == 0:
        expire_old()


def expire_old(now: datetime | None = None) -> tuple[int, int]:
    """Delete tokens older than two days and drafts older than two hours; returns the counts."""
    now = now or utcnow()
    tokens = db.session.execute(delete(FormSubmission).where(FormSubmission.created_at < now - TOKEN_LIFETIME))
    drafts = db.session.execute(delete(FormDraft).where(FormDraft.created_at < now - DRAFT_LIFETIME))
    return tokens.rowcount or 0, drafts.rowcount or 0


def save_draft(user_id: int | None, form_key: str, data: dict) -> None:
    """Keep a failed POST's values and messages (committed at once) and point the cookie at them."""
    from app.core import crypto

    key = secrets.token_urlsafe(24)
    payload = crypto.ring().encrypt(json.dumps(data), _DRAFT_PURPOSE)  # ASCII: any text, even a lone surrogate
    db.session.add(FormDraft(key=key, user_id=user_id, payload=payload))
    db.session.commit()
    session[SESSION_DRAFT] = {"key": key, "form": form_key}


def take_draft(form_key: str, user_id: int | None) -> dict | None:
    """The draft kept for `form_key` by this browser, removed as it is read (shown once)."""
    from app.core import crypto

    pointer = session.get(SESSION_DRAFT)
    if not isinstance(pointer, dict) or pointer.get("form") != form_key:
        return None
    session.pop(SESSION_DRAFT, None)
    row = db.session.scalar(select(FormDraft).where(FormDraft.key == str(pointer.get("key"))))
    if row is None or row.user_id != user_id:
        return None
    data = json.loads(crypto.ring().decrypt(row.payload, _DRAFT_PURPOSE))
    db.session.delete(row)
    db.session.commit()
    return data


def inject_tokens(response: Response) -> Response:
    """Give every `<form method="post">` of an HTML page its own one-time token field."""
    if (response.mimetype != "text/html" or response.direct_passthrough or response.is_streamed
            or request.path.startswith("/api/")):
        return response
    body = response.get_data()
    if b"<form" not in body:
        return response

    def add(match: re.Match) -> bytes:
        return match.group(0) + f'<input type="hidden" name="{TOKEN_FIELD}" value="{new_token()}">'.encode()

    response.set_data(_POST_FORM.sub(add, body))
    return response


def init_app(app: Flask) -> None:
    app.after_request(inject_tokens)
