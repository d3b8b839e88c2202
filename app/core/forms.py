"""The one way to finish a form POST (Post/Redirect/Get); docs/forms.md tells the whole story.

No view commits, flashes or redirects at the end of a POST by itself; it calls one of:

- `submit_form(form, operation, …)` for a form page whose GET and POST share a URL: validate →
  run `operation()` → commit once → flash → redirect. On failure (the form does not validate, the
  operation raises `FieldErrors` or a `Conflict`) roll back, keep the typed values and the messages
  (`FormDraft`) and answer 303 to the same page, whose GET shows them again: the error summary at
  the top links to each field and the first invalid field gets the focus (app.js). On a GET it puts
  a kept draft back into the form. Returns the response to send, or None: render the page.
- `submit_page(operation, …)`, the same for a hand-written form (it also keeps chosen files).
- `submit_action(operation, …, back_url=…, section=…)` for a button or small form embedded in a
  larger page (the case page's sections, the cards of the requests page). Its failure — including a
  refused transition or a stale version — returns to that page at `#section` with the message
  inside the section (`section_messages` macro), never to a bare error page; its success message
  is shown inside the section it jumps to.

All of them claim the page's one-time token (`core.submissions`) in the same transaction, so a
replayed POST is answered by `replay_guard` (or by the unique token when two arrive together) with
a redirect to the first result instead of a second write.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, flash, g, redirect, request, session
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from app.core import staging, submissions
from app.core.errors import Conflict, FieldErrors, StaleRecord, is_api_request, reset_transaction
from app.extensions import db

SKIPPED_VALUES = frozenset({"csrf_token", submissions.TOKEN_FIELD})
REPLAYED_MESSAGE = "此表单已经提交过，没有重复保存。"


class KeepPage(Exception):
    """Raised by a view's operation: the POST did not go through for a reason the page explains
    itself (e.g. near-duplicate records to confirm). The values are kept with `context` (plain
    JSON data) and the page's GET reads it back with `kept_context()`."""

    def __init__(self, context: dict[str, Any], message: str | None = None):
        super().__init__(message or "")
        self.context = context
        self.message = message


def apply_field_errors(form: FlaskForm, error: FieldErrors, aliases: dict[str, str] | None = None) -> None:
    """Show an operation's field errors beside the form's fields (unknown names go on top)."""
    aliases = aliases or {}
    for name, messages in error.fields.items():
        field = getattr(form, aliases.get(name, name), None)
        if field is not None and getattr(field, "type", "") == "HiddenField":
            form.form_errors.extend(messages)  # a hidden field (`version`) has no place to show it
        elif field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors or []) + list(messages)
        else:
            form.form_errors.extend(messages)
    if not error.fields:
        form.form_errors.append(error.message)


def int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# ---------------------------------------------------------------------------------------------
# Finishing a POST


def submit_form(form: FlaskForm, operation: Callable[[], Any], *, success: str | Callable[[Any], str] | None,
                next_url: Callable[[Any], str], aliases: dict[str, str] | None = None,
                back_url: str | None = None, notice_at: str | None = None) -> Response | None:
    """The POST half of a form page (see the module text). `success` is a text or a function of the
    operation's result; `next_url(result)` is where a successful POST goes; `back_url` the GET of
    this page that shows a failed POST again (default: the URL posted to). With `notice_at` (a
    section of the next page that renders `section_messages`) the success text is shown there,
    where the page lands, instead of at the top."""
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        restore(form)
        return None
    here = back_url or request.full_path.rstrip("?")
    if not form.validate_on_submit():
        return _keep_and_return(form_messages(form), here, request.path)
    try:
        result = operation()
    except FieldErrors as error:
        db.session.rollback()
        apply_field_errors(form, error, aliases)
        return _keep_and_return(form_messages(form), here, request.path)
    except StaleRecord:
        raise  # the page must be loaded again: typed values would overwrite someone else's change
    except Conflict as error:  # e.g. the ID number belongs to another record: a message at the top
        return _keep_and_return([_message(None, "", error.message)], here, request.path)
    except KeepPage as kept:
        messages = [_message(None, "", kept.message)] if kept.message else []
        return _keep_and_return(messages, here, request.path, context=kept.context)
    target = next_url(result)
    return finish(target, success(result) if callable(success) else success,
                  notice_key=f"{urlsplit(target).path}#{notice_at}" if notice_at else None)


