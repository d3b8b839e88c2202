"""Pages: business page with explained eligibility, submission with an attachment, decision,
scoped and audited downloads, upload limits, proactive list and exports, collect-data items,
the case timeline and the offer to move the founder's case to `founded`."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.businesses.models import Business
from app.cases import operations as case_ops
from app.cases import timeline
from app.cases.models import Case, CaseStage, ServiceItem
from app.core import clock
from app.core.audit import AuditEntry
from app.extensions import db
from app.subsidies.eligibility import programme_by_code
from app.subsidies.integration import collect_missing_data
from app.subsidies.models import Application, AppState, Attachment
from tests.form_pages import shown_again
from tests.subsidies.factories import create_business, months_ago, submit, user
from tests.subsidies.samples import PNG

pytestmark = pytest.mark.usefixtures("programmes")


@pytest.fixture(autouse=True)
def uploads(app, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path)


def test_business_page_explains_each_criterion(login_as):
    business = create_business(jobs=None)
    page = login_as("demo_village").get(f"/businesses/{business.id}").get_data(as_text=True)
    assert "一次性创业补贴" in page and "资料不全" in page and "带动就业人数（含本人）" in page
    assert "缺少数据" in page and "依据" in page


def test_submit_with_attachment_then_county_approves(login_as):
    business = create_business()
    township = login_as("demo_township")
    form = {"programme": "startup_once", "business_id": str(business.id), "amount": "5000",
            "file_license": (io.BytesIO(PNG), "营业执照.png")}
    response = township.post("/subsidies/applications/new", data=form, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    application = db.session.scalar(select(Application).where(Application.business_id == business.id))
    county = login_as("demo_county")
    page = county.get(f"/subsidies/applications/{application.id}").get_data(as_text=True)
    assert "提交时核验（审批依据）" in page and "批准" in page and "营业执照.png" in page
    attachment = db.session.scalar(select(Attachment).where(Attachment.application_id == application.id))
    assert (attachment.kind.value, attachment.content_type, attachment.size) == ("license", "image/png", len(PNG))
    attachment_url = f"/subsidies/attachments/{attachment.id}"
    download = county.get(attachment_url)
    assert download.status_code == 200 and download.data == PNG
    assert login_as("demo_county2").get(attachment_url).status_code == 404
    assert login_as("demo_mentor").get(attachment_url).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "application_attachment_downloaded")) == 1
    # The submitter sees no decision buttons; the county officer approves.
    assert "本人提交" not in page
    assert county.post(f"/subsidies/applications/{application.id}/decide",
                       data={"decision": "approve", "version": application.version, "confirm": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, application.id).state == AppState.APPROVED


@pytest.mark.parametrize(("name", "data", "message"), [
    ("scan.exe", PNG, "PDF、JPG 或 PNG"),
    ("scan.png", b"%PDF-1.4 fake", "不符"),
    ("scan.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "10 MB"),
])
def test_upload_type_and_size_limits(login_as, name, data, message):
    business = create_business()
    township = login_as("demo_township")
    response = township.post("/subsidies/applications/new", data={
        "programme": "startup_once", "business_id": str(business.id), "file_license": (io.BytesIO(data), name)},
        content_type="multipart/form-data")
    page = shown_again(township, response)
    assert message in page and 'href="#file_license"' in page
    assert "已选文件" not in page  # a refused file is not kept for the next submit
    assert db.session.scalar(select(func.count()).select_from(Application).where(
        Application.business_id == business.id)) == 0


def test_proactive_list_and_export(login_as):
    now = create_business(registered_on=months_ago(7).isoformat())
    soon = create_business(registered_on=months_ago(5).isoformat())
    later = create_business(registered_on=months_ago(3).isoformat())
    missing = create_business(jobs=None)
    applied = create_business()
    submit(applied)
    second = create_business(is_first_registration=False)
    township = login_as("demo_township")
    page = township.get("/subsidies/proactive").get_data(as_text=True)
    for b in (now, soon, missing):
        assert b.name in page
    for b in (later, applied, second):
        assert b.name not in page
    export = township.get("/subsidies/proactive.xlsx")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.data)).active
    names = {row[0] for row in sheet.iter_rows(min_row=5, values_only=True)}
    assert {now.name, soon.name, missing.name} <= names
    assert not {later.name, applied.name, second.name} & names
    assert "导出人" in sheet["A2"].value
    assert login_as("demo_village").get("/subsidies/proactive").status_code == 403
    assert now.name not in login_as("demo_county2").get("/subsidies/proactive").get_data(as_text=True)


def test_collect_missing_data_is_idempotent_per_case_programme_and_criterion(login_as):
    business = create_business(jobs=None, is_first_registration=None)
    startup = programme_by_code("startup_once")
    # Without a case nothing is written: the items are returned for the proactive list.
    items = collect_missing_data(user("demo_township"), startup, business.founder, business)
    assert {i.criterion for i in items} == {"min_jobs", "first_registration"} and not any(i.service_item_id for i in items)
    case = case_ops.open_case(user("demo_township"), business.founder)
    db.session.commit()
    collect_missing_data(user("demo_township"), startup, business.founder, business)
    collect_missing_data(user("demo_township"), startup, business.founder, business)
    db.session.commit()
    keys = sorted(db.session.scalars(select(ServiceItem.source_key).where(ServiceItem.case_id == case.id)))
    assert keys == [f"collect:startup_once:first_registration:{case.id}", f"collect:startup_once:min_jobs:{case.id}"]


def test_case_timeline_shows_the_application_steps_and_founded_offer(login_as):
    business = create_business()
    case = case_ops.open_case(user("demo_township"), business.founder)
    db.session.commit()
    application = submit(business)
    from app.subsidies import operations as ops

    ops.decide(user("demo_county"), application, "approve", expected_version=application.version)
    db.session.commit()
    with login_as("demo_county").application.test_request_context():
        entries = [e for e in timeline.timeline(db.session.get(Case, case.id)) if e.kind == "subsidy"]
    assert [e.title for e in entries] == ["提交补贴申请", "批准补贴申请"]
    case.stage = CaseStage.INCUBATION  # (test setup) a case that may move on to founded
    db.session.commit()
    township = login_as("demo_township")
    assert "转为已创业" in township.get(f"/businesses/{business.id}").get_data(as_text=True)
    assert township.post(f"/businesses/{business.id}/case-founded", data={"version": case.version}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).stage == CaseStage.FOUNDED
    assert "转为已创业" not in township.get(f"/businesses/{business.id}").get_data(as_text=True)
    again = township.post(f"/businesses/{business.id}/case-founded",
                          data={"version": db.session.get(Case, case.id).version})
    assert "alert-danger" in shown_again(township, again, f"/businesses/{business.id}#founded")


def test_loan_schedule_page_and_export(login_as):
    from app.subsidies import operations as ops

    business = create_business()
    loan = ops.create_loan(user("demo_township"), business.founder, business, {
        "borrower_type": "individual", "amount": 120_000, "term_months": 12, "lender": "宜昌农商银行",
        "contract_on": (clock.today() - timedelta(days=60)).isoformat(), "rate_bp": 345})
    ops.update_loan(user("demo_township"), loan, {"overdue_periods": "2", "status": "repaying"}, expected_version=loan.version)
    db.session.commit()
    page = login_as("demo_county").get(f"/subsidies/loans/{loan.id}").get_data(as_text=True)
    assert "逾期（不贴息）" in page and "锁定" in page
    sheet = load_workbook(io.BytesIO(login_as("demo_county").get(f"/subsidies/loans/{loan.id}/schedule.xlsx").data)).active
    values = [row for row in sheet.iter_rows(values_only=True) if row and row[0] == 2]
    assert values and values[0][5] == 0  # overdue period: no subsidy


def test_home_panels_list_applications_awaiting_decision(login_as):
    submit(create_business())
    page = login_as("demo_county").get("/").get_data(as_text=True)
    assert "待审批的补贴申请" in page
    assert "待审批的补贴申请" not in login_as("demo_county2").get("/").get_data(as_text=True)
    assert "退回补正的补贴申请" in login_as("demo_township").get("/").get_data(as_text=True)  # demo data


def test_register_a_loan_and_update_its_status(login_as):
    from tests.persons.factories import create_person

    person = create_person(status="returned")
    township = login_as("demo_township")
    assert "登记创业担保贷款" in township.get(f"/persons/{person.id}").get_data(as_text=True)
    bad = township.post("/subsidies/loans/new", data={"person_id": person.id, "borrower_type": "individual",
                                                      "amount": "", "term_months": "24", "lender": "农商银行",
                                                      "contract_on": clock.today().isoformat(), "rate_bp": "345"})
    kept = shown_again(township, bad)
    assert "error-summary" in kept and 'value="农商银行"' in kept
    response = township.post("/subsidies/loans/new", data={
        "person_id": person.id, "borrower_type": "partnership", "partners": "2", "amount": "400000",
        "term_months": "24", "lender": "农商银行", "contract_on": (clock.today() - timedelta(days=30)).isoformat(),
        "rate_bp": "345"})
    assert response.status_code == 302
    application = db.session.scalar(select(Application).where(Application.person_id == person.id))
    assert application.programme.code == "guaranteed_loan" and application.amount == 400_000
    assert application.submission_check["amount"] == 440_000  # 110% × 2 × 200,000
    loan_id = application.loan_id
    assert township.post(f"/subsidies/loans/{loan_id}/update",
                         data={"status": "overdue", "overdue_periods": "1，2",
                               "version": application.loan.version}).status_code == 302
    db.session.expire_all()
    from app.subsidies.models import Loan

    assert db.session.get(Loan, loan_id).overdue_periods == [1, 2]
    assert login_as("demo_village").post(f"/subsidies/loans/{loan_id}/update", data={}).status_code == 403


def test_city_admin_sets_which_kinds_are_enterprises(login_as):
    from app.businesses.models import BusinessKindSetting

    city = login_as("demo_city")
    assert "企业类主体的范围" in city.get("/businesses/").get_data(as_text=True)
    assert city.post("/businesses/kinds", data={"enterprise": ["llc", "cooperative"]}).status_code == 302
    db.session.expire_all()
    chosen = {s.code for s in db.session.scalars(select(BusinessKindSetting)) if s.is_enterprise}
    assert chosen == {"llc", "cooperative"}
    assert login_as("demo_county").post("/businesses/kinds", data={"enterprise": ["llc"]}).status_code == 403
    assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "business_kinds_updated")) is not None


def test_city_admin_adds_a_rule_version_on_the_programmes_page(login_as):
    from app.subsidies.models import RuleVersion

    city = login_as("demo_city")
    response = city.get("/subsidies/programmes")
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[page.find("<main"):][:800]
    assert "新增参数版本" in page and "最少正常经营月数（个月）" in page, page[page.find("<main"):][:1500]
    assert "补贴金额：5,000 元" in page and "第1版（现行）" in page and "默认参数（市级工作方案）" in page
    assert "amount =" not in page and "DOMAIN.md" not in page
    effective = (clock.today() + timedelta(days=30)).isoformat()
    response = city.post("/subsidies/programmes/startup_once/versions",
                         data={"param_amount": "6000", "effective_from": effective, "note": "2027 年标准",
                               "confirm": "1"})
    assert response.status_code == 302
    version = db.session.scalar(select(RuleVersion).where(RuleVersion.effective_from == clock.today() + timedelta(days=30)))
    assert version.params["amount"] == 6000 and version.version_no == 2
    bad = city.post("/subsidies/programmes/startup_once/versions", data={"param_amount": "x", "effective_from": effective,
                                                                              "confirm": "1"})
    assert bad.status_code == 303
    assert "补贴金额（元）应为 0 到 10,000,000 之间的整数。" in city.get("/subsidies/programmes").get_data(as_text=True)
    assert "新增参数版本" not in login_as("demo_county").get("/subsidies/programmes").get_data(as_text=True)


def test_city_admin_configures_township_review_and_publicity(login_as):
    city = login_as("demo_city")
    assert city.post("/subsidies/programmes/startup_once/options",
                     data={"township_review": "1", "publicity_days": "5"}).status_code == 302
    db.session.expire_all()
    programme = programme_by_code("startup_once")
    assert programme.township_review is True and programme.publicity_days == 5
    assert city.post("/subsidies/programmes/startup_once/options", data={"publicity_days": "x"}).status_code == 303
    assert login_as("demo_county").post("/subsidies/programmes/startup_once/options", data={}).status_code == 403


def test_business_list_pages_through_every_business_once(demo, login_as, monkeypatch):
    """Keyset pages of 2: each business in scope appears once, newest registration first."""
    from app.businesses import views as business_views

    monkeypatch.setattr(business_views, "PAGE_SIZE", 2)
    client = login_as("demo_city")
    names, url = [], "/businesses/"
    while url:
        html = client.get(url).get_data(as_text=True)
        names += re.findall(r'data-business-id="(\d+)"', html)
        found = re.search(r'href="([^"]*cursor=[^"&]+[^"]*)"[^>]*>下一页', html)
        url = found.group(1).replace("&amp;", "&") if found else None
    assert len(names) == len(set(names)) == db.session.query(Business).count()


def test_business_list_title_is_plain_text(demo, login_as):
    html = login_as("demo_city").get("/businesses/").get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "<" not in title and "经营主体" in title
    assert html.count("企业类主体的范围") == 1
