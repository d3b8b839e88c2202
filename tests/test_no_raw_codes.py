"""No page a demo user reaches shows a raw code (issue 12 §4, acceptance).

For each demo user: every GET page of the URL map (with its sample record, as the route-map
access test builds them), the list pages with each of their filters, and then every page linked
from those (same site, a few per kind of page), are fetched; the visible text of every HTML
answer is scanned for the codes of `tests/raw_codes.py`: every value of every enum stored by a
column, every programme parameter key, programme and criterion code, every audit action code the
application records, and "DOMAIN.md". Nothing is whitelisted; a code that must be shown would be
listed in ALLOWED with the reason.
"""
from __future__ import annotations

import html
import re
from collections import Counter, deque
from urllib.parse import urljoin, urlsplit

import pytest
from flask import url_for
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from app.core.access.rules import is_static_endpoint, rule_for
from tests.access_samples import DEMO_USERS, builder, load_all
from tests.raw_codes import find_raw, raw_codes, visible_text

load_all()

# (endpoint, code) -> why the code may be shown there.
_CODE_COLUMN = ("a code-list administration page shows each item's own code, which the city admin "
                "typed and types again to refer to it; this item code equals an enum value by chance")
ALLOWED: dict[tuple[str, str], str] = {
    ("cases.catalogue", "financing"): _CODE_COLUMN,  # service type 融资对接
    ("codes.list_items", "other"): _CODE_COLUMN,  # industry 其他行业
}
# How many linked pages of one kind (endpoint and query keys) each user's crawl follows.
LINKS_PER_KIND = 4
# Pages that sign out, or answer files rather than pages (their content type is checked too).
SKIPPED = {"auth.logout", "main.health", "regions.options"}
_HREF = re.compile(r"""<a\b[^>]*\bhref\s*=\s*["']([^"']+)["']""", re.I)


def _filter_urls() -> list[str]:
    """List pages with each value of their filters (the select boxes a user can choose)."""
    from app.cases.models import CaseStage
    from app.cases.views import CASE_QUEUES
    from app.core import audit
    from app.persons.labels import SORT_LABELS
    from app.persons.models import Intention, PersonSource, PersonStatus
    from app.subsidies.models import AppState

    urls = [url_for("persons.index", status=s.value) for s in PersonStatus]
    urls += [url_for("persons.index", intention=i.value) for i in Intention]
    urls += [url_for("persons.index", source=s.value) for s in PersonSource]
    urls += [url_for("persons.index", sanyou=v) for v in ("1", "0")]
    urls += [url_for("persons.index", archived=v) for v in ("archived", "all")]
    urls += [url_for("persons.index", sort=key) for key in SORT_LABELS]
    urls += [url_for("cases.index", stage=s.value) for s in CaseStage]
    urls += [url_for("cases.index", overdue="1")]
    urls += [url_for("cases.index", queue=q) for q in CASE_QUEUES]
    urls += [url_for("subsidies.applications", state=s.value) for s in AppState]
    urls += [url_for("audit.index", result=r) for r in audit.RESULT_LABELS]
    from app.audit.present import OBJECT_TYPES

    urls += [url_for("audit.index", object_type=t) for t in OBJECT_TYPES]
    return urls


def _route_urls(app, demo) -> list[str]:
    """Every GET page of the URL map, with the sample record its rule names."""
    samples: dict[str, dict] = {}
    urls = []
    for r in app.url_map.iter_rules():
        if "GET" not in r.methods or is_static_endpoint(r.endpoint) or r.endpoint in SKIPPED:
            continue
        if r.rule.startswith("/api/"):
            continue
        declared = rule_for(app, r.endpoint, "GET")
        args = {}
        if declared is not None and declared.sample:
            if declared.sample not in samples:
                samples[declared.sample] = builder(declared.sample)(demo).url_args
            args = samples[declared.sample]
        urls.append(url_for(r.endpoint, **args))
    return urls


def _internal(href: str, base: str) -> str | None:
    """The site-relative URL of a link on page `base`; None for other sites, anchors and files."""
    href = html.unescape(href).strip()
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
        return None
    parts = urlsplit(urljoin("http://localhost" + base, href))
    if parts.netloc != "localhost" or parts.path.startswith(("/static/", "/api/")):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _links(page: str, base: str) -> list[str]:
    return [url for url in (_internal(href, base) for href in _HREF.findall(page)) if url]


