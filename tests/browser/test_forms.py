"""Issue 12 acceptance, on a phone (390×844): one way to finish a POST and replayed submits.

- three rapid taps on 保存 on a throttled connection leave one visit (the button disables itself and
  reads 保存中…; three POSTs of the same rendered form, sent at once, are one visit too);
- an error in the last section of the person form: the page comes back scrolled to that field, with
  the focus on it and the error summary in view;
- 不予建档 without 说明 stays on the requests page with the message on that card;
- Back after a corrected error shows no "resubmit form" page (the history holds no POST result).
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import func, select

from app.cases import operations as case_ops
from app.cases.models import CaseLog, CaseRequest, LogKind
from app.extensions import db
from app.persons.models import Person
from tests.cases.factories import create_case, user
from tests.persons.factories import create_person

pytestmark = pytest.mark.browser


def _visits(case_id: int) -> int:
    count = db.session.scalar(select(func.count()).select_from(CaseLog)
                              .where(CaseLog.case_id == case_id, CaseLog.kind == LogKind.VISIT))
    db.session.remove()
    return count


def _new_case() -> int:
    case_id = create_case(specialist="demo_specialist", mentor="demo_mentor").id
    db.session.remove()  # the test thread holds no transaction while the browser works
    return case_id


def _throttle(page: Page, latency_ms: int = 1500) -> None:
    """A slow mobile network (Chrome DevTools network emulation)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": latency_ms, "downloadThroughput": 40 * 1024, "uploadThroughput": 20 * 1024})


def _in_viewport(page: Page, selector: str) -> bool:
    """Whether the element is on screen once the page has settled (waits up to five seconds)."""
    try:
        page.wait_for_function("""(selector) => { const el = document.querySelector(selector);
            const r = el && el.getBoundingClientRect();
            return !!r && r.bottom > 0 && r.top < window.innerHeight && r.height > 0; }""",
                               arg=selector, timeout=5000)
    except PlaywrightTimeout:
        return False
    return True


def test_three_rapid_taps_on_save_leave_one_visit(live_server, phone_page, login, page_log):
    page = phone_page
    case_id = _new_case()
    # Remember, across the navigation, what the page showed right after each submit.
    page.add_init_script("""document.addEventListener("submit", (event) => setTimeout(() => {
        const seen = JSON.parse(sessionStorage.getItem("submits") || "[]");
        seen.push({path: location.pathname, sent: !event.defaultPrevented, disabled: [...document.querySelectorAll("form button")]
                   .filter((b) => b.disabled).map((b) => b.textContent.trim())});
        sessionStorage.setItem("submits", JSON.stringify(seen));
    }, 0));""")
    login(page, "demo_village")
    page.goto(f"/cases/{case_id}/logs/new?kind=visit")
    page.get_by_label("走访方式").select_option("phone")
    page.get_by_label("内容").fill("电话回访：网店订单正常")
    _throttle(page)
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    button = page.get_by_role("button", name="保存")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    with page.expect_navigation(url=re.compile(rf"/cases/{case_id}(#timeline)?$"), timeout=60_000):
        for _ in range(3):
            page.mouse.click(x, y)
    expect(page.locator("#timeline")).to_contain_text("电话回访：网店订单正常")
    expect(page.locator("#timeline [data-section-notice]")).to_contain_text("已保存记录")
    page.wait_for_function("() => window.scrollY > 0")
    assert _in_viewport(page, "#timeline [data-section-notice]")  # beside the anchor, on screen
    submits = [s for s in page.evaluate("JSON.parse(sessionStorage.getItem('submits') || '[]')")
               if s["path"].endswith("/logs/new")]
    assert [s["sent"] for s in submits if s["sent"]] == [True]
    assert submits[0]["disabled"] == ["保存中…"]
    assert len(posts) == 1
    assert _visits(case_id) == 1
    page_log(page).assert_clean()


def test_the_same_rendered_form_posted_three_times_at_once_is_one_visit(live_server, phone_page, login):
    """What a double tap does without the button guard (or a retried request): the server answers
    the copies with the first result."""
    page = phone_page
    case_id = _new_case()
    login(page, "demo_village")
    page.goto(f"/cases/{case_id}/logs/new?kind=visit")
    page.get_by_label("走访方式").select_option("phone")
    page.get_by_label("内容").fill("同一表单连发三次")
    _throttle(page, latency_ms=800)
    finals = page.evaluate("""async () => {
        const form = document.querySelector("form[method=post]:not([action*=logout])");
        const body = new FormData(form);
        const send = () => fetch(form.action || location.href, {method: "POST", body, credentials: "same-origin"});
        const answers = await Promise.all([send(), send(), send()]);
        return answers.map(a => [a.status, new URL(a.url).pathname, a.redirected]);
    }""")
    assert all(status == 200 and redirected for status, _, redirected in finals), finals
    assert {path for _, path, _ in finals} == {f"/cases/{case_id}"}
    assert _visits(case_id) == 1


