"""Stale writes are always refused (issue 12 §3).

Every write of a record that carries `VersionMixin` (app/core/db.py) needs the `version` the user
saw. One table lists every such write, HTML form or API call; for each the test proves:

- without `version`: 422 (an API names the field `version` in the error envelope; a page shows the
  Chinese message, or, for a button on a larger page, returns to it with that message) and the
  record is unchanged;
- with a stale `version` (the record changed since the page was read): 409 (a button on a larger
  page returns to it with the message) and the record is unchanged;
- with the current `version`: the write goes through.

HTML rows read the page as a browser does (GET, then post the form it shows, hidden inputs
included), so they also prove the page carries the version. A guard test classifies every
state-changing route of the URL map: a new write route must be added to this table or to
EXEMPT with its reason, and every API PATCH/PUT must be in the table.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import inspect, select
from werkzeug.datastructures import MultiDict

from app.auth import operations as auth_ops
from app.auth.models import User
from app.cases import operations as case_ops
from app.codes.models import CodeItem
from app.core import clock
from app.core.access.roles import Role
from app.core.db import VersionMixin
from app.core.errors import VERSION_MISSING, VERSION_NEW, StaleRecord
from app.dashboard import operations as dashboard_ops
from app.dashboard.models import TargetYear
from app.extensions import db
from app.persons import baselines
from app.persons import operations as person_ops
from app.persons.models import PersonBaseline
from app.regions.models import Region, RegionLevel
from app.regions.operations import by_code
from app.subsidies import operations as subsidy_ops
from app.subsidies.eligibility import programme_by_code
from tests.cases.factories import create_case
from tests.persons.factories import create_person, unique_id
from tests.subsidies.factories import create_business, ensure_programmes, submit

STALE_TEXT = StaleRecord.default_message[:8]  # "此记录已被他人修改"
MISSING_TEXT = VERSION_MISSING[:5]  # "缺少版本号"
VILLAGE = "420506103202"


def _user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


# ---------------------------------------------------------------------------------------------
# Reading a form from a page, as a browser submits it


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self._form: dict[str, Any] | None = None
        self._select: tuple[str, bool, list] | None = None
        self._option: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self._form = {"action": a.get("action", ""), "method": a.get("method", "get").lower(), "fields": []}
            self.forms.append(self._form)
        if self._form is None:
            return
        fields = self._form["fields"]
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            fields.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and a.get("name"):
            self._select = (a["name"], "multiple" in a, [])
        elif tag == "option" and self._select is not None:
            self._select[2].append((a.get("value"), "selected" in a))
            self._option = a.get("value")
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            fields.append((a["name"], ""))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None and self._form is not None:
            name, value = self._form["fields"][-1]
            self._form["fields"][-1] = (name, value + data)
        if self._select is not None and self._option is None and self._select[2]:
            value, selected = self._select[2][-1]
            if value is None:
                self._select[2][-1] = (data.strip(), selected)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, multiple, options = self._select
            chosen = [v for v, selected in options if selected]
            if not chosen and options and not multiple:
                chosen = [options[0][0]]
            self._form["fields"].extend((name, v or "") for v in chosen)
            self._select = None
        elif tag == "form":
            self._form = None


def form_on_page(client, page: str, action: str) -> list[tuple[str, str]]:
    """The fields (name, value) of the POST form on `page` that submits to `action`."""
    response = client.get(page)
    assert response.status_code == 200, f"GET {page}: {response.status_code}"
    parser = _Forms()
    parser.feed(response.get_data(as_text=True))
    target = urlsplit(action).path
    for found in parser.forms:
        if found["method"] == "post" and urlsplit(found["action"] or page).path == target:
            return found["fields"]
    raise AssertionError(f"{page} shows no form posting to {action}")


def _merge(fields: list[tuple[str, str]], fill: dict[str, str], drop: tuple[str, ...] = ()) -> MultiDict:
    """The form's values with the typed ones in place and `drop` left out."""
    kept = [(k, v) for k, v in fields if k not in fill and k not in drop]
    return MultiDict(kept + [(k, v) for k, v in fill.items()])


