"""The panel's History is loaded when opened, not with every page or write answer.

The page and the panel carry a closed ``<details>`` that asks ``sentence-panel?history=open``
(htmx) for the timeline; without JavaScript its link opens the page with the timeline shown.
A write sent from a panel whose timeline is shown (``history=open``) answers with it.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from annotations import services
from tests.factories import article_with_sentences

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def sentence(fact_checker):
    article = article_with_sentences(5)
    sentence = article.sentence_list[2]
    services.set_status(sentence=sentence, status="false", user=fact_checker, expected_version=0)
    return sentence


def panel_url(sentence, **params):
    url = reverse("annotations:sentence-panel", args=[sentence.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def test_the_page_and_the_panel_leave_the_timeline_out(sentence, checker_client):
    page = checker_client.get(f"{sentence.article.get_absolute_url()}?s={sentence.pk}")
    panel = checker_client.get(panel_url(sentence), **HX)
    for body in (page.content.decode(), panel.content.decode()):
        assert 'class="timeline' not in body and "Unchecked</bdi> → <bdi>False" not in body
        assert f'hx-get="{panel_url(sentence, history="open")}"' in body
        assert 'hx-trigger="toggle once"' in body


def test_the_timeline_alone_with_htmx(sentence, checker_client, django_assert_max_num_queries):
    # Session, user, the sentence, its fact check, three history tables, the assignees.
    with django_assert_max_num_queries(8):
        response = checker_client.get(panel_url(sentence, history="open"), **HX)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<input type="hidden" name="history" value="open"')
    assert "Status: <bdi>Unchecked</bdi> → <bdi>False</bdi>" in body
    assert 'id="panel"' not in body and "<html" not in body


def test_without_javascript_the_history_link_shows_the_page_with_the_timeline(
    sentence, checker_client
):
    response = checker_client.get(panel_url(sentence, history="open"))
    assert response.status_code == 302
    location = response["Location"]
    assert location.endswith(f"?s={sentence.pk}&history=open#s-{sentence.pk}")
    page = checker_client.get(location).content.decode()
    assert "Status: <bdi>Unchecked</bdi> → <bdi>False</bdi>" in page
    assert '<details class="small" data-history-details open>' in page


def test_a_write_from_an_open_history_answers_with_the_new_row(sentence, checker_client):
    status_url = reverse("annotations:sentence-status", args=[sentence.pk])
    kept = checker_client.post(
        status_url, {"status": "accurate", "version": 1, "history": "open"}, **HX
    ).content.decode()
    assert "Status: <bdi>False</bdi> → <bdi>Accurate</bdi>" in kept
    assert "data-history-keep" in kept  # the next write keeps it too
    closed = checker_client.post(status_url, {"status": "false", "version": 2}, **HX)
    assert closed.status_code == 200
    assert 'class="timeline' not in closed.content.decode()
