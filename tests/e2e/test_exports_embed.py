"""The ClaimReview embed page in a real browser: its <script type="application/ld+json">
block parses as the same JSON the feed serves, runs nothing, and breaks no CSP rule (the
``page`` fixture fails the test on any violation)."""

from __future__ import annotations

import json

import pytest

from annotations import services
from annotations.models import FactCheck
from annotations.roles import EDITOR
from tests.annotations.export_data import approve_article, sentences_of, worked_article
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_embed_page_block_is_data_not_script(page, live_server, roles, make_user, csp_watch):
    editor = make_user(EDITOR, username="chief")
    checker = make_user(EDITOR, username="checker")
    article = worked_article(editor, checker, approve=False)
    sentence = next(s for s in sentences_of(article) if s.position == 3)
    check = FactCheck.objects.get(sentence=sentence)
    services.save_verdict(
        sentence=sentence,
        verdict="Six. </script><script>window.__pwned = 1</script>",
        note="",
        user=checker,
        expected_version=check.version,
    )
    approve_article(article, editor)

    log_in(page, live_server.url, "chief", "pw", f"/articles/{article.pk}/claimreview/")
    embedded = page.evaluate(
        """() => JSON.parse(
            document.querySelector('script[type="application/ld+json"]').textContent)"""
    )
    assert page.evaluate("() => window.__pwned === undefined")
    feed = page.goto(f"{live_server.url}/articles/{article.pk}/claimreview.json")
    assert embedded == json.loads(feed.body())
    assert any("window.__pwned" in item.get("reviewBody", "") for item in embedded["@graph"])
    assert not csp_watch.problems()
