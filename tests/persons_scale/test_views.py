"""The pages of issue 4 through HTTP: upload → preview → commit, export, baselines."""
from __future__ import annotations

import io
import re

from python_calamine import CalamineWorkbook
from sqlalchemy import delete, select

from app.core.audit import AuditEntry
from app.extensions import db
from app.persons.models import ImportStatus, PersonBaseline, PersonImport
from tests.form_pages import shown_again
from tests.persons.factories import unique_id
from tests.persons_scale.files import csv_bytes

DAZHONGBA = "420506103202"


def _csrf(client, url: str) -> str:
    """The page's CSRF token (empty when the testing config turns CSRF off)."""
    html = client.get(url).get_data(as_text=True)
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    return found.group(1) if found else ""


def test_upload_preview_commit_and_error_report(demo, login_as):
    client = login_as("demo_county")
    token = _csrf(client, "/persons/imports")
    good = unique_id()
    data = csv_bytes([["身份证号码", "姓名", "户籍村（社区）代码", "数据来源", "人员状态"],
                      [good, "黄一", DAZHONGBA, "bigdata", "returned"],
                      ["123", "黄二", DAZHONGBA, "bigdata", "returned"]], "gbk")
    response = client.post("/persons/imports", data={"csrf_token": token, "file": (io.BytesIO(data), "名单.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    batch = db.session.scalar(select(PersonImport))
    page = client.get(f"/persons/imports/{batch.id}").get_data(as_text=True)
    assert "确认导入" in page and "身份证号码应为 18 位" in page and good not in page
    report = client.get(f"/persons/imports/{batch.id}/errors.xlsx")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(report.data)).get_sheet_by_index(0).to_python()
    assert rows[2][:2] == [3.0, "身份证号码"] or rows[2][:2] == [3, "身份证号码"]
    # Only the uploader commits.
    other = login_as("demo_city")
    assert other.post(f"/persons/imports/{batch.id}/commit",
                      data={"csrf_token": _csrf(other, f"/persons/imports/{batch.id}")}).status_code == 403
    response = client.post(f"/persons/imports/{batch.id}/commit", data={"csrf_token": token})
    assert response.status_code == 302
    db.session.refresh(batch)
    assert batch.status == ImportStatus.COMMITTED and batch.rows_new == 1
    again = client.post(f"/persons/imports/{batch.id}/commit", data={"csrf_token": token})
    assert "alert-danger" in shown_again(client, again, f"/persons/imports/{batch.id}")  # a conflict, shown there
    assert "已导入" in client.get("/persons/imports").get_data(as_text=True)
    # The person page traces the batch that wrote the person.
    from app.persons import columns
    from app.persons.models import Person

    person = db.session.scalar(select(Person).where(Person.id_number_hash == columns.id_hash(good)))
    page = client.get(f"/persons/{person.id}").get_data(as_text=True)
    assert "导入记录" in page and f"批次 #{batch.id}" in page and "导入新增" in page


def test_upload_errors_answer_422(demo, login_as):
    client = login_as("demo_township")
    token = _csrf(client, "/persons/imports")
    response = client.post("/persons/imports", data={"csrf_token": token, "file": (io.BytesIO(b"x"), "a.pdf")},
                           content_type="multipart/form-data")
    assert ".xlsx 或 .csv" in shown_again(client, response, "/persons/imports")
    assert "请选择要导入的文件" in shown_again(client, client.post("/persons/imports", data={"csrf_token": token}))
    template = client.get("/persons/imports/template")
    assert template.status_code == 200 and template.mimetype.endswith("spreadsheetml.sheet")


def test_export_download_masked_and_unmasked_with_reason(demo, login_as):
    client = login_as("demo_county")
    response = client.get("/persons/export?status=returned")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.data)).get_sheet_by_index(0).to_python()
    assert "状态：已返乡" in rows[1][0]
    assert client.get("/persons/export?status=bogus").status_code == 422
    assert login_as("demo_township").get("/persons/export/full").status_code == 403
    token = _csrf(client, "/persons/export/full?status=returned")
    assert client.post("/persons/export/full?status=returned", data={"csrf_token": token}).status_code == 422
    response = client.post("/persons/export/full?status=returned", data={"csrf_token": token, "reason": "核对名单"})
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "person_export_unmasked"))
    assert "核对名单" in entry.detail
    html = client.get("/persons/?status=returned").get_data(as_text=True)
    assert "/persons/export?status=returned" in html and "导出完整信息" in html


def test_baselines_page_enter_and_compute(demo, login_as):
    db.session.execute(delete(PersonBaseline))  # the demo's entered figures (app/demo/dashboard.py)
    db.session.commit()
    client = login_as("demo_county")
    page = client.get("/persons/baselines?year=2026").get_data(as_text=True)
    assert "2025-12-31" in page and "夷陵区" in page and "保存填报数" in page
    token = _csrf(client, "/persons/baselines?year=2026")
    bad = client.post("/persons/baselines/enter", data={"csrf_token": token, "county": "420506", "year": "2026",
                                                         "value": "x", "source": "", "source_date": "", "version": "0"})
    kept = shown_again(client, bad, "/persons/baselines?year=2026#baseline-420506")
    assert "请填写整数人数" in kept and 'href="#baseline-420506-value"' in kept
    ok = client.post("/persons/baselines/enter", data={"csrf_token": token, "county": "420506", "year": "2026",
                                                        "value": "5000", "source": "区统计局", "source_date": "2026-01-05",
                                                        "version": "0"})
    assert ok.status_code == 302
    assert db.session.scalar(select(PersonBaseline.value)) == 5000
    # Another county is not this officer's to enter.
    other = client.post("/persons/baselines/enter", data={"csrf_token": token, "county": "420527", "year": "2026",
                                                           "value": "1", "source": "x", "source_date": "2026-01-05"})
    assert other.status_code == 403
    assert client.post("/persons/baselines/compute", data={"csrf_token": token, "year": "2026"}).status_code == 302
    page = client.get("/persons/baselines?year=2026").get_data(as_text=True)
    assert "县级填报" in page and "5,000" in page and "统计于" in page
