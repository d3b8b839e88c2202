"""Browser-test infrastructure: the real app served over HTTP and Debian's Chromium driven by Playwright.

Fixtures (use them from any `tests/browser/test_*.py`; mark the module `pytestmark = pytest.mark.browser`):

- `live_server` — the app with regions and the demo accounts loaded, served by werkzeug in a thread on
  a free port: `live_server.url`, `live_server.url_for("auth.login")`, `live_server.app`. The test
  thread keeps an app context pushed, so a test can add records with `db.session` (and the factory
  fixtures of `tests/conftest.py`) — **commit** before the browser reads them. Real CSRF tokens are on.
  Database: TEST_DATABASE_URL when it is PostgreSQL (tables truncated after each test, as in
  `tests/conftest.py`); otherwise a temporary SQLite *file*, shared by the server thread and the test.
- `phone_page` (390×844, touch, mobile viewport) and `desktop_page` (1366×900) — a fresh browser
  context each, `base_url` set, so `page.goto("/login")` works. `new_page("phone" | "desktop")` opens
  more, e.g. two users side by side.
- `page_log(page)` — what the page recorded: console errors, uncaught exceptions, failed requests,
  HTTP error responses and every request URL. `page_log(page).assert_clean()` fails with all of them;
  `allow_status={404}` permits expected error answers. Every page is also checked when the test ends,
  so a console error fails a test even if it forgot to look.
- `login(page, username, password=DEMO_PASSWORD)` — signs in through the login form and waits for the
  page after it.

Chromium is `/usr/bin/chromium` (Debian's `chromium` package; override with BROWSER_EXECUTABLE). When it
(or the playwright package) is missing the browser tests are skipped, unless REQUIRE_BROWSER=1, which
turns that into a failure (CI sets it). Never `playwright install`: nothing is downloaded.
"""
from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from flask import Flask, url_for
from werkzeug.serving import BaseWSGIServer, make_server

from app import create_app
from app.demo import DEMO_PASSWORD
from app.extensions import db
from config import TestingConfig
from tests.conftest import DATABASE_URL, IS_POSTGRES, _prepare_schema, _truncate_all

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

BROWSER_EXECUTABLE = os.environ.get("BROWSER_EXECUTABLE", "/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes", "on"}
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",  # this machine has no network: don't try
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORTS: dict[str, dict[str, Any]] = {
    "phone": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True,
              "has_touch": True},
    "desktop": {"viewport": {"width": 1366, "height": 900}},
}
TIMEOUT_MS = 15_000


def _unavailable(reason: str) -> None:
    if REQUIRE_BROWSER:
        pytest.fail(f"{reason} (REQUIRE_BROWSER=1 forbids skipping browser tests)", pytrace=False)
    pytest.skip(reason)


# --------------------------------------------------------------------------------------------------
# The app and its server


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """Overrides `tests/conftest.py`'s `app`: a database that another thread can share."""
    url = DATABASE_URL if IS_POSTGRES else f"sqlite:///{tmp_path / 'browser.db'}"
    application = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url, WTF_CSRF_ENABLED=True,
                             UPLOAD_FOLDER=str(tmp_path / "uploads"))
    with application.app_context():
        _prepare_schema()
        yield application
        db.session.remove()
        if IS_POSTGRES:
            _truncate_all()
        db.engine.dispose()


@dataclass
class LiveServer:
    app: Flask
    url: str  # http://127.0.0.1:PORT, no trailing slash

    def url_for(self, endpoint: str, **values: Any) -> str:
        """An absolute URL on this server for a Flask endpoint."""
        with self.app.test_request_context(base_url=self.url):
            return url_for(endpoint, _external=True, **values)


@pytest.fixture
def live_server(app: Flask, demo) -> Iterator[LiveServer]:
    """The app, regions and demo accounts loaded, served on a free port of 127.0.0.1."""
    db.session.commit()
    db.session.remove()  # the test thread holds no transaction while the browser works
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        db.session.remove()


# --------------------------------------------------------------------------------------------------
# The browser


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.path.exists(BROWSER_EXECUTABLE):
        _unavailable(f"{BROWSER_EXECUTABLE} not found: install Debian's chromium (apt-get install chromium "
                     "fonts-noto-cjk) or set BROWSER_EXECUTABLE")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -r requirements-dev.txt)")
    playwright = sync_playwright().start()
    try:
        launched = playwright.chromium.launch(executable_path=BROWSER_EXECUTABLE, headless=True,
                                              args=CHROMIUM_ARGS, timeout=60_000)
        try:
            yield launched
        finally:
            launched.close()
    finally:
        playwright.stop()


