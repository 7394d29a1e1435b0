"""The API's docs page (Swagger UI from ninja's static files) runs under the CSP: it draws
the operations from /api/openapi.json, and "Try it out" calls the API with the session."""

from __future__ import annotations

import pytest

from annotations.roles import VIEWER
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_docs_page_runs_swagger_under_the_csp(page, live_server, roles, make_user, csp_watch):
    make_user(VIEWER, username="reader")
    log_in(page, live_server.url, "reader", "pw", "/")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{live_server.url}/api/docs")
    page.wait_for_selector(".opblock-summary-path")
    assert page.locator(".opblock").count() >= 15
    assert all(url.startswith(live_server.url) or url.startswith("data:") for url in requests)
    page.click("#operations-articles-annotations_api_articles_list_articles .opblock-summary")
    page.click("button.try-out__btn")
    page.click("button.execute")
    page.wait_for_selector(".live-responses-table tbody .response-col_status")
    assert (
        "200" in page.locator(".live-responses-table tbody .response-col_status").first.inner_text()
    )
    assert not csp_watch.problems()
