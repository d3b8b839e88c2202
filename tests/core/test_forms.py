"""One way to finish a POST (core.forms): one-time tokens, Post/Redirect/Get on failure with the
typed values and a linked error summary, section-local messages, staged uploads."""
from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, insert, select

from app import create_app
from app.auth import operations as auth_ops
from app.auth.models import User
from app.cases import operations as case_ops
from app.cases.models import Case, CaseLog, CaseRequest, LogKind, ServiceItem
from app.core import clock, submissions
from app.core.db import utcnow
from app.extensions import db
from config import TestingConfig
from tests.cases.factories import create_case, user
from tests.conftest import DATABASE_URL, IS_POSTGRES
from tests.persons.factories import create_person

TOKEN = re.compile(r'name="_once" value="([^"]+)"')


def once_token(client: FlaskClient, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200
    found = TOKEN.search(page.text)
    assert found, "the rendered form carries no one-time token"
    return found.group(1)


def visit_data(token: str | None = None, **extra) -> dict:
    data = {"kind": "visit", "date": clock.today().isoformat(), "method": "phone", "content": "电话回访，生产正常。"}
    if token:
        data["_once"] = token
    return {**data, **extra}


def visits(case_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(CaseLog)
                             .where(CaseLog.case_id == case_id, CaseLog.kind == LogKind.VISIT))


# ---------------------------------------------------------------------------------------------
# Tokens


def test_every_post_form_of_a_page_gets_its_own_token(demo, login_as):
    case = create_case(specialist="demo_specialist", mentor="demo_mentor")
    page = login_as("demo_township").get(f"/cases/{case.id}")
    forms = re.findall(r"<form\b[^>]*>", page.text)
    post_forms = [f for f in forms if 'method="post"' in f.lower()]
    assert len(post_forms) >= 3  # logout, stage, new service item …
    tokens = TOKEN.findall(page.text)
    assert len(tokens) == len(post_forms)
    assert len(set(tokens)) == len(tokens)
    assert 'name="_once"' not in "".join(f for f in forms if 'method="get"' in f.lower())


def test_a_replayed_visit_log_is_saved_once_and_answers_with_the_first_result(demo, login_as):
    case = create_case(specialist="demo_specialist", mentor="demo_mentor")
    client = login_as("demo_village")
    token = once_token(client, f"/cases/{case.id}/logs/new?kind=visit")
    first = client.post(f"/cases/{case.id}/logs/new?kind=visit", data=visit_data(token))
    assert first.status_code == 302
    assert first.location.endswith(f"/cases/{case.id}#timeline")
    again = client.post(f"/cases/{case.id}/logs/new?kind=visit", data=visit_data(token, content="又点了一次"))
    assert again.status_code == 303
    assert again.location == first.location
    assert visits(case.id) == 1
    assert "此表单已经提交过" in client.get(again.location).text
    # A form rendered again has a new token: a second, deliberate visit is saved.
    second = client.post(f"/cases/{case.id}/logs/new?kind=visit",
                         data=visit_data(once_token(client, f"/cases/{case.id}/logs/new?kind=visit")))
    assert second.status_code == 302
    assert visits(case.id) == 2


def test_a_duplicate_that_passed_the_check_is_rolled_back_by_the_unique_token(demo, login_as, monkeypatch):
    """Two copies that both pass the early check (they arrived together): the second one's write is
    undone when its token cannot be inserted, and it is answered with the first result."""
    from app.core import forms

    monkeypatch.setattr(forms, "_earlier_submission", lambda token: None)
    case = create_case(specialist="demo_specialist", mentor="demo_mentor")
    client = login_as("demo_village")
    token = once_token(client, f"/cases/{case.id}/logs/new?kind=visit")
    first = client.post(f"/cases/{case.id}/logs/new?kind=visit", data=visit_data(token))
    second = client.post(f"/cases/{case.id}/logs/new?kind=visit", data=visit_data(token, content="第二份"))
    assert (first.status_code, second.status_code) == (302, 303)
    assert second.location == first.location
    assert visits(case.id) == 1
    assert db.session.scalar(select(func.count()).select_from(submissions.FormSubmission)) == 1


def test_a_token_used_by_someone_else_is_not_followed(demo, login_as):
    case = create_case(specialist="demo_specialist", mentor="demo_mentor")
    village = login_as("demo_village")
    token = once_token(village, f"/cases/{case.id}/logs/new?kind=visit")
    assert village.post(f"/cases/{case.id}/logs/new?kind=visit", data=visit_data(token)).status_code == 302
    other = login_as("demo_specialist").post(f"/cases/{case.id}/logs/new?kind=visit", data=visit_data(token))
    assert other.status_code == 303
    assert other.location == "/"
    assert visits(case.id) == 1


def test_old_tokens_and_drafts_expire(demo):
    now = utcnow()
    db.session.add_all([
        submissions.FormSubmission(token="a" * 24, result_url="/", created_at=now - timedelta(days=3)),
        submissions.FormSubmission(token="b" * 24, result_url="/", created_at=now),
        submissions.FormDraft(key="c" * 24, payload=b"x", created_at=now - timedelta(hours=3)),
        submissions.FormDraft(key="d" * 24, payload=b"x", created_at=now),
    ])
    db.session.commit()
    assert submissions.expire_old() == (1, 1)
    db.session.commit()
    assert db.session.scalars(select(submissions.FormSubmission.token)).all() == ["b" * 24]
    assert db.session.scalars(select(submissions.FormDraft.key)).all() == ["d" * 24]


# ---------------------------------------------------------------------------------------------
# Two app instances (two gunicorn workers) on one database


@pytest.fixture
def two_apps(app, demo, tmp_path) -> tuple[Flask, Flask]:
    """Two `create_app()` objects on one database: TEST_DATABASE_URL on PostgreSQL, a SQLite file
    (with a copy of the demo data) otherwise."""
    from tests.conftest import _demo_snapshots, _load_regions_fast

    url = DATABASE_URL if IS_POSTGRES else f"sqlite:///{tmp_path / 'shared.db'}"
    apps = (create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url),
            create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url))
    if not IS_POSTGRES:
        snapshot = _demo_snapshots[clock.today()]
        with apps[0].app_context():
            db.create_all()
            _load_regions_fast()
            for table in db.metadata.sorted_tables:
                if snapshot.get(table.name):
                    db.session.execute(insert(table), snapshot[table.name])
            db.session.commit()
    yield apps
    for each in apps:
        with each.app_context():
            db.session.remove()
            db.engine.dispose()


