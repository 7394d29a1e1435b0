"""Shared fixtures: one user per role and a logged-in client for each."""

from __future__ import annotations

from collections.abc import Callable

import pytest

# Django is imported inside the fixtures so that the pure text tests also run without it
# (pytest -p no:django tests/text).
from annotations.roles import ADMINISTRATOR, EDITOR, FACT_CHECKER, STAFF_ROLES, VIEWER


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing(request):
    """Hash test passwords with MD5: Django's default PBKDF2 (1.5 million rounds) costs
    ~0.35 s of CPU per user created or login tried, most of the suite's setup time. The
    production hasher is untouched; only the tests' throwaway passwords use this."""
    if not request.config.pluginmanager.hasplugin("django"):
        yield  # the pure text tests without Django (pytest -p no:django tests/text)
        return
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture
def make_user(db, django_user_model) -> Callable:
    from django.contrib.auth.models import Group

    def make(role: str | None, username: str | None = None):
        name = username or (role or "nobody").replace("-", "_")
        user = django_user_model.objects.create_user(
            username=name,
            password="pw",
            is_staff=role in STAFF_ROLES,
            is_superuser=role == ADMINISTRATOR,
        )
        if role:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def viewer(make_user):
    return make_user(VIEWER)


@pytest.fixture
def fact_checker(make_user):
    return make_user(FACT_CHECKER)


@pytest.fixture
def editor(make_user):
    return make_user(EDITOR)


@pytest.fixture
def administrator(make_user):
    return make_user(ADMINISTRATOR)


def _client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def viewer_client(viewer):
    return _client_for(viewer)


@pytest.fixture
def checker_client(fact_checker):
    return _client_for(fact_checker)


@pytest.fixture
def editor_client(editor):
    return _client_for(editor)


@pytest.fixture
def administrator_client(administrator):
    return _client_for(administrator)