# ---------------------------------------------------------------------------------------------
# The table


@dataclass
class Target:
    """One prepared write: the record it changes, who writes, and what they send."""

    record: Any
    user: str
    action: str  # URL posted (HTML) or called (API)
    page: str | None = None  # HTML: the page that shows the form
    fill: dict[str, Any] = field(default_factory=dict)  # HTML: typed values; API: the JSON body
    version_fields: tuple[str, ...] = ("version",)


@dataclass
class Write:
    endpoint: str
    method: str
    setup: Callable[[], Target]

    @property
    def is_api(self) -> bool:
        return "_api." in self.endpoint

    @property
    def id(self) -> str:
        return f"{self.method} {self.endpoint}"


def _person(**kw) -> Any:
    return create_person(_user("demo_city"), village_code=VILLAGE, **kw)


def _other_village() -> str:
    home = by_code(VILLAGE)
    township = db.session.get(Region, home.parent_id)
    return db.session.scalar(select(Region.code).where(Region.parent_id == township.id, Region.code != VILLAGE,
                                                       Region.level == RegionLevel.VILLAGE).limit(1))


def _programme(code: str = "startup_once", *, township_review: bool = False, publicity_days: int | None = None):
    ensure_programmes()
    programme = programme_by_code(code)
    programme.township_review = township_review
    programme.publicity_days = publicity_days
    db.session.commit()
    return programme


def _application(**programme_options) -> Any:
    _programme(**programme_options)
    return submit(create_business(), actor="demo_township")


def _approved(**programme_options) -> Any:
    application = _application(**programme_options)
    subsidy_ops.decide(_user("demo_county"), application, "approve", expected_version=application.version)
    db.session.commit()
    return application


def _returned() -> Any:
    application = _application()
    subsidy_ops.decide(_user("demo_county"), application, "return", "请补充材料", expected_version=application.version)
    db.session.commit()
    return application


def _loan() -> Any:
    ensure_programmes()
    b = create_business()
    loan = subsidy_ops.create_loan(_user("demo_city"), b.founder, b, {
        "borrower_type": "individual", "amount": 150_000, "term_months": 24, "lender": "宜昌农商银行",
        "contract_on": (clock.today() - timedelta(days=90)).isoformat(), "rate_bp": 345})
    db.session.commit()
    return loan


def _managed_user(active: bool = True) -> User:
    target = auth_ops.bootstrap_user(auth_ops.UserData(username="version_clerk", full_name="版本测试村员",
                                                       region_code=VILLAGE, roles={Role.VILLAGE_STAFF}),
                                     "version-password-1")
    db.session.commit()
    if not active:
        auth_ops.deactivate_user(_user("demo_city"), target, "调岗", expected_version=target.version)
        db.session.commit()
    return target


def _service_item():
    case = create_case(specialist="demo_specialist", mentor="demo_mentor")
    item = case_ops.add_service_item(_user("demo_city"), case, {"service_type": "policy_advice"})
    db.session.commit()
    return case, item


def _case_request():
    person = _person()
    req = case_ops.request_case(_user("demo_village"), person, {"reason": "想开网店"})
    db.session.commit()
    return req


def _founded_offer():
    case = create_case(specialist="demo_specialist", mentor="demo_mentor", stage="incubation")
    business = create_business(founder=case.person)
    return business, case


def _baseline():
    county = by_code("420506")
    year = clock.today().year
    shown = db.session.scalar(select(PersonBaseline).where(PersonBaseline.year == year,
                                                           PersonBaseline.county_id == county.id))
    baseline = baselines.enter_baseline(_user("demo_county"), county, year, value=100, source="县统计局",
                                        source_date=clock.today().isoformat(),
                                        expected_version=shown.version if shown is not None else VERSION_NEW)
    db.session.commit()
    return baseline, year


