"""The pages around the app: the same menu everywhere, a real 403 and 404 page with it,
and an icon where browsers look for one."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

MENU = ['href="/">Articles</a>', 'href="/dashboard/">Dashboard</a>']


def test_forbidden_is_a_page_with_the_menu(viewer_client):
    response = viewer_client.get(reverse("newsroom:import"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "You are not allowed to do that" in html
    assert all(link in html for link in MENU)
    assert "viewer" in html  # says which role the account has
    assert 'href="/articles/import/">Import' not in html  # no link the viewer cannot use


def test_a_forbidden_post_gets_the_same_page(viewer_client):
    response = viewer_client.post(reverse("newsroom:import"), {"text": "x"})
    assert response.status_code == 403
    assert "You are not allowed to do that" in response.content.decode()


@override_settings(DEBUG=False)
def test_not_found_is_a_page_with_the_menu(viewer_client):
    response = viewer_client.get("/articles/999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and all(link in html for link in MENU)


@pytest.mark.parametrize("client_name", ["client", "editor_client"])
def test_the_icon_is_served_logged_in_or_not(request, client_name):
    client = request.getfixturevalue(client_name)
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("newsroom/favicon.svg")
    page = request.getfixturevalue("editor_client").get("/")
    assert 'rel="icon" href="/static/newsroom/favicon.svg"' in page.content.decode()


@pytest.mark.parametrize(
    "url", ["/", "/dashboard/", "/articles/import/", "/admin/"], ids=["list", "dash", "imp", "adm"]
)
def test_every_page_links_the_dashboard(editor_client, url):
    html = editor_client.get(url).content.decode()
    if url == "/admin/":
        assert 'rel="icon"' in html
    else:
        assert html.count('href="/dashboard/">Dashboard</a>') == 1


def test_a_post_without_csrf_token_gets_a_page_saying_so(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(reverse("newsroom:import"), {"text": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "The form could not be sent" in html and "Nothing was changed" in html
