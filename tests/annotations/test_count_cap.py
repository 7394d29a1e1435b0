"""Counts stop at NEWSROOM_COUNT_CAP and the pages say "more than" past it."""

import pytest
from django.test import override_settings

from annotations.paging import CappedPaginator, capped_count, capped_counts
from newsroom.models import Article
from tests.factories import article_with_sentences

pytestmark = pytest.mark.django_db


@pytest.fixture
def four_articles():
    return [article_with_sentences(2, title=f"Capped {i}") for i in range(4)]


def test_a_capped_count_reads_at_most_cap_plus_one_rows(four_articles):
    qs = Article.objects.all()
    assert capped_count(qs, cap=2) == 3
    assert capped_count(qs, cap=10) == 4
    assert capped_counts([qs, qs.filter(title="Capped 0")], cap=2) == [3, 1]


@override_settings(NEWSROOM_COUNT_CAP=2)
def test_the_paginator_says_when_its_count_is_a_lower_bound(four_articles):
    paginator = CappedPaginator(Article.objects.order_by("pk"), 1)
    assert paginator.count == 3 and paginator.capped
    with override_settings(NEWSROOM_COUNT_CAP=10):
        exact = CappedPaginator(Article.objects.order_by("pk"), 1)
        assert exact.count == 4 and not exact.capped


def test_the_list_page_labels_a_capped_count(four_articles, viewer_client):
    with override_settings(NEWSROOM_COUNT_CAP=2):
        html = viewer_client.get("/").content.decode()
    assert "More than 2 articles" in html and "4 articles" not in html
    with override_settings(NEWSROOM_COUNT_CAP=10):
        html = viewer_client.get("/").content.decode()
    assert "4 articles" in html and "More than" not in html