def _target_year():
    year = clock.today().year
    shown = db.session.get(TargetYear, year)  # the demo data may have saved this year already
    row = dashboard_ops.save_year_settings(
        _user("demo_city"), year, dashboard_ops.YearSettings(count_incomers=False, loan_target=1_000_000, targets={}),
        expected_version=shown.version if shown is not None else VERSION_NEW)
    db.session.commit()
    return row, year


def _code_item() -> CodeItem:
    return db.session.scalar(select(CodeItem).where(CodeItem.code == "rural_ecommerce"))


def _t_person_edit():
    p = _person()
    return Target(p, "demo_village", f"/persons/{p.id}/edit", f"/persons/{p.id}/edit", {"remarks": "版本测试备注"})


def _t_person_archive():
    p = _person()
    return Target(p, "demo_township", f"/persons/{p.id}/archive", f"/persons/{p.id}", {"reason": "登记有误"})


def _t_person_restore():
    p = _person()
    person_ops.archive_person(_user("demo_city"), p, reason="登记有误", expected_version=p.version)
    db.session.commit()
    return Target(p, "demo_township", f"/persons/{p.id}/restore", f"/persons/{p.id}")


def _t_person_merge():
    survivor, other = _person(), _person()
    page = f"/persons/{survivor.id}/merge?other={other.id}"
    return Target(other, "demo_county", page, page, {"reason": "同一人重复登记"},
                  version_fields=("version", "other_version"))


def _t_person_move():
    p = _person()
    return Target(p, "demo_county", f"/persons/{p.id}/move", f"/persons/{p.id}/move",
                  {"village_code": _other_village(), "reason": "迁居"})


def _t_person_correct_id():
    p = _person()
    return Target(p, "demo_county", f"/persons/{p.id}/correct-id", f"/persons/{p.id}/correct-id",
                  {"id_number": unique_id(), "reason": "录入错误"})


def _t_baseline_enter():
    baseline, year = _baseline()
    return Target(baseline, "demo_county", "/persons/baselines/enter", f"/persons/baselines?year={year}",
                  {"value": "120"})


def _t_business_edit():
    b = create_business()
    return Target(b, "demo_county", f"/businesses/{b.id}/edit", f"/businesses/{b.id}/edit", {"name": "版本测试农庄"})


def _t_business_case_founded():
    business, case = _founded_offer()
    return Target(case, "demo_township", f"/businesses/{business.id}/case-founded", f"/businesses/{business.id}")


def _t_case_assign():
    case = create_case()
    return Target(case, "demo_township", f"/cases/{case.id}/assign", f"/cases/{case.id}/assign",
                  {"specialist": "demo_specialist", "mentor": "demo_mentor"})


def _t_case_stage():
    case = create_case(specialist="demo_specialist", mentor="demo_mentor")
    return Target(case, "demo_township", f"/cases/{case.id}/stage", f"/cases/{case.id}",
                  {"stage": "intention", "reason": "有开网店的意向"})


def _t_case_decide():
    req = _case_request()
    return Target(req, "demo_township", f"/cases/requests/{req.id}/decide", "/cases/requests",
                  {"decision": "decline", "reason": "暂无需求"})


def _t_service_update():
    case, item = _service_item()
    return Target(item, "demo_township", f"/cases/{case.id}/services/{item.id}", f"/cases/{case.id}",
                  {"status": "in_progress"})


def _t_application_review():
    a = _application(township_review=True)
    return Target(a, "demo_county", f"/subsidies/applications/{a.id}/review", f"/subsidies/applications/{a.id}",
                  {"decision": "pass"})


def _t_application_decide():
    a = _application()
    return Target(a, "demo_county", f"/subsidies/applications/{a.id}/decide", f"/subsidies/applications/{a.id}",
                  {"decision": "return", "reason": "请补充带动就业证明"})