def submit_page(operation: Callable[[], Any], *, success: str | Callable[[Any], str] | None,
                next_url: Callable[[Any], str], labels: Mapping[str, str],
                back_url: str | None = None) -> Response | None:
    """`submit_form` for a hand-written form whose inputs are named and identified by field name
    (`labels` names them in messages). The template reads the kept values and messages from
    `section_state(None)`; chosen files come from `uploaded_files(name)` and are kept (staged)
    when the POST does not go through. `back_url` is the GET of this page (default: the URL posted
    to), for pages that take their subject from the posted body."""
    if request.method != "POST":
        return None
    here = back_url or request.full_path.rstrip("?")
    try:
        result = operation()
    except FieldErrors as error:
        return _keep_and_return(_error_messages(error, None, None, labels), here, request.path, keep_files=True)
    except Conflict as error:
        return _keep_and_return([_message(None, "", error.message)], here, request.path, keep_files=True)
    return finish(next_url(result), success(result) if callable(success) else success)


def submit_action(operation: Callable[[], Any], *, success: str | Callable[[Any], str | tuple[str, str]] | None,
                  next_url: str | Callable[[Any], str], back_url: str, section: str | None,
                  form: FlaskForm | None = None, labels: Mapping[str, str] | None = None,
                  ids: Mapping[str, str] | None = None, category: str = "success") -> Response:
    """Finish a POST sent from section `section` (an element id) of the page at `back_url`.

    `form`, when given, checks the input's shape first and names the fields in messages; `labels`
    names fields of hand-written inputs. A `FieldErrors` or `Conflict` from the operation returns to
    `back_url#section` with the messages in the section (`section_messages` macro; its summary
    links to `#<section>-<field>`, or to `ids[field]`: the ids of the section's inputs). Without a
    section (a button in the page header or the navigation) they are flashed at the top of
    `back_url`.

    `success` is a text or a function of the result giving a text or `(text, flash category)`.
    When `next_url` ends in `#<section>` the text is shown inside that section, where the page
    lands, instead of at the top."""
    key = f"{urlsplit(back_url).path}#{section}" if section else None
    back = f"{back_url}#{section}" if section else back_url

    def failed(messages: list[dict[str, Any]]) -> Response:
        for item in messages:
            if ids and item["field"] in ids:
                item["target"] = ids[item["field"]]
        return _keep_and_return(messages, back, key)

    if form is not None and not form.validate_on_submit():
        return failed(form_messages(form, section, labels))
    try:
        result = operation()
    except FieldErrors as error:
        return failed(_error_messages(error, form, section, labels))
    except Conflict as error:
        return failed([_message(None, "", error.message)])
    target = next_url(result) if callable(next_url) else next_url
    text = success(result) if callable(success) else success
    if isinstance(text, tuple):
        text, category = text
    parts = urlsplit(target)
    notice_key = f"{parts.path}#{parts.fragment}" if section and parts.fragment == section else None
    return finish(target, text, category=category, notice_key=notice_key)


def finish(url: str, message: str | None, *, category: str = "success", notice_key: str | None = None,
           status: int = 302) -> Response:
    """Commit the operation together with this page's one-time token, show `message` (as a flash,
    or beside section `notice_key` of the next page) and redirect to `url`. A duplicate token —
    the same form posted twice at once — rolls this copy back and redirects to the first result."""
    token = submissions.submitted_token()
    try:
        if token is not None:
            submissions.add_submission(token, _user_id(), url)
            db.session.flush()
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        found = submissions.find_submission(token) if token is not None else None
        if found is None:
            raise
        return _replayed(found)
    _discard_used_files()
    if message:
        if notice_key:
            session[submissions.SESSION_NOTICE] = {"key": notice_key, "category": category, "text": message}
        else:
            flash(message, category)
    return redirect(url, status)


def replay_guard() -> Response | None:
    """Before a browser POST: a token already used answers with the first result's page."""
    if request.method != "POST" or is_api_request() or request.headers.get("Authorization"):
        return None
    token = submissions.submitted_token()
    found = _earlier_submission(token) if token is not None else None
    return _replayed(found) if found is not None else None


