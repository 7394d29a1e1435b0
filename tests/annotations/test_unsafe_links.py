"""A javascript: URL that reached the database some other way (forms and the importer refuse
them) is never rendered as a link: not on the article page, the panel or the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from annotations.models import Evidence, FactCheck
from newsroom.models import safe_link
from tests.factories import article_with_sentences

pytestmark = pytest.mark.django_db

HOSTILE = "javascript:alert(document.cookie)"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a", "https://example.org/a"),
        ("HTTP://example.org", "HTTP://example.org"),
        (HOSTILE, ""),
        (" JavaScript:alert(1)", ""),
        ("data:text/html,<script>", ""),
        ("//evil.example", ""),
        ("", ""),
    ],
)
def test_safe_link_keeps_only_http_urls(url, expected):
    assert safe_link(url) == expected


@pytest.fixture
def hostile_article():
    article = article_with_sentences(3)
    type(article).objects.filter(pk=article.pk).update(url=HOSTILE)
    sentence = article.sentence_list[1]
    fact_check = FactCheck.objects.create(sentence=sentence, article=article, status="false")
    # .objects.create skips full_clean: this is how a bad value could slip past the forms.
    evidence = Evidence.objects.create(fact_check=fact_check, url=HOSTILE, title="")
    return article, sentence, evidence


def test_article_page_and_panel_render_no_javascript_href(hostile_article, checker_client):
    article, sentence, _ = hostile_article
    body = checker_client.get(f"{article.get_absolute_url()}?s={sentence.pk}").content.decode()
    assert HOSTILE in body  # shown as text...
    assert 'href="javascript:' not in body.lower()  # ...never as a link


def test_admin_change_pages_render_no_javascript_href(hostile_article, editor_client):
    article, _, evidence = hostile_article
    for url in (
        reverse("admin:newsroom_article_change", args=[article.pk]),
        reverse("admin:annotations_evidence_change", args=[evidence.pk]),
        reverse("admin:annotations_evidence_changelist"),
    ):
        response = editor_client.get(url)
        assert response.status_code == 200, url
        assert 'href="javascript:' not in response.content.decode().lower(), url