def _t_application_publicise():
    a = _approved(publicity_days=5)
    return Target(a, "demo_county", f"/subsidies/applications/{a.id}/publicise", f"/subsidies/applications/{a.id}")


def _t_application_pay():
    a = _approved()
    return Target(a, "demo_county", f"/subsidies/applications/{a.id}/pay", f"/subsidies/applications/{a.id}",
                  {"paid_on": clock.today().isoformat(), "amount": str(a.amount), "voucher_no": "YL-V-1"})


def _t_application_resubmit():
    a = _returned()
    return Target(a, "demo_township", f"/subsidies/applications/{a.id}/resubmit", f"/subsidies/applications/{a.id}",
                  {"note": "已补充材料"})


def _t_loan_update():
    loan = _loan()
    return Target(loan, "demo_township", f"/subsidies/loans/{loan.id}/update", f"/subsidies/loans/{loan.id}",
                  {"status": "disbursed"})


def _t_user_edit():
    u = _managed_user()
    return Target(u, "demo_city", f"/users/{u.id}/edit", f"/users/{u.id}/edit", {"full_name": "版本测试改名"})


def _t_user_password():
    u = _managed_user()
    return Target(u, "demo_city", f"/users/{u.id}/password", f"/users/{u.id}", {"password": "Temp-Pass-2026-xyz"})


def _t_user_deactivate():
    u = _managed_user()
    return Target(u, "demo_city", f"/users/{u.id}/deactivate", f"/users/{u.id}/deactivate", {"reason": "调离岗位"})


def _t_user_reactivate():
    u = _managed_user(active=False)
    return Target(u, "demo_city", f"/users/{u.id}/reactivate", f"/users/{u.id}")


def _t_code_item():
    item = _code_item()
    return Target(item, "demo_city", f"/codes/items/{item.id}", f"/codes/items/{item.id}", {"label": "农村电商（新）"})


def _t_dashboard_settings():
    row, year = _target_year()
    page = f"/dashboard/settings?year={year}"
    return Target(row, "demo_city", page, page, {"loan_target": "2000000"})


def _a_person_patch():
    p = _person()
    return Target(p, "demo_village", f"/api/v1/persons/{p.id}", fill={"remarks": "接口版本测试"})


def _a_business_patch():
    b = create_business()
    return Target(b, "demo_county", f"/api/v1/businesses/{b.id}", fill={"name": "接口版本测试农庄"})


def _a_case_assignment():
    case = create_case()
    return Target(case, "demo_township", f"/api/v1/cases/{case.id}/assignment",
                  fill={"specialist": "demo_specialist", "mentor": "demo_mentor"})


def _a_service_patch():
    case, item = _service_item()
    return Target(item, "demo_township", f"/api/v1/cases/{case.id}/services/{item.id}", fill={"status": "in_progress"})


def _a_case_stage():
    case = create_case(specialist="demo_specialist", mentor="demo_mentor")
    return Target(case, "demo_township", f"/api/v1/cases/{case.id}/stage",
                  fill={"stage": "intention", "reason": "有意向"})


def _a_application_review():
    a = _application(township_review=True)
    return Target(a, "demo_county", f"/api/v1/applications/{a.id}/review", fill={"decision": "pass"})


def _a_application_decision():
    a = _application()
    return Target(a, "demo_county", f"/api/v1/applications/{a.id}/decision",
                  fill={"decision": "return", "reason": "请补充材料"})


def _a_application_payment():
    a = _approved()
    return Target(a, "demo_county", f"/api/v1/applications/{a.id}/payment",
                  fill={"paid_on": clock.today().isoformat(), "amount": a.amount, "voucher_no": "YL-V-2"})


