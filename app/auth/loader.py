"""Who is making this request: a bearer token, or a server-side session named by the cookie."""
from __future__ import annotations

from flask import g, session

from app.auth.operations import load_session, user_for_token


def load_user_from_request(req):
    header = req.headers.get("Authorization", "")
    if header:
        # A request that presents a token is judged by the token alone, never by cookies:
        # the guard skips the CSRF check for it.
        if header.startswith("Bearer "):
            user = user_for_token(header[7:].strip())
            if user is not None:
                g.auth_method = "token"
            return user
        return None
    token = session.get("sid")
    if not token:
        return None
    user, reason = load_session(token)
    if user is None:
        session.pop("sid", None)
        g.session_end_reason = reason
        return None
    g.auth_method = "session"
    return user