def _signed_in(each: Flask, username: str) -> FlaskClient:
    with each.app_context():
        account = db.session.scalar(select(User).where(User.username == username))
        token = auth_ops.start_session(account, address="127.0.0.1", user_agent="pytest")
        db.session.commit()
    client = each.test_client()
    with client.session_transaction() as session:
        session["sid"] = token
    return client


def _new_case(each: Flask) -> int:
    with each.app_context():
        return create_case(specialist="demo_specialist", mentor="demo_mentor").id


def _visits_in(each: Flask, case_id: int) -> int:
    with each.app_context():
        return visits(case_id)


def test_replay_through_another_app_instance_is_one_record(two_apps):
    first_app, second_app = two_apps
    case_id = _new_case(first_app)
    first, second = _signed_in(first_app, "demo_village"), _signed_in(second_app, "demo_village")
    url = f"/cases/{case_id}/logs/new?kind=visit"
    token = once_token(first, url)
    done = first.post(url, data=visit_data(token))
    assert done.status_code == 302
    replayed = second.post(url, data=visit_data(token))
    assert replayed.status_code == 303
    assert replayed.location == done.location
    assert _visits_in(second_app, case_id) == 1


def test_concurrent_duplicates_through_two_instances_make_one_record(two_apps):
    """The same token posted at once to two workers: one write, both answers lead to it."""
    first_app, second_app = two_apps
    for _ in range(3):
        case_id = _new_case(first_app)
        clients = [_signed_in(first_app, "demo_village"), _signed_in(second_app, "demo_village"),
                   _signed_in(second_app, "demo_village")]
        url = f"/cases/{case_id}/logs/new?kind=visit"
        token = once_token(clients[0], url)
        barrier = threading.Barrier(len(clients))
        answers: list[tuple[int, str]] = []

        def post(client: FlaskClient, url=url, token=token, barrier=barrier, answers=answers) -> None:
            barrier.wait()
            response = client.post(url, data=visit_data(token))
            answers.append((response.status_code, response.location))

        threads = [threading.Thread(target=post, args=(c,)) for c in clients]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(code for code, _ in answers) == [302, 303, 303]
        assert {location for _, location in answers} == {f"/cases/{case_id}#timeline"}
        assert _visits_in(first_app, case_id) == 1