WRITES = [
    Write("persons.edit", "POST", _t_person_edit),
    Write("persons.archive", "POST", _t_person_archive),
    Write("persons.restore", "POST", _t_person_restore),
    Write("persons.merge", "POST", _t_person_merge),
    Write("persons.move", "POST", _t_person_move),
    Write("persons.correct_id", "POST", _t_person_correct_id),
    Write("persons.baseline_enter", "POST", _t_baseline_enter),
    Write("businesses.edit", "POST", _t_business_edit),
    Write("businesses.case_founded", "POST", _t_business_case_founded),
    Write("cases.assign", "POST", _t_case_assign),
    Write("cases.stage", "POST", _t_case_stage),
    Write("cases.decide", "POST", _t_case_decide),
    Write("cases.update_service", "POST", _t_service_update),
    Write("subsidies.application_review", "POST", _t_application_review),
    Write("subsidies.application_decide", "POST", _t_application_decide),
    Write("subsidies.application_publicise", "POST", _t_application_publicise),
    Write("subsidies.application_pay", "POST", _t_application_pay),
    Write("subsidies.application_resubmit", "POST", _t_application_resubmit),
    Write("subsidies.loan_update", "POST", _t_loan_update),
    Write("auth.user_edit", "POST", _t_user_edit),
    Write("auth.user_reset_password", "POST", _t_user_password),
    Write("auth.user_deactivate", "POST", _t_user_deactivate),
    Write("auth.user_reactivate", "POST", _t_user_reactivate),
    Write("codes.edit_item", "POST", _t_code_item),
    Write("dashboard.settings", "POST", _t_dashboard_settings),
    Write("persons_api.PersonItem", "PATCH", _a_person_patch),
    Write("businesses_api.BusinessItem", "PATCH", _a_business_patch),
    Write("cases_api.CaseAssignmentResource", "PUT", _a_case_assignment),
    Write("cases_api.CaseServiceItem", "PATCH", _a_service_patch),
    Write("cases_api.CaseStageResource", "POST", _a_case_stage),
    Write("subsidies_api.ApplicationReview", "POST", _a_application_review),
    Write("subsidies_api.ApplicationDecision", "POST", _a_application_decision),
    Write("subsidies_api.ApplicationPayment", "POST", _a_application_payment),
]

# State-changing routes that write no versioned record the user saw, each with its reason.
CREATES = "creates a new record (no version seen yet)"
APPENDS = "appends a row to a record's history (log, item, attachment): the record itself is not edited"
READS = "a read sent by POST (search, reveal, export, check); writes only its audit row"
SESSION = "the signed-in user's own session, password or tokens (no shared stale copy)"
UNVERSIONED = "edits a record without VersionMixin"
EXEMPT: dict[tuple[str, str], str] = {
    ("persons.new", "POST"): CREATES,
    ("persons_api.Persons", "POST"): CREATES,
    ("businesses.new", "POST"): CREATES,
    ("businesses_api.Businesses", "POST"): CREATES,
    ("cases.open_case", "POST"): CREATES,
    ("cases_api.Cases", "POST"): CREATES,
    ("cases.request_case", "POST"): CREATES,
    ("subsidies.application_new", "POST"): CREATES,
    ("subsidies_api.Applications", "POST"): CREATES,
    ("subsidies.loan_new", "POST"): CREATES,
    ("codes.list_items", "POST"): CREATES,
    ("auth.user_new", "POST"): CREATES,
    ("cases.catalogue", "POST"): CREATES,
    ("regions.zone_unit_create", "POST"): CREATES,
    ("cases.new_log", "POST"): APPENDS,
    ("cases_api.CaseLogs", "POST"): APPENDS,
    ("cases.revise_log", "POST"): APPENDS + "; a revision is a new log row, the old one is kept",
    ("cases.add_service", "POST"): APPENDS,
    ("cases_api.CaseServices", "POST"): APPENDS,
    ("businesses.collect", "POST"): APPENDS,
    ("subsidies.attachment_add", "POST"): APPENDS,
    ("persons.search", "POST"): READS,
    ("persons_api.PersonSearch", "POST"): READS,
    ("persons.reveal", "POST"): READS,
    ("cases.phone", "POST"): READS,
    ("persons.export_full", "POST"): READS,
    ("subsidies_api.Eligibility", "POST"): READS,
    ("auth.login", "POST"): SESSION,
    ("auth.logout", "POST"): SESSION,
    ("auth.change_password", "POST"): SESSION + "; the current password is the check",
    ("auth.token_create", "POST"): SESSION,
    ("auth.token_revoke", "POST"): SESSION,
    ("me_api.TokenItem", "DELETE"): SESSION,
    ("regions.move", "POST"): UNVERSIONED + " (Region)",
    ("cases.toggle_type", "POST"): UNVERSIONED + " (ServiceType)",
    ("businesses.kinds", "POST"): UNVERSIONED + " (BusinessKindSetting)",
    ("subsidies.programme_version", "POST"): UNVERSIONED + " (RuleVersion: a used version is never edited)",
    ("subsidies.programme_options", "POST"): UNVERSIONED + " (Programme)",
    ("persons.baseline_compute", "POST"): UNVERSIONED + " (PersonBaselineSnapshot, recomputed from the library)",
    ("persons.imports_index", "POST"): "uploads a file for preview; nothing is written to a person",
    ("persons.import_commit", "POST"): "each row is updated only at the version its preview saw (persons/imports.py)",
}

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