def _earlier_submission(token: str) -> submissions.FormSubmission | None:
    return submissions.find_submission(token)


def _replayed(found: submissions.FormSubmission) -> Response:
    if found.user_id != _user_id():
        return redirect("/", 303)
    flash(REPLAYED_MESSAGE, "info")
    return redirect(found.result_url, 303)


def _user_id() -> int | None:
    return current_user.id if current_user and current_user.is_authenticated else None


# ---------------------------------------------------------------------------------------------
# Keeping a failed POST for the page that shows it again


def _message(field: str | None, label: str, text: str, target: str | None = None) -> dict[str, Any]:
    return {"field": field, "label": label, "message": text, "target": target}


def _texts(errors: Any) -> Iterable[str]:
    if isinstance(errors, str):
        yield errors
    elif isinstance(errors, Mapping):
        for value in errors.values():
            yield from _texts(value)
    elif isinstance(errors, Iterable):
        for value in errors:
            yield from _texts(value)


def form_messages(form: FlaskForm, section: str | None = None,
                  labels: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """The error summary of a form (also a Jinja global): form-level messages, then each field's,
    linked to the field's element id (`<section>-<name>` for a form inside a page section)."""
    out = [_message(None, "", text) for text in form.form_errors]
    for field in form:
        if field.type in ("CSRFTokenField", "HiddenField"):
            texts = ["页面已过期，请重新提交。"] if field.type == "CSRFTokenField" and field.errors else _texts(field.errors)
            out.extend(_message(None, "", text) for text in texts)
            continue
        label = (labels or {}).get(field.name) or (field.label.text if field.label else "")
        target = f"{section}-{field.name}" if section else field.id
        out.extend(_message(field.name, label, text, target) for text in _texts(field.errors))
    return out


def _error_messages(error: FieldErrors, form: FlaskForm | None, section: str | None,
                    labels: Mapping[str, str] | None) -> list[dict[str, Any]]:
    """Messages of an operation's `FieldErrors`; a field the page shows (in `form` or `labels`)
    is linked (`#<section>-<name>` in a section, `#<name>` on a hand-written page)."""
    out = []
    for name, texts in error.fields.items():
        field = getattr(form, name, None) if form is not None else None
        shown = hasattr(field, "label") or name in (labels or {})
        label = (labels or {}).get(name) or (field.label.text if hasattr(field, "label") else "")
        target = (f"{section}-{name}" if section else name) if shown else None
        out.extend(_message(name, label, text, target) for text in texts)
    return out or [_message(None, "", error.message)]


def _keep_and_return(messages: list[dict[str, Any]], url: str, key: str | None,
                     context: dict[str, Any] | None = None, keep_files: bool = False) -> Response:
    """Roll back, keep the POST's values and messages for `key` and send the browser (303) to the
    page that shows them: the history then holds only GETs, so Back never offers to resubmit.
    Without a key the messages are flashed at the top of that page. Passwords are never kept;
    chosen files only where the page lists them again (`keep_files`, see core.staging)."""
    reset_transaction()
    messages = messages or ([] if context else [_message(None, "", FieldErrors.default_message)])
    if key is None:
        for item in messages:
            flash(f"{item['label']}：{item['message']}" if item["label"] else item["message"], "danger")
        return redirect(url, 303)
    values = [(name, value) for name, value in request.form.items(multi=True)
              if name not in SKIPPED_VALUES and "password" not in name]
    if keep_files:
        values = _stage_files(values, refused={m["field"] for m in messages if m["field"]})
    submissions.save_draft(_user_id(), key, {"values": values, "messages": messages, "context": context})
    return redirect(url, 303)


def _stage_files(values: list[tuple[str, str]], refused: set[str]) -> list[tuple[str, str]]:
    """Keep the files chosen on a failed POST: a newly chosen file replaces the one kept before; a
    file the operation refused (its input has a message), chosen now or kept before, is dropped."""
    user_id = _user_id()
    chosen = [(name, storage) for name, storage in request.files.items(multi=True)
              if storage and storage.filename and name not in refused]
    renewed = {name for name, _ in chosen}
    kept = []
    for name, value in values:
        if name != staging.STAGED_FIELD:
            kept.append((name, value))
            continue
        found = staging.find(user_id, value)
        if found is not None and (found.field in renewed or found.field in refused):
            staging.discard(user_id, found)
        elif found is not None:
            kept.append((name, value))
    for name, storage in chosen:
        storage.stream.seek(0)
        staged = staging.stage(user_id, name, storage.filename, storage.stream.read(staging.MAX_BYTES + 1))
        kept.append((staging.STAGED_FIELD, staged.reference))
    return kept


def uploaded_files(name: str, limit: int) -> list[tuple[str, bytes]]:
    """The files of input `name`: the ones chosen now, or else the ones kept from a failed submit
    (`limit` bytes are read, one more than allowed, so the operation can refuse a larger file)."""
    chosen = [storage for storage in request.files.getlist(name) if storage and storage.filename]
    if chosen:
        return [(storage.filename, storage.stream.read(limit + 1)) for storage in chosen]
    out = []
    for reference in request.form.getlist(staging.STAGED_FIELD):
        found = staging.find(_user_id(), reference)
        if found is not None and found.field == name:
            out.append((found.filename, staging.read(_user_id(), found)[:limit + 1]))
    return out


def _discard_used_files() -> None:
    for reference in request.form.getlist(staging.STAGED_FIELD):
        found = staging.find(_user_id(), reference)
        if found is not None:
            staging.discard(_user_id(), found)


def _draft(key: str) -> dict | None:
    cache = g.setdefault("form_drafts", {})
    if key not in cache:
        cache[key] = submissions.take_draft(key, _user_id())
    return cache[key]


def kept_context() -> dict[str, Any] | None:
    """The `KeepPage.context` of the failed POST this page shows again, if any."""
    data = _draft(request.path)
    return data.get("context") if data else None


def restore(form: FlaskForm, section: str | None = None) -> bool:
    """Put a kept failed POST back into `form` (values and field messages); True if there was one.
    `section` names the page section the form sits in (for forms posted with `submit_action`)."""
    data = _draft(f"{request.path}#{section}" if section else request.path)
    if not data:
        return False
    form.process(formdata=MultiDict(data["values"]))
    for item in data["messages"]:
        field = getattr(form, item["field"], None) if item["field"] else None
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors or []) + [item["message"]]
        else:
            form.form_errors.append(item["message"])
    return True


