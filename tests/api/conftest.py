"""API clients: a Django test client sending a user's bearer token."""

from __future__ import annotations

import pytest
from django.test import Client

from annotations.api.models import ApiToken


def token_client(user) -> Client:
    _, token = ApiToken.issue(user=user, name="tests")
    return Client(headers={"authorization": f"Bearer {token}"})


@pytest.fixture
def editor_api(editor) -> Client:
    return token_client(editor)


@pytest.fixture
def checker_api(fact_checker) -> Client:
    return token_client(fact_checker)


@pytest.fixture
def viewer_api(viewer) -> Client:
    return token_client(viewer)
