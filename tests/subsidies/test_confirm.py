"""Actions that cost money are done only with an explicit confirmation (confirm=1); without it the
answer is a page naming the action, and nothing is granted, paid or saved."""
from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from app.core import clock
from app.extensions import db
from app.subsidies.models import Application, AppState, Grant, RuleVersion
from tests.subsidies.factories import create_business, submit

pytestmark = pytest.mark.usefixtures("programmes")


def body(response) -> str:
    return response.get_data(as_text=True)


def grants(application) -> int:
    return db.session.scalar(select(func.count()).select_from(Grant).where(
        Grant.application_id == application.id)) or 0


def hidden_fields(page: str) -> list[tuple[str, str]]:
    """What the confirmation page's form posts (as a browser without JavaScript would)."""
    form = page[page.index('<form method="post" action="/subsidies'):]
    form = form[:form.index("</form>")]
    return [(name, unescape(value)) for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form)]


@pytest.fixture
def application(app):
    business = create_business()
    return submit(business, amount=5000)


def test_approve_without_confirmation_grants_nothing_and_names_it(application, login_as):
    county = login_as("demo_county")
    url = f"/subsidies/applications/{application.id}/decide"
    response = county.post(url, data={"decision": "approve", "reason": "材料齐全", "version": application.version})
    page = body(response)
    assert response.status_code == 200
    assert f"确定批准{application.person.name}一次性创业补贴 5,000 元？" in page
    assert "尚未执行" in page and "确定批准" in page and "返回，不执行" in page
    db.session.expire_all()
    assert db.session.get(Application, application.id).state == AppState.SUBMITTED and grants(application) == 0
    # The page re-posts what was typed, with confirm=1: that approves.
    fields = hidden_fields(page)
    assert ("decision", "approve") in fields and ("reason", "材料齐全") in fields and ("confirm", "1") in fields
    assert county.post(url, data=MultiDict(fields)).status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, application.id).state == AppState.APPROVED and grants(application) == 1


def test_approve_with_confirmation_grants_once(application, login_as):
    county = login_as("demo_county")
    url = f"/subsidies/applications/{application.id}/decide"
    assert county.post(url, data={"decision": "approve", "confirm": "1", "version": application.version}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, application.id).state == AppState.APPROVED and grants(application) == 1


def test_the_page_dialog_names_the_same_question(application, login_as):
    page = body(login_as("demo_county").get(f"/subsidies/applications/{application.id}"))
    assert f'data-confirm="确定批准{application.person.name}一次性创业补贴 5,000 元？"' in page
    assert f'data-confirm="确定驳回{application.person.name}的一次性创业补贴申请？驳回后不能撤销。"' in page


def test_reject_needs_confirmation_return_does_not(application, login_as):
    county = login_as("demo_county")
    url = f"/subsidies/applications/{application.id}/decide"
    response = county.post(url, data={"decision": "reject", "reason": "不符合条件", "version": application.version})
    assert response.status_code == 200 and "确定驳回" in body(response)
    db.session.expire_all()
    assert db.session.get(Application, application.id).state == AppState.SUBMITTED
    assert county.post(url, data={"decision": "return", "reason": "补充材料", "version": application.version}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, application.id).state == AppState.RETURNED


def test_payment_needs_confirmation(application, login_as):
    county = login_as("demo_county")
    assert county.post(f"/subsidies/applications/{application.id}/decide",
                       data={"decision": "approve", "confirm": "1", "version": application.version}).status_code == 302
    db.session.expire_all()
    current = db.session.get(Application, application.id)
    if current.state == AppState.APPROVED and current.programme.publicity_days:
        current.publicity_until = clock.today() - timedelta(days=1)
        db.session.commit()
    url = f"/subsidies/applications/{application.id}/pay"
    form = {"paid_on": clock.today().strftime("%Y/%m/%d"), "amount": "5000", "voucher_no": "PZ-001",
            "version": db.session.get(Application, application.id).version}
    response = county.post(url, data=form)
    page = body(response)
    assert response.status_code == 200
    assert f"确定登记拨付{application.person.name}一次性创业补贴 5,000 元？" in page and "凭证号：PZ-001" in page
    db.session.expire_all()
    assert db.session.get(Application, application.id).paid_on is None
    assert county.post(url, data={**form, "confirm": "1"}).status_code == 302
    db.session.expire_all()
    paid = db.session.get(Application, application.id)
    assert paid.paid_on == clock.today() and paid.paid_amount == 5000


def test_new_programme_version_needs_confirmation(login_as):
    city = login_as("demo_city")
    effective = clock.today() + timedelta(days=30)
    form = {"param_amount": "6000", "effective_from": effective.strftime("%Y.%m.%d"), "note": "2027 年标准"}
    url = "/subsidies/programmes/startup_once/versions"
    response = city.post(url, data=form)
    assert response.status_code == 200
    assert f"确定保存一次性创业补贴的新参数版本（{effective.year}年{effective.month}月{effective.day}日起生效）？" in body(response)
    assert db.session.scalar(select(RuleVersion).where(RuleVersion.effective_from == effective)) is None
    assert city.post(url, data={**form, "confirm": "1"}).status_code == 302
    version = db.session.scalar(select(RuleVersion).where(RuleVersion.effective_from == effective))
    assert version.params["amount"] == 6000
