"""Browser tests: Playwright (sync API) driving Debian's chromium against live_server.

Never downloads a browser: without /usr/bin/chromium (or the playwright package) the
tests are skipped with the reason.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made by
# the test itself (fixtures, assertions) are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); no browser is downloaded")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def roles(transactional_db):
    """Role groups: a flush by an earlier transactional test removes the migration's rows."""
    from django.apps import apps

    from annotations.roles import sync_roles

    sync_roles(apps)


# Reports every Content-Security-Policy violation of every document to the test. Init
# scripts and bindings come from the browser's debugging protocol, outside the page's CSP.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} on ${event.documentURI}` +
    (event.sourceFile ? ` (${event.sourceFile}:${event.lineNumber})` : "") +
    (event.sample ? `: ${event.sample}` : "")
  );
});
"""


class PolicyWatch:
    """What a browser test saw of the page's policy: violations and unprotected documents."""

    def __init__(self) -> None:
        self.violations: list[str] = []
        self.console: list[str] = []
        self.documents_without_csp: list[str] = []

    def on_violation(self, report: str) -> None:
        self.violations.append(report)

    def on_console(self, message) -> None:
        self.console.append(f"{message.type}: {message.text}")
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.violations.append(f"console: {message.text}")

    def on_response(self, response) -> None:
        document = response.request.resource_type == "document"
        if document and "content-security-policy" not in response.headers:
            self.documents_without_csp.append(response.url)

    def problems(self) -> list[str]:
        return self.violations + [f"no CSP header: {url}" for url in self.documents_without_csp]


@pytest.fixture
def csp_watch() -> PolicyWatch:
    return PolicyWatch()


@pytest.fixture
def page(browser, csp_watch):
    """A fresh page; the test fails if any document broke or lacked the CSP."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.expose_function("__cspViolation", csp_watch.on_violation)
    context.add_init_script(script=REPORT_VIOLATIONS)
    page = context.new_page()
    page.on("console", csp_watch.on_console)
    page.on("response", csp_watch.on_response)
    page.set_default_timeout(10_000)
    yield page
    context.close()
    if problems := csp_watch.problems():
        console = "\n".join(csp_watch.console)
        report = "\n".join(problems)
        pytest.fail(f"CSP problems:\n{report}\nconsole:\n{console}", pytrace=False)


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def log_in(page, base_url: str, username: str, password: str, next_url: str) -> None:
    """Log in through the login form, landing on ``next_url``."""
    page.goto(f"{base_url}/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
    page.wait_for_url(f"**{next_url}")