def test_an_error_in_the_last_section_of_the_person_form_is_focused_with_the_summary_in_view(
        live_server, phone_page, login, page_log):
    page = phone_page
    village = user("demo_village")
    person = db.session.scalar(select(Person).where(Person.village_id == village.region_id,
                                                    Person.archived_at.is_(None)).order_by(Person.id))
    person_id = person.id
    db.session.remove()
    login(page, "demo_village")
    page.goto(f"/persons/{person_id}/edit")
    # 信用依据 is in the last section (三有评估): a control character cannot be stored.
    page.locator("#creditworthy_basis").evaluate("el => { el.value = '村委会担保\\u0007'; }")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(rf"/persons/{person_id}/edit$"))
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link")).to_contain_text(["控制字符"])
    field = page.locator("#creditworthy_basis")
    expect(field).to_be_focused()
    expect(field).to_have_class(re.compile("is-invalid"))
    expect(field).to_have_value(re.compile("村委会担保"))
    page.wait_for_function("() => window.scrollY > 300")  # scrolled down to the last section
    assert _in_viewport(page, "#creditworthy_basis")
    assert _in_viewport(page, "#error-summary")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page_log(page).assert_clean()


def test_decline_without_a_reason_stays_on_the_requests_page_with_the_message_on_that_card(
        live_server, phone_page, login, page_log):
    page = phone_page
    person = create_person(user("demo_village"))
    request_id = case_ops.request_case(user("demo_village"), person, {"reason": "想开网店", "needs": []}).id
    db.session.commit()
    db.session.remove()
    login(page, "demo_township")
    page.goto("/cases/requests")
    card = page.locator(f"#request-{request_id}")
    card.get_by_role("button", name="不予建档").click()
    page.wait_for_url(re.compile(rf"/cases/requests#request-{request_id}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("待决定的建档申请")
    expect(page.locator("body")).not_to_contain_text("422")
    summary = card.locator("[data-error-summary]")
    expect(summary).to_contain_text("说明")
    reason = card.locator(f"#request-{request_id}-reason")
    expect(reason).to_be_focused()
    assert _in_viewport(page, f"#request-{request_id} [data-error-summary]")
    # The card is still there to fill in properly.
    reason.fill("不符合建档条件：已在外地稳定就业")
    # Declining cannot be undone: the page asks first, naming the person (core.confirm).
    page.once("dialog", lambda dialog: dialog.accept())
    card.get_by_role("button", name="不予建档").click()
    expect(page.locator(".alert-success")).to_contain_text("已不予建档")
    assert db.session.get(CaseRequest, request_id).decided_at is not None
    db.session.remove()
    page_log(page).assert_clean()


def test_back_after_a_corrected_error_shows_no_resubmit_page(live_server, phone_page, login, page_log):
    page = phone_page
    case_id = _new_case()
    login(page, "demo_village")
    form_url = f"/cases/{case_id}/logs/new?kind=visit"
    page.goto(form_url)
    page.get_by_label("走访方式").select_option("home_visit")
    page.get_by_role("button", name="保存").click()  # 内容 left empty
    expect(page.locator("#error-summary")).to_contain_text("内容")
    page.get_by_label("内容").fill("改正后的走访记录")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(rf"/cases/{case_id}#timeline$"))
    expect(page.locator("#timeline")).to_contain_text("改正后的走访记录")

    methods: list[str] = []
    page.on("request", lambda request: methods.append(request.method) if request.resource_type == "document" else None)
    response = page.go_back()
    assert response is not None and response.request.method == "GET" and response.status == 200
    assert page.url.endswith(form_url)
    expect(page.get_by_label("内容")).to_be_visible()  # the form page itself, not a browser error page
    response = page.go_back()  # and before it: the form as first opened, again a GET
    assert response is not None and response.request.method == "GET"
    assert "POST" not in methods
    assert _visits(case_id) == 1
    page_log(page).assert_clean()