# ---------------------------------------------------------------------------------------------
# Helpers


def _row(record: Any) -> dict:
    """The record's stored columns, read past the session's identity map."""
    db.session.commit()
    table = type(record).__table__
    keys = inspect(record).identity
    condition = [column == value for column, value in zip(table.primary_key.columns, keys, strict=True)]
    return dict(db.session.execute(select(table).where(*condition)).mappings().one())


def _bump(record: Any) -> None:
    """Someone else saves the record meanwhile (the ORM raises its version)."""
    fresh = db.session.get(type(record), inspect(record).identity)
    fresh.updated_at = fresh.updated_at + timedelta(seconds=1)
    db.session.commit()


def _confirmed(fill: dict) -> dict[str, str]:
    """The posted values, with the explicit confirmation that actions costing money or that cannot
    be undone require (core.confirm): the version check is what this test is about."""
    return {"confirm": "1", **{k: str(v) for k, v in fill.items()}}


def _send(client, write: Write, target: Target, *, drop_version: bool = False, version: int | None = None):
    if write.is_api:
        body = dict(target.fill)
        if not drop_version:
            body["version"] = _row(target.record)["version"] if version is None else version
        return client.open(target.action, method=write.method, json=body)
    fields = form_on_page(client, target.page, target.action)
    names = {k for k, _ in fields}
    assert set(target.version_fields) <= names, f"{target.page} has no hidden {target.version_fields}"
    drop = target.version_fields if drop_version else ()
    return client.post(target.action, data=_merge(fields, _confirmed(target.fill), drop))


def _page_text(client, response) -> str:
    """The response's text, or for a redirect back to the page, the page it returns to."""
    if response.status_code in (302, 303):
        return client.get(response.headers["Location"]).get_data(as_text=True)
    return response.get_data(as_text=True)


def _assert_refused(client, write: Write, response, status: int, text: str) -> None:
    if write.is_api:
        assert response.status_code == status, response.get_data(as_text=True)
        error = response.get_json()["error"]
        if status == 422:
            assert "version" in error["fields"] and MISSING_TEXT in error["fields"]["version"][0]
        else:
            assert error["code"] == "stale"
        return
    # A page answers with the status; a button on a larger page returns to it with the message.
    assert response.status_code in (status, 303, 302), response.status_code
    assert text in _page_text(client, response)


# ---------------------------------------------------------------------------------------------
# Tests