# ---------------------------------------------------------------------------------------------
# A failed POST: 303 to the page, values kept, summary linked to the fields


def test_a_failed_form_comes_back_by_get_with_values_summary_and_focus_target(demo, login_as):
    case = create_case(specialist="demo_specialist", mentor="demo_mentor")
    client = login_as("demo_village")
    url = f"/cases/{case.id}/logs/new?kind=visit"
    response = client.post(url, data=visit_data(content="", advice="先联系村委会", next_steps="下周再访"))
    assert response.status_code == 303
    assert response.location == url
    page = client.get(url).text
    summary = re.search(r'<div class="alert alert-danger error-summary" id="error-summary".*?</div>', page, re.S)
    assert summary, "no error summary at the top"
    links = re.findall(r'<a class="alert-link" href="#([^"]+)">([^<]+)</a>', summary.group(0))
    assert links and links[0][0] == "content"
    assert links[0][1].startswith("情况记录：") or "：" in links[0][1]
    assert re.search(r'id="content"', page) and "is-invalid" in page
    assert "先联系村委会" in page and "下周再访" in page  # typed values kept
    assert visits(case.id) == 0
    # Shown once: the next GET is the empty form again.
    assert "error-summary" not in client.get(url).text


def test_the_kept_values_belong_to_the_browser_that_posted(demo, login_as):
    case = create_case(specialist="demo_specialist", mentor="demo_mentor")
    url = f"/cases/{case.id}/logs/new?kind=visit"
    client = login_as("demo_village")
    client.post(url, data=visit_data(content="", advice="只给自己看"))
    assert "只给自己看" not in login_as("demo_village").get(url).text
    assert "只给自己看" in client.get(url).text


def test_drafts_are_stored_encrypted_and_never_keep_passwords(demo, login_as):
    client = login_as("demo_city")
    client.post("/password", data={"current_password": "wrong-password-1", "new_password": "Xx-secret-2026!",
                                   "confirm": "Xx-secret-2026!"})
    row = db.session.scalar(select(submissions.FormDraft))
    assert row is not None
    assert b"secret" not in row.payload
    assert "Xx-secret-2026!" not in client.get("/password").text


def test_decline_without_reason_stays_on_the_requests_page_with_the_message_on_its_card(demo, login_as):
    person = create_person(user("demo_village"))
    request_row = case_ops.request_case(user("demo_village"), person, {"reason": "需要贷款", "needs": []})
    db.session.commit()
    client = login_as("demo_township")
    response = client.post(f"/cases/requests/{request_row.id}/decide", data={"decision": "decline", "reason": "",
                                                                                "version": request_row.version})
    assert response.status_code == 303
    assert response.location == f"/cases/requests#request-{request_row.id}"
    page = client.get("/cases/requests").text
    card = page[page.index(f'id="request-{request_row.id}"'):]
    card = card[:card.index("</section>")]
    assert "error-summary" in card and "说明" in card
    assert f'href="#request-{request_row.id}-reason"' in card
    assert f'id="request-{request_row.id}-reason"' in card
    assert db.session.get(CaseRequest, request_row.id).decided_at is None