def crawl(app, client, start: list[str]):
    """Yield (endpoint, url, status, html) for the start pages and the pages they link to."""
    adapter = app.url_map.bind("localhost")
    queue = deque((url, True) for url in start)
    seen: set[str] = set()
    followed: Counter = Counter()
    while queue:
        url, is_start = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        path, _, query = url.partition("?")
        try:
            endpoint, _args = adapter.match(path, method="GET")
        except (NotFound, MethodNotAllowed, RequestRedirect):
            continue
        if is_static_endpoint(endpoint) or endpoint in SKIPPED:
            continue
        if not is_start:
            kind = (endpoint, tuple(sorted(k.split("=")[0] for k in query.split("&") if k)))
            if followed[kind] >= LINKS_PER_KIND:
                continue
            followed[kind] += 1
        response = client.get(url)
        if response.status_code in (301, 302, 303, 307, 308):
            target = _internal(response.headers["Location"], url)
            if target:
                queue.append((target, False))
            continue
        if response.mimetype != "text/html":
            continue
        page = response.get_data(as_text=True)
        yield endpoint, url, response.status_code, page
        queue.extend((link, False) for link in _links(page, url))


# ---------------------------------------------------------------------------------------------
# The scanner

def test_scanner_finds_a_planted_code_in_text_but_not_in_markup():
    codes = {"returned": "enum PersonStatus", "min_jobs": "programme parameter", "none": "enum Intention"}
    page = """<html><head><script>var s = "returned";</script><style>.returned{}</style></head>
      <body><a href="/persons/?status=returned" data-state="returned" title="min_jobs">状态</a>
      <!-- returned --><p>人员状态：已返乡</p><input value="x" name="min_jobs"></body></html>"""
    assert find_raw(visible_text(page), codes) == []
    planted = page.replace("<p>人员状态：已返乡</p>", "<p>人员状态：returned，参数 min_jobs = 2</p>")
    assert find_raw(visible_text(planted), codes) == ["min_jobs", "returned"]
    assert find_raw(visible_text("<td>None</td>"), codes) == ["none"]  # a Python None leaking through
    assert find_raw(visible_text("<p>默认参数（DOMAIN.md §6）</p>"), codes) == ["DOMAIN.md"]
    # Whole words only: a username or a credit code that contains a code is not one.
    assert find_raw("demo_returned · 92420506MA49K0012H · returned_on", codes) == []
    assert find_raw(visible_text("<p>&lt;b&gt;returned&lt;/b&gt;</p>"), codes) == ["returned"]


def test_the_code_list_holds_enum_values_parameter_keys_and_actions(app):
    codes = raw_codes()
    for code in ("returned", "village_staff", "pending_assignment", "min_operating_months", "amount",
                 "user_create", "login", "application_paid", "startup_once", "first_registration"):
        assert code in codes, code


def test_the_crawl_catches_a_code_that_reaches_a_page(app, demo, login_as, monkeypatch):
    from app.persons.models import PersonStatus

    monkeypatch.setattr(PersonStatus.RETURNED, "label", PersonStatus.RETURNED.value)
    codes = raw_codes()
    with app.test_request_context():
        start = [url_for("persons.index")]
    hits = {url: find_raw(visible_text(page), codes)
            for _, url, _, page in crawl(app, login_as("demo_village"), start) if url == start[0]}
    assert hits == {start[0]: ["returned"]}


# ---------------------------------------------------------------------------------------------
# The crawl

@pytest.mark.parametrize("username", DEMO_USERS)
def test_no_page_shows_a_raw_code(username, app, demo, login_as):
    codes = raw_codes()
    with app.test_request_context():
        start = _route_urls(app, demo) + _filter_urls()
    client = login_as(username)
    found: dict[str, list[str]] = {}
    pages = Counter()
    for endpoint, url, status, page in crawl(app, client, start):
        pages[status] += 1
        assert status < 500, f"{url} answered {status}"
        hits = [h for h in find_raw(visible_text(page), codes) if (endpoint, h) not in ALLOWED]
        if hits:
            found[url] = [f"{h} ({codes.get(h.lower(), 'document reference')})" for h in hits]
    assert pages[200] >= 20, f"{username}: the crawl reached too few pages: {dict(pages)}"
    assert not found, f"{username}: raw codes on {len(found)} pages: " + "; ".join(
        f"{url}: {', '.join(hits)}" for url, hits in sorted(found.items())[:40])