@pytest.mark.parametrize("write", WRITES, ids=[w.id for w in WRITES])
def test_versioned_write_needs_the_current_version(write, demo, login_as):
    target = write.setup()
    db.session.commit()
    client = login_as(target.user)
    before = _row(target.record)

    missing = _send(client, write, target, drop_version=True)
    _assert_refused(client, write, missing, 422, MISSING_TEXT)
    assert _row(target.record) == before, "a write without version changed the record"

    seen = before["version"]
    if write.is_api:
        _bump(target.record)
        bumped = _row(target.record)
        stale = _send(client, write, target, version=seen)
    else:  # the page is read first, then someone else saves, then the user submits
        fields = form_on_page(client, target.page, target.action)
        _bump(target.record)
        bumped = _row(target.record)
        stale = client.post(target.action, data=_merge(fields, _confirmed(target.fill)))
    _assert_refused(client, write, stale, 409, STALE_TEXT)
    assert _row(target.record) == bumped, "a stale write changed the record"

    done = _send(client, write, target)
    assert done.status_code in (200, 201, 302, 303), done.get_data(as_text=True)[:500]
    after = _row(target.record)
    assert after["version"] > bumped["version"], "the write with the current version did not go through"
    if not write.is_api and done.status_code in (302, 303):
        assert STALE_TEXT not in _page_text(client, done)


def test_every_state_changing_route_is_classified(app):
    """A new write route must join WRITES (versioned) or EXEMPT (with its reason)."""
    listed = {(w.endpoint, w.method) for w in WRITES}
    assert not listed & set(EXEMPT), "a route is both tested and exempt"
    routes = {(r.endpoint, m) for r in app.url_map.iter_rules() for m in r.methods & WRITE_METHODS}
    unclassified = routes - listed - set(EXEMPT)
    assert not unclassified, f"state-changing routes neither in WRITES nor EXEMPT: {sorted(unclassified)}"
    assert listed <= routes, f"WRITES names routes that do not exist: {sorted(listed - routes)}"
    assert set(EXEMPT) <= routes, f"EXEMPT names routes that do not exist: {sorted(set(EXEMPT) - routes)}"


def test_every_api_patch_and_put_is_a_versioned_write(app):
    """No API PATCH/PUT may skip the table (they edit records; the versioned models are listed)."""
    assert any(issubclass(m.class_, VersionMixin) for m in db.Model.registry.mappers)
    listed = {(w.endpoint, w.method) for w in WRITES}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            for method in rule.methods & {"PATCH", "PUT"}:
                assert (rule.endpoint, method) in listed, f"{method} {rule.rule} is not in WRITES"


def test_openapi_marks_version_required_on_every_versioned_api_write(demo, login_as):
    client = login_as("demo_village")
    spec = client.get("/api/v1/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    by_endpoint = {}
    for rule in client.application.url_map.iter_rules():
        by_endpoint[rule.endpoint] = rule.rule
    for write in (w for w in WRITES if w.is_api):
        path = by_endpoint[write.endpoint].replace("<int:", "{").replace(">", "}")
        operation = spec["paths"][path][write.method.lower()]
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        schema = schemas[ref]
        assert "version" in schema.get("required", []), f"{write.id}: version not required in OpenAPI"
        assert schema["properties"]["version"]["type"] == "integer"


def test_check_version_refuses_none_and_a_stale_copy():
    from app.core.errors import FieldErrors, check_version

    class Record:
        version = 3

    with pytest.raises(FieldErrors) as missing:
        check_version(Record(), None)
    assert missing.value.fields == {"version": [VERSION_MISSING]}
    for bad in ("3", True, 3.0):
        with pytest.raises(FieldErrors):
            check_version(Record(), bad)
    with pytest.raises(StaleRecord):
        check_version(Record(), 2)
    check_version(Record(), 3)
    check_version(None, 0)  # a record not created yet matches only version 0
    with pytest.raises(StaleRecord):
        check_version(None, 1)
