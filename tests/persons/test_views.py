"""Pages: list, search, register, the person page, reveal and its audit flag, scope, actions."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.core import clock
from app.core.audit import AuditEntry
from app.extensions import db
from app.persons import columns
from app.persons.models import Person
from app.regions.operations import by_code
from tests.access_samples import DEMO_USERS, SCOPE_DAZHONGBA
from tests.form_pages import shown_again
from tests.persons.factories import make_id

ID = make_id(date(1987, 9, 3), seq=77)
PHONE = "15907164321"


def body(response) -> str:
    return response.get_data(as_text=True)


def listed(response, person) -> bool:
    return f'href="/persons/{person.id}"' in body(response)


@pytest.fixture
def known(make_person):
    return make_person(id_number=ID, phone=PHONE, name="曾宪梓", village_code="420506103202")


def test_lists_show_masks_for_every_role(known, login_as):
    for username in DEMO_USERS:
        response = login_as(username).get("/persons/", query_string={"q": "曾宪梓"})
        text = body(response)
        full = body(login_as(username).get("/persons/"))
        if username in ("demo_specialist", "demo_mentor"):
            assert response.status_code == 200 and not listed(response, known)  # no cases yet: nothing visible
            assert "没有符合条件的人员" in full
            continue
        assert response.status_code == 200, username
        # every demo person and the known one: only masked numbers in the page
        for person in db.session.scalars(select(Person)):
            assert columns.decrypt_id_number(person) not in text + full
            phone = columns.decrypt_phone(person)
            assert not phone or phone not in text + full
        assert listed(response, known) == (username in SCOPE_DAZHONGBA), username
        assert "*" * 8 in full  # masked numbers of the people in scope
        if username in SCOPE_DAZHONGBA:
            assert known.id_number_masked in text and "159****4321" in text


def test_person_page_masks_and_reveal_is_audited(known, login_as):
    client = login_as("demo_village")
    page = body(client.get(f"/persons/{known.id}"))
    assert ID not in page and PHONE not in page and known.id_number_masked in page
    assert "查看完整证件号" in page
    revealed = client.post(f"/persons/{known.id}/reveal")
    assert revealed.status_code == 200 and ID in body(revealed) and PHONE in body(revealed)
    assert revealed.headers["Cache-Control"] == "no-store"
    rows = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "person_reveal_id")).all()
    assert [(r.username, r.object_id) for r in rows] == [("demo_village", str(known.id))]
    # the history shows the reveal, not the number
    again = body(client.get(f"/persons/{known.id}"))
    assert "查看完整证件号" in again and ID not in again


def test_specialist_and_others_cannot_reveal(known, login_as):
    assert login_as("demo_specialist").post(f"/persons/{known.id}/reveal").status_code == 403
    assert login_as("demo_village2").post(f"/persons/{known.id}/reveal").status_code == 404
    assert not db.session.scalars(select(AuditEntry).where(AuditEntry.action == "person_reveal_id")).all()


def test_more_than_20_reveals_a_day_are_flagged(demo, make_person, login_as):
    people = [make_person() for _ in range(22)]
    township = login_as("demo_township")
    with clock.frozen(clock.now()):
        for p in people[:21]:
            assert township.post(f"/persons/{p.id}/reveal").status_code == 200
        for p in people[:20]:  # repeats of the same person count once
            login_as("demo_county").post(f"/persons/{p.id}/reveal")
        login_as("demo_county").post(f"/persons/{people[0].id}/reveal")
        page = body(login_as("demo_city").get("/audit/"))
    assert "单日查看超过 20 人的完整身份证号码" in page
    assert "demo_township</a>：21 次" in page
    assert "demo_county</a>" not in page


def test_reveal_flag_counts_a_shanghai_day(demo, make_person, login_as):
    from app.persons.queries import heavy_revealers

    people = [make_person() for _ in range(21)]
    late = clock.local_day_start(date(2026, 3, 1)) - timedelta(minutes=5)  # 23:55 the day before
    with clock.frozen(late) as frozen:
        client = login_as("demo_township")
        for p in people[:11]:
            client.post(f"/persons/{p.id}/reveal")
        frozen.advance(timedelta(minutes=10))  # 00:05 on 1 March
        for p in people[11:]:
            client.post(f"/persons/{p.id}/reveal")
    assert heavy_revealers(date(2026, 3, 1)) == []
    assert heavy_revealers(date(2026, 3, 1), threshold=9) == [("demo_township", 10)]
    assert heavy_revealers(date(2026, 2, 28), threshold=10) == [("demo_township", 11)]


def test_exact_lookup_posts_the_number_and_never_echoes_it(known, login_as, caplog):
    client = login_as("demo_village")
    response = client.post("/persons/search", data={"value": ID.lower()})
    text = body(response)
    assert response.status_code == 200 and "曾宪梓" in text and ID not in text and ID.lower() not in text
    response = client.post("/persons/search", data={"value": "159 0716 4321"})
    assert "曾宪梓" in body(response) and PHONE not in body(response)
    outsider = login_as("demo_village2").post("/persons/search", data={"value": ID})
    assert not listed(outsider, known) and "没有这个号码" in body(outsider)
    bad = client.post("/persons/search", data={"value": ID[:-1] + ("0" if ID[-1] != "0" else "1")})
    assert bad.status_code == 422 and "校验位" in body(bad)
    assert client.get("/persons/search").status_code == 405
    assert ID not in caplog.text and PHONE not in caplog.text
    # the list page's form posts; no URL anywhere carries the number
    page = body(client.get("/persons/"))
    assert 'method="post" action="/persons/search"' in page


def test_name_search_on_the_page(known, make_person, login_as):
    make_person(name="张伟", village_code="420506103202")
    client = login_as("demo_village")
    for q in ("zxz", "zengxianzi", "cengxianzi", "cxz", "曾", "宪梓", "曾宪梓", "ZENG XIAN", "梓"):
        assert listed(client.get("/persons/", query_string={"q": q}), known), q
    assert not listed(client.get("/persons/", query_string={"q": "zw"}), known)
    assert "张伟" in body(client.get("/persons/", query_string={"q": "zw"}))


def test_filters_and_bad_filters(known, login_as):
    client = login_as("demo_county")
    assert listed(client.get("/persons/", query_string={"region": "420506103202", "status": "returned",
                                                         "q": "曾宪梓"}), known)
    assert not listed(client.get("/persons/", query_string={"status": "founded", "q": "曾宪梓"}), known)
    assert not listed(client.get("/persons/", query_string={"region": "420506103203", "q": "曾宪梓"}), known)
    bad = client.get("/persons/", query_string={"status": "x", "return_year": "20x", "region": "999"})
    assert bad.status_code == 422
    assert "返乡年份应为四位年份" in body(bad) and "没有这个区划代码" in body(bad)
    assert client.get("/persons/", query_string={"cursor": "garbage"}).status_code == 200


def test_pages_walk_with_cursor(demo, login_as):
    client = login_as("demo_city")
    seen, url, pages = [], "/persons/?sort=name", 0
    while url and pages < 10:
        text = body(client.get(url))
        seen += re.findall(r'href="/persons/(\d+)"', text)
        match = re.search(r'href="([^"]*cursor=[^"]*)">下一页', text)
        url = match.group(1).replace("&amp;", "&") if match else None
        pages += 1
    assert pages == 2  # 60 demo people, 50 a page
    assert len(seen) == len(set(seen)) == db.session.query(Person).count()


def test_register_with_near_duplicate_step(demo, login_as):
    client = login_as("demo_village")
    form = {"id_number": make_id(date(1988, 3, 12), seq=300), "name": "张伟", "village_code": "420506103202",
            "source": "survey", "status": "returned", "intention": "none", "phone": "15907160099"}
    first = client.post("/persons/new", data=form)
    text = shown_again(client, first, "/persons/new")
    assert "疑似重复" in text and "确认仍要保存" in text
    assert "不在您的管辖范围内" in text  # the 高家堰村 张伟 of the demo data: counted, not shown
    assert db.session.scalar(select(Person).where(Person.phone_masked == "159****0099")) is None
    confirmed = client.post("/persons/new", data={**form, "confirm_near_duplicate": "y"})
    assert confirmed.status_code == 302
    person = db.session.scalar(select(Person).where(Person.phone_masked == "159****0099"))
    assert person.name == "张伟" and person.village.code == "420506103202"


def test_register_duplicate_id_answers_409_without_details(known, login_as):
    client = login_as("demo_village2")
    response = client.post("/persons/new", data={
        "id_number": ID, "name": "李四", "village_code": "420506103203", "source": "survey", "status": "returned"})
    text = shown_again(client, response, "/persons/new")
    assert "请联系您所在乡镇（街道）服务站" in text
    for leak in ("曾宪梓", "大中坝", known.id_number_masked, f"#{known.id}"):
        assert leak not in text
    denied = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "person_create",
                                                        AuditEntry.result == "denied"))
    assert denied is not None and ID not in str(denied.changes)


def test_register_field_errors(demo, login_as):
    client = login_as("demo_village")
    response = client.post("/persons/new", data={"id_number": "123", "name": "abc"})
    text = shown_again(client, response, "/persons/new")
    for fragment in ("身份证号码应为 18 位", "不能包含拼音或英文字母", "请选择数据来源", "请选择人员状态"):
        assert fragment in text


def test_edit_and_stale_edit(known, login_as):
    client = login_as("demo_village")
    form = body(client.get(f"/persons/{known.id}/edit"))
    assert PHONE not in form and ID not in form and "159****4321" in form
    data = {"name": "曾宪梓", "source": "survey", "status": "founded", "intention": "firm",
            "version": str(known.version)}
    assert client.post(f"/persons/{known.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    person = db.session.get(Person, known.id)
    assert person.status.value == "founded" and columns.decrypt_phone(person) == PHONE  # blank phone kept
    stale = client.post(f"/persons/{known.id}/edit", data={**data, "status": "returned"})
    assert stale.status_code == 409 and "已被他人修改" in body(stale)
    db.session.expire_all()
    assert db.session.get(Person, known.id).status.value == "founded"


def test_village_staff_of_another_village_get_404_and_nothing_changes(known, login_as):
    client = login_as("demo_village2")
    before = (known.version, known.name, known.remarks)
    assert client.get(f"/persons/{known.id}").status_code == 404
    assert client.get(f"/persons/{known.id}/edit").status_code == 404
    assert client.post(f"/persons/{known.id}/edit", data={"name": "改名", "version": str(known.version),
                                                          "source": "survey", "status": "returned"}).status_code == 404
    assert not listed(client.get("/persons/", query_string={"q": "曾宪梓"}), known)
    db.session.expire_all()
    person = db.session.get(Person, known.id)
    assert (person.version, person.name, person.remarks) == before
    denied = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "access_denied",
                                                         AuditEntry.object_id == str(known.id))).all()
    assert len(denied) == 3


def test_merge_move_correct_pages(known, make_person, login_as):
    client = login_as("demo_county")
    twin = make_person(name="曾宪梓", village_code="420506103203", id_number=make_id(date(1987, 9, 3), seq=78))
    page = body(client.get(f"/persons/{known.id}/merge"))
    assert f"#{twin.id}" in page  # suggested: same name and birth date
    merged = client.post(f"/persons/{known.id}/merge", data={
        "other_id": str(twin.id), "reason": "重复", "version": str(known.version), "other_version": str(twin.version),
        "confirm": "1"})
    assert merged.status_code == 302
    detail = body(client.get(f"/persons/{known.id}"))
    assert "合并来源" in detail and f"#{twin.id}" in detail
    assert "已合并到" in body(client.get(f"/persons/{twin.id}"))

    db.session.expire_all()
    version = db.session.get(Person, known.id).version
    moved = client.post(f"/persons/{known.id}/move", data={"village_code": "420506103203", "reason": "迁户",
                                                           "version": str(version)})
    assert moved.status_code == 302
    assert login_as("demo_village").get(f"/persons/{known.id}").status_code == 404
    assert "曾宪梓" in body(login_as("demo_village2").get(f"/persons/{known.id}"))
    region_page = body(login_as("demo_village").get("/regions/420506103202"))
    assert "迁往" in region_page and known.id_number_masked in region_page

    db.session.expire_all()
    version = db.session.get(Person, known.id).version
    new_id = make_id(date(1987, 9, 4), seq=77)
    corrected = client.post(f"/persons/{known.id}/correct-id", data={"id_number": new_id, "reason": "录错",
                                                                     "version": str(version)})
    assert corrected.status_code == 302
    history = body(client.get(f"/persons/{known.id}"))
    assert "更正身份证号" in history and new_id not in history
    dup = client.post(f"/persons/{known.id}/correct-id", data={
        "id_number": columns.decrypt_id_number(twin), "reason": "x", "version": str(version + 1)})
    assert "请联系您所在乡镇" in shown_again(client, dup, f"/persons/{known.id}/correct-id")


def test_archive_flow(known, login_as):
    client = login_as("demo_township")
    assert client.post(f"/persons/{known.id}/archive", data={"version": str(known.version),
                                                             "confirm": "1"}).status_code == 303
    assert client.post(f"/persons/{known.id}/archive", data={"version": str(known.version),
                                                             "reason": "登记有误", "confirm": "1"}).status_code == 302
    assert not listed(client.get("/persons/", query_string={"q": "曾宪梓"}), known)
    assert listed(client.get("/persons/", query_string={"q": "曾宪梓", "archived": "archived"}), known)
    assert login_as("demo_village").get(f"/persons/{known.id}/edit").status_code == 409
    db.session.expire_all()
    version = db.session.get(Person, known.id).version
    assert client.post(f"/persons/{known.id}/restore", data={"version": str(version)}).status_code == 302


def test_move_page_needs_county_role(known, login_as):
    assert login_as("demo_village").get(f"/persons/{known.id}/move").status_code == 403
    assert login_as("demo_county2").get(f"/persons/{known.id}/move").status_code == 404
    assert by_code("420506103202") is not None


def test_merge_with_an_out_of_scope_record_is_refused_and_audited(known, make_person, login_as):
    stranger = make_person(village_code="420527101201")
    page = login_as("demo_county").get(f"/persons/{known.id}/merge", query_string={"other": stranger.id})
    assert page.status_code == 200 and "不在您的管辖范围内" in body(page)
    assert stranger.id_number_masked not in body(page)
    denied = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "access_denied",
                                                        AuditEntry.object_id == str(stranger.id)))
    assert denied is not None and denied.username == "demo_county"


def test_forms_work_with_csrf_on(known, login_as, csrf_on):
    client = login_as("demo_village")
    assert client.post(f"/persons/{known.id}/reveal").status_code == 400  # no token
    page = body(client.get(f"/persons/{known.id}"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
        re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    assert client.post(f"/persons/{known.id}/reveal", data={"csrf_token": token.group(1)}).status_code == 200
    listing = body(client.get("/persons/"))
    lookup_token = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', listing)
    assert lookup_token
    found = client.post("/persons/search", data={"csrf_token": lookup_token.group(1), "value": ID})
    assert found.status_code == 200 and listed(found, known)


def test_retired_code_survives_an_edit(known, login_as):
    from app.codes.models import CodeItem

    db.session.get(Person, known.id).work_industry = "handicraft"
    db.session.commit()
    item = db.session.scalar(select(CodeItem).where(CodeItem.code == "handicraft"))
    item.is_active = False
    db.session.commit()
    client = login_as("demo_village")
    form = body(client.get(f"/persons/{known.id}/edit"))
    assert "传统手工艺（已停用）" in form
    version = db.session.get(Person, known.id).version
    response = client.post(f"/persons/{known.id}/edit", data={
        "name": "曾宪梓", "source": "survey", "status": "returned", "work_industry": "handicraft",
        "version": str(version)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, known.id).work_industry == "handicraft"


def test_list_page_reads_a_fixed_number_of_statements_whatever_the_rows(demo, make_person, login_as):
    """The page loads the table's columns and each row's village and township with the page:
    no statement per row (at 50 rows a lazy load each doubled the page's time)."""
    from sqlalchemy import event

    client = login_as("demo_county")
    villages = ("420506103202", "420506103203", "420506101202")

    def statements(query: dict) -> tuple[int, str]:
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731 - before_cursor_execute
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            response = client.get("/persons/", query_string=query)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert response.status_code == 200
        return len(seen), body(response)

    few, _ = statements({"status": "incomer"})
    people = [make_person(village_code=villages[n % 3], status="incomer", remarks="备注") for n in range(9)]
    many, text = statements({"status": "incomer"})
    assert many == few
    for person in people:
        assert listed_in(text, person) and person.id_number_masked in text
    assert "备注" not in text


def listed_in(text: str, person) -> bool:
    return f'href="/persons/{person.id}"' in text