class SectionState:
    """What one section of a page shows after an embedded form was posted: the kept values and
    messages of a failed POST, or the notice of a successful one."""

    def __init__(self, section: str | None, data: dict | None, notice: dict | None):
        self.section = section
        self.values = MultiDict(data["values"]) if data else MultiDict()
        self.messages = data["messages"] if data else []
        self.notice = notice

    def value(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)

    def error(self, name: str) -> bool:
        return any(m["field"] == name for m in self.messages)

    def staged(self, name: str) -> list[staging.StagedFile]:
        """Files chosen for input `name` on the failed POST, kept for the next submit."""
        found = (staging.find(_user_id(), ref) for ref in self.values.getlist(staging.STAGED_FIELD))
        return [f for f in found if f is not None and f.field == name]

    def __bool__(self) -> bool:
        return bool(self.messages or self.notice)


def section_state(section: str | None) -> SectionState:
    """Jinja global: the state of `section` on this page, or of the whole page's hand-written form
    when `section` is None (read once; see `SectionState`)."""
    key = f"{request.path}#{section}" if section else request.path
    states = g.setdefault("form_sections", {})
    if key not in states:
        notice = session.get(submissions.SESSION_NOTICE)
        if isinstance(notice, dict) and notice.get("key") == key:
            session.pop(submissions.SESSION_NOTICE, None)
        else:
            notice = None
        states[key] = SectionState(section, _draft(key), notice)
    return states[key]


def init_app(app: Flask) -> None:
    """Tokens on every rendered POST form, the replay check before every browser POST, and the
    template helpers of the summaries."""
    submissions.init_app(app)

    @app.before_request
    def _fresh_form_state():  # `g` outlives a request where one app context serves several (tests)
        g.pop("form_drafts", None)
        g.pop("form_sections", None)

    app.before_request(replay_guard)
    app.jinja_env.globals.update(section_state=section_state, form_messages=form_messages)