@dataclass
class PageLog:
    """Everything a page reported that a test may want to assert on."""

    origin: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    aborted_requests: list[str] = field(default_factory=list)
    error_responses: list[tuple[int, str]] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)  # (resource type, url)
    allowed_status: set[int] = field(default_factory=set)

    def problems(self, allow_status: Iterable[int] = ()) -> list[str]:
        allowed = self.allowed_status | set(allow_status)
        found = [f"console error: {text}" for text in self.console_errors if _http_status(text) not in allowed]
        found += [f"uncaught exception: {text}" for text in self.page_errors]
        found += [f"request failed: {text}" for text in self.failed_requests]
        found += [f"HTTP {status}: {url}" for status, url in self.error_responses if status not in allowed]
        return found

    def assert_clean(self, allow_status: Iterable[int] = ()) -> None:
        """No console error, uncaught exception, failed request or HTTP error answer (but `allow_status`,
        which is remembered for the end-of-test check too)."""
        self.allow(*allow_status)
        problems = self.problems()
        assert not problems, "the page reported problems:\n  " + "\n  ".join(problems)

    def allow(self, *statuses: int) -> None:
        """Expected HTTP error answers, e.g. `allow(403)` before opening a forbidden page."""
        self.allowed_status.update(statuses)

    def foreign_requests(self) -> list[tuple[str, str]]:
        """Requests that went anywhere but this server (data: URLs are fine)."""
        return [(kind, url) for kind, url in self.requests
                if not url.startswith("data:") and _origin(url) != self.origin]


_CONSOLE_HTTP_ERROR = re.compile(r"^Failed to load resource: the server responded with a status of (\d{3})\b")


def _http_status(console_text: str) -> int | None:
    """Chromium logs each HTTP error answer to the console too; those are judged by their status."""
    match = _CONSOLE_HTTP_ERROR.match(console_text)
    return int(match.group(1)) if match else None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


_LOGS: dict[int, PageLog] = {}


def _request_failed(log: PageLog, request) -> None:
    entry = f"{request.method} {request.url}: {request.failure}"
    # ERR_ABORTED: cancelled because the page navigated on (say, the favicon of a page whose form was
    # just submitted). Kept for inspection, not a problem.
    (log.aborted_requests if request.failure == "net::ERR_ABORTED" else log.failed_requests).append(entry)


def _watch(page: Page, origin: str) -> PageLog:
    log = PageLog(origin=origin)
    page.on("console", lambda msg: log.console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: log.page_errors.append(str(error)))
    page.on("request", lambda request: log.requests.append((request.resource_type, request.url)))
    page.on("requestfailed", lambda request: _request_failed(log, request))
    page.on("response",
            lambda response: log.error_responses.append((response.status, response.url))
            if response.status >= 400 else None)
    _LOGS[id(page)] = log
    return log


@pytest.fixture
def page_log() -> Callable[[Page], PageLog]:
    def get(page: Page) -> PageLog:
        return _LOGS[id(page)]

    return get


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"_report_{report.when}", report)
    return report


@pytest.fixture
def new_page(request, browser: Browser, live_server: LiveServer) -> Iterator[Callable[[str], Page]]:
    """`new_page("phone")` / `new_page("desktop")`: a page in a fresh context (own cookies)."""
    contexts: list[BrowserContext] = []
    pages: list[Page] = []

    def open_page(kind: str = "desktop") -> Page:
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                      **VIEWPORTS[kind])
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        _watch(page, live_server.url)
        pages.append(page)
        return page

    yield open_page

    # Close every context (and its connections) before the server stops.
    for context in contexts:
        context.close()
    logs = [_LOGS.pop(id(page)) for page in pages]
    call = getattr(request.node, "_report_call", None)
    if call is not None and call.passed:
        problems = [p for log in logs for p in log.problems()]
        assert not problems, "a page reported problems (checked at the end of the test):\n  " + \
            "\n  ".join(problems)


@pytest.fixture
def phone_page(new_page) -> Page:
    return new_page("phone")


@pytest.fixture
def desktop_page(new_page) -> Page:
    return new_page("desktop")


@pytest.fixture
def login(live_server: LiveServer) -> Callable[..., None]:
    """`login(page, "demo_village")`: sign in through the form and wait for the next page."""

    def sign_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
        page.goto("/login")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="登录").click()
        assert "/login" not in page.url, f"{username} could not sign in: still on {page.url}"

    return sign_in
