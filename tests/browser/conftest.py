"""Real-browser fixtures: the app served in a thread, Debian's Chromium driven by Playwright.

Fixtures (names are stable, other browser tests rely on them):
  live_server          session: object with .url (base URL, no trailing slash) and .app
  browser              session: a Playwright Chromium Browser
  page                 function: a fresh Page in its own BrowserContext (own cookies)
  phone_page           function: the same on a phone: 390×844 CSS px, device scale 3, touch
  register_and_login   function: callable(page, **overrides) -> BrowserUser; registers a new unique
                       user through the UI and leaves the page logged in on the partners list
  server_clock         function: the clock starts at `now` and runs on; returns `now`

The served app has CSRF protection ENABLED, so the browser exercises the real token path
(hidden form fields and the X-CSRFToken header htmx sends).
"""

from __future__ import annotations

import itertools
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
import time_machine

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BROWSER_PASSWORD = "browser test password"
_seq = itertools.count(1)


def _skip_or_fail_without_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing; the browser tests must run in CI")
    pytest.skip(f"{CHROMIUM} is not installed (make test installs it)")


@dataclass
class LiveServer:
    url: str
    app: object

    def __call__(self, path: str = "/") -> str:
        """Absolute URL of a path on the live server."""
        return self.url + path


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    from werkzeug.serving import make_server

    from app import create_app
    from app.extensions import db
    from config import TestingConfig
    from tests.browser.closing import close_when_sent
    from tests.conftest import TestDatabase

    # a database of its own: the server lives while other tests empty theirs
    database = TestDatabase(tmp_path_factory.mktemp("live"), "live", own=True)
    app = create_app(TestingConfig, **database.config, WTF_CSRF_ENABLED=True)
    with app.app_context():
        database.create()
        db.session.remove()

    server = make_server("127.0.0.1", 0, close_when_sent(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            database.release()


@pytest.fixture(scope="session")
def browser():
    _skip_or_fail_without_chromium()
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def server_clock(now):
    """The served app's clock starts at `now` and runs on (the browser and Playwright wait in real
    time): data seeded around `now` is what the pages see."""
    with time_machine.travel(now, tick=True):
        yield now


@dataclass
class BrowserUser:
    name: str
    email: str
    password: str
    workspace_name: str


@pytest.fixture
def register_and_login(live_server):
    """register_and_login(page, name=..., email=..., workspace_name=...) -> BrowserUser."""

    def register(page, *, name=None, email=None, password=BROWSER_PASSWORD, workspace_name=None):
        n = f"{os.getpid()}-{next(_seq)}"
        person = BrowserUser(
            name=name or f"Browser User {n}",
            email=email or f"browser{n}@example.com",
            password=password,
            workspace_name=workspace_name or f"Browser Workspace {n}",
        )
        page.goto(live_server.url + "/register")
        page.fill("input[name=name]", person.name)
        page.fill("input[name=email]", person.email)
        page.fill("input[name=password]", person.password)
        if page.locator("input[name=workspace_name]").count():
            page.fill("input[name=workspace_name]", person.workspace_name)
        page.click("form button[type=submit]")
        page.wait_for_url(lambda url: "/register" not in url)
        page.wait_for_load_state("load")
        return person

    return register
