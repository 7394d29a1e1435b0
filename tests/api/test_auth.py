"""Tokens and sessions: who gets in, and CSRF for session writes."""

from __future__ import annotations

import pytest
from django.test import Client

from annotations.api.models import ApiToken, token_digest
from tests.api.conftest import token_client
from tests.factories import article_with_sentences

pytestmark = pytest.mark.django_db


def test_no_credentials_is_401_not_a_login_redirect(client):
    response = client.get("/api/articles")
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_token_authenticates_as_its_user_and_only_its_digest_is_stored(viewer):
    row, token = ApiToken.issue(user=viewer, name="bot")
    assert token.startswith("nrt_") and token not in (row.digest, row.shown)
    assert row.digest == token_digest(token)
    response = Client(headers={"authorization": f"Bearer {token}"}).get("/api/articles")
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_revoked_wrong_or_inactive_tokens_are_refused(viewer, editor):
    row, token = ApiToken.issue(user=viewer, name="bot")
    row.revoke()
    revoked = Client(headers={"authorization": f"Bearer {token}"})
    assert revoked.get("/api/articles").status_code == 401
    bad = Client(headers={"authorization": f"Bearer {token}x"})
    assert bad.get("/api/articles").status_code == 401
    _, other = ApiToken.issue(user=editor, name="bot")
    editor.is_active = False
    editor.save()
    inactive = Client(headers={"authorization": f"Bearer {other}"})
    assert inactive.get("/api/articles").status_code == 401


def test_session_reads_work_and_session_writes_need_csrf(fact_checker):
    sentence = article_with_sentences(1).sentence_list[0]
    client = Client(enforce_csrf_checks=True)
    client.force_login(fact_checker)
    assert client.get("/api/articles").status_code == 200
    url = f"/api/sentences/{sentence.pk}/status"
    body = {"status": "to_check"}
    refused = client.put(url, body, content_type="application/json", headers={"if-match": '"0"'})
    assert refused.status_code == 403
    client.get("/api/docs")  # any page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    accepted = client.put(
        url,
        body,
        content_type="application/json",
        headers={"if-match": '"0"', "x-csrftoken": token},
    )
    assert accepted.status_code == 200, accepted.content


def test_token_writes_need_no_csrf(fact_checker):
    sentence = article_with_sentences(1).sentence_list[0]
    client = token_client(fact_checker)
    client.handler.enforce_csrf_checks = True
    response = client.put(
        f"/api/sentences/{sentence.pk}/status",
        {"status": "to_check"},
        content_type="application/json",
        headers={"if-match": '"0"'},
    )
    assert response.status_code == 200


def test_roles_as_on_the_pages(viewer_api, checker_api, editor_api):
    article = article_with_sentences(1)
    sentence = article.sentence_list[0]
    status = f"/api/sentences/{sentence.pk}/status"
    put = {"content_type": "application/json", "headers": {"if-match": '"0"'}}
    assert viewer_api.get(f"/api/articles/{article.pk}").status_code == 200
    assert viewer_api.put(status, {"status": "false"}, **put).status_code == 403
    record = {"text": "A title\n\nA body."}
    imported = checker_api.post("/api/import", record, content_type="application/json")
    assert imported.status_code == 403
    assert checker_api.put(status, {"status": "false"}, **put).status_code == 200
    flags = editor_api.get(f"/api/articles/{article.pk}/flags")
    assert flags.status_code == 200
