"""Published times are shown in the newsroom's time zone (TIME_ZONE, from
NEWSROOM_TIME_ZONE) and say which zone that is: list, article page and admin."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import override_settings
from django.urls import reverse

from annotations.models import FactCheck
from newsroom.models import Sentence
from tests.factories import imported_article

pytestmark = pytest.mark.django_db

PUBLISHED = datetime(2020, 2, 4, 11, 32, tzinfo=UTC)


@pytest.fixture
def article():
    return imported_article("Zone test\n\nA sentence here.", published=PUBLISHED)


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_utc_by_default_and_named(viewer_client, article):
    html = page(viewer_client, reverse("annotations:article-list"))
    assert "2020-02-04 11:32 UTC" in html and "(UTC)" in html
    html = page(viewer_client, article.get_absolute_url())
    assert "4 Feb 2020, 11:32 UTC" in html


@override_settings(TIME_ZONE="Europe/Istanbul")
def test_the_newsrooms_zone_with_its_name(viewer_client, administrator_client, article):
    html = page(viewer_client, reverse("annotations:article-list"))
    assert "2020-02-04 14:32 +03" in html
    assert "(Europe/Istanbul)" in html and 'title="Europe/Istanbul"' in html
    html = page(viewer_client, article.get_absolute_url())
    assert '<time datetime="2020-02-04T14:32:00+03:00"' in html
    assert "4 Feb 2020, 14:32 +03" in html and "times in Europe/Istanbul" in html
    html = page(administrator_client, reverse("admin:newsroom_article_changelist"))
    assert "4 Feb 2020, 14:32 +03" in html


@override_settings(TIME_ZONE="America/New_York")
def test_a_zone_with_an_abbreviation(viewer_client, article):
    html = page(viewer_client, article.get_absolute_url())
    assert "4 Feb 2020, 06:32 EST" in html


@override_settings(TIME_ZONE="Europe/Istanbul")
def test_list_and_dashboard_times_name_the_zone(checker_client, fact_checker, article):
    sentence = Sentence.objects.filter(article=article).first()
    FactCheck.objects.create(article=article, sentence=sentence, status="to_check")
    html = page(checker_client, reverse("annotations:article-list"))
    assert html.count(" +03") >= 2  # published and imported
    html = page(checker_client, reverse("annotations:dashboard"))
    assert " +03 · " in html  # the recent change's time
