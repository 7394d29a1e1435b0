"""API tokens in the admin: created with the token shown once, revoked by an action."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from annotations.api.models import ApiToken

pytestmark = pytest.mark.django_db


def test_admin_creates_a_token_shown_once_and_revokes_it(administrator_client, viewer):
    response = administrator_client.post(
        "/admin/annotations/apitoken/add/", {"user": viewer.pk, "name": "CMS"}, follow=True
    )
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    token = re.search(r"nrt_[\w-]+", " ".join(shown)).group(0)
    # The message that shows it once is kept in the session, never in a cookie.
    assert "messages" not in administrator_client.cookies
    assert all(token not in morsel.value for morsel in administrator_client.cookies.values())
    row = ApiToken.objects.get()
    assert (row.user, row.name) == (viewer, "CMS") and token not in row.digest
    api = Client(headers={"authorization": f"Bearer {token}"})
    assert api.get("/api/articles").status_code == 200
    page = administrator_client.get(f"/admin/annotations/apitoken/{row.pk}/change/")
    assert token not in page.content.decode()
    administrator_client.post(
        "/admin/annotations/apitoken/",
        {"action": "revoke", "_selected_action": [row.pk]},
    )
    row.refresh_from_db()
    assert row.revoked
    assert api.get("/api/articles").status_code == 401


def test_editors_cannot_manage_tokens(editor_client):
    assert editor_client.get("/admin/annotations/apitoken/").status_code == 403