def test_a_refused_in_page_action_returns_to_its_section(demo, login_as):
    """A conflict (a stale service item) is shown beside the item, not as a bare 409 page."""
    case = create_case(specialist="demo_specialist", mentor="demo_mentor")
    client = login_as("demo_township")
    assert client.post(f"/cases/{case.id}/services", data={"service_type": "financing", "title": "贷款"}).status_code == 302
    item = db.session.scalar(select(ServiceItem).where(ServiceItem.case_id == case.id))
    response = client.post(f"/cases/{case.id}/services/{item.id}",
                           data={"status": "done", "outcome": "已放款", "version": item.version + 5})
    assert response.status_code == 303
    assert response.location == f"/cases/{case.id}#item-{item.id}"
    page = client.get(f"/cases/{case.id}").text
    section = page[page.index(f'id="item-{item.id}"'):]
    assert "已被他人修改" in section[:section.index("</li>")]
    assert 'value="已放款"' in section  # typed value kept


def test_a_success_message_is_shown_beside_the_section_it_jumps_to(demo, login_as):
    case = create_case(specialist="demo_specialist", mentor="demo_mentor")
    client = login_as("demo_township")
    response = client.post(f"/cases/{case.id}/services", data={"service_type": "financing", "title": "贷款"})
    assert response.location == f"/cases/{case.id}#new-service"
    page = client.get(f"/cases/{case.id}").text
    notice = page.index("已新增服务事项。")
    assert page.index('id="services"') < notice < page.index('id="timeline"')
    assert 'alert-success' not in page[:page.index('id="services"')]


def test_a_failed_service_item_keeps_its_values_in_the_section(demo, login_as):
    case = create_case(specialist="demo_specialist", mentor="demo_mentor")
    client = login_as("demo_township")
    response = client.post(f"/cases/{case.id}/services",
                           data={"service_type": "nope", "title": "写错了类型", "due_on": ""})
    assert response.status_code == 303
    assert response.location == f"/cases/{case.id}#new-service"
    page = client.get(f"/cases/{case.id}").text
    section = page[page.index('id="new-service"'):page.index('id="timeline"')]
    assert 'href="#new-service-service_type"' in section
    assert 'id="new-service-service_type"' in section
    assert 'value="写错了类型"' in section
    assert "<details open" in section
    assert db.session.scalar(select(func.count()).select_from(ServiceItem).where(ServiceItem.case_id == case.id)) == 0


def test_a_case_stays_single_after_a_replayed_open(demo, login_as):
    person = create_person(user("demo_village"))
    client = login_as("demo_township")
    token = once_token(client, f"/persons/{person.id}")
    first = client.post(f"/cases/open/{person.id}", data={"_once": token})
    again = client.post(f"/cases/open/{person.id}", data={"_once": token})
    assert first.status_code == 302 and again.status_code == 303
    assert again.location == first.location
    assert db.session.scalar(select(func.count()).select_from(Case).where(Case.person_id == person.id)) == 1


def test_an_expired_form_returns_to_its_page_with_a_message(demo, login_as, csrf_on):
    """A form whose CSRF token is stale (the session ended meanwhile) leads back to its page, not
    to a bare 400 page; a request from elsewhere still gets the plain refusal."""
    case = create_case(specialist="demo_specialist", mentor="demo_mentor")
    client = login_as("demo_township")
    page = f"http://localhost/cases/{case.id}?tab=1"
    response = client.post(f"/cases/{case.id}/services", data={"service_type": "financing", "csrf_token": "old"},
                           headers={"Referer": page})
    assert response.status_code == 303
    assert response.location == f"/cases/{case.id}?tab=1"
    assert "表单已过期，未保存" in client.get(response.location).text
    foreign = client.post(f"/cases/{case.id}/services", data={"service_type": "financing", "csrf_token": "old"},
                          headers={"Referer": "http://example.org/cases/1"})
    assert foreign.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(ServiceItem).where(ServiceItem.case_id == case.id)) == 0
