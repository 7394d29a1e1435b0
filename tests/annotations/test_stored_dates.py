"""Every page renders whatever dates the database holds (issue 10).

PostgreSQL keeps years after 9999 and BC dates, which Python cannot represent: the rows are
written here with raw SQL, as an import from before the importer refused them would have
left them. Both databases hold year 9999 and year 1, at the edges of the admin's date
navigation.
"""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.urls import reverse

from newsroom.models import Article
from tests.factories import ArticleFactory, article_with_sentences

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:newsroom_article_changelist")
RECENT = datetime(2024, 3, 5, 12, tzinfo=UTC)


def admin_url(name: str, article: Article) -> str:
    return reverse(f"admin:newsroom_article_{name}", args=[article.pk])


def store_published(article: Article, value: str) -> None:
    """Write ``published`` with SQL, bypassing Python's datetime range."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE newsroom_article SET published = %s::timestamptz WHERE id = %s",
            [value, article.pk],
        )


@pytest.fixture
def odd():
    """An article with sentences next to a recently published one."""
    ArticleFactory(title="Recent article", published=RECENT)
    return article_with_sentences(3, title="Odd date article")


def assert_every_page_renders(client, article: Article, drill_downs) -> None:
    for url in ("/", "/dashboard/", article.get_absolute_url(), CHANGELIST):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "Odd date article" in client.get("/").content.decode()
    assert "Odd date article" in client.get(CHANGELIST).content.decode()
    for params in drill_downs:
        response = client.get(CHANGELIST, params)
        assert response.status_code == 200, params
        assert "Odd date article" in response.content.decode(), params
    assert client.get(admin_url("change", article)).status_code == 200
    delete = client.get(admin_url("delete", article))
    assert delete.status_code == 200
    assert "Odd date article" in delete.content.decode()
    response = client.post(admin_url("delete", article), {"post": "yes"})
    assert response.status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="only PostgreSQL stores these dates"
)


@postgres_only
@pytest.mark.parametrize(
    ("stored", "year"),
    [
        ("10000-01-01 00:00:00+00", "9999"),
        ("9999-12-31 23:59:59-12:00", "9999"),  # the JSON value of the issue
        ("275000-06-01 00:00:00+00", "9999"),
        ("infinity", "9999"),
        ("0001-01-01 00:00:00+00 BC", "1"),
        ("0044-03-15 12:00:00+00 BC", "1"),
        ("-infinity", "1"),
    ],
)
def test_pages_render_postgresql_dates_python_cannot_hold(administrator_client, odd, stored, year):
    store_published(odd, stored)
    assert_every_page_renders(administrator_client, odd, [{"published__year": year}])


@postgres_only
def test_out_of_range_dates_read_as_the_nearest_safe_value(odd):
    store_published(odd, "10000-01-01 00:00:00+00")
    high = Article.objects.get(pk=odd.pk).published
    store_published(odd, "0001-01-01 00:00:00+00 BC")
    low = Article.objects.get(pk=odd.pk).published
    assert high == datetime(9999, 12, 30, 23, 59, 59, 999999, tzinfo=UTC)
    assert low == datetime(1, 1, 2, tzinfo=UTC)
    assert Article.objects.filter(published__gt=RECENT).count() == 0  # the DB still holds BC
    store_published(odd, "2021-06-01 10:00:00+02")
    assert Article.objects.get(pk=odd.pk).published == datetime(2021, 6, 1, 8, tzinfo=UTC)


@pytest.mark.parametrize(
    ("published", "drill_downs"),
    [
        (
            datetime(9999, 12, 31, 12, tzinfo=UTC),
            [
                {"published__year": "9999"},
                {"published__year": "9999", "published__month": "12"},
                {"published__year": "9999", "published__month": "12", "published__day": "31"},
            ],
        ),
        (
            datetime(1, 1, 1, 12, tzinfo=UTC),
            [
                {"published__year": "1"},
                {"published__year": "1", "published__month": "1"},
                {"published__year": "1", "published__month": "1", "published__day": "1"},
            ],
        ),
    ],
)
def test_pages_render_the_first_and_last_year_python_holds(
    administrator_client, odd, published, drill_downs
):
    Article.objects.filter(pk=odd.pk).update(published=published)
    assert_every_page_renders(administrator_client, odd, drill_downs)


def test_date_hierarchy_lists_year_1_and_year_9999_next_to_recent_years(administrator_client, odd):
    Article.objects.filter(pk=odd.pk).update(published=datetime(1, 1, 1, tzinfo=UTC))
    ArticleFactory(published=datetime(9999, 12, 31, 23, 59, tzinfo=UTC))
    response = administrator_client.get(CHANGELIST)
    assert response.status_code == 200
    html = response.content.decode()
    for year in ("1", "2024", "9999"):
        assert f'?published__year={year}"' in html
    assert "?published__year=2025" not in html


def test_date_hierarchy_of_one_year_9999_article_drills_down_to_its_day(administrator_client, odd):
    Article.objects.exclude(pk=odd.pk).delete()
    Article.objects.filter(pk=odd.pk).update(published=datetime(9999, 12, 31, 23, tzinfo=UTC))
    response = administrator_client.get(CHANGELIST)
    assert response.status_code == 200
    assert "published__day=31" in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"published__year": "10000"},
        {"published__year": "0"},
        {"published__year": "-5"},
        {"published__year": "9999", "published__month": "13"},
        {"published__year": "2024", "published__month": "2", "published__day": "30"},
        {"published__year": "x"},
        {"published__year": "9" * 40},
    ],
)
def test_impossible_date_drill_downs_are_refused_not_500(administrator_client, odd, params):
    response = administrator_client.get(CHANGELIST, params)
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert "e=1" in response["Location"]


def test_pages_render_year_9999_in_a_time_zone_ahead_of_utc(administrator_client, odd, settings):
    # 9999-12-31 20:00 UTC would be year 10000 in Kiritimati (UTC+14).
    settings.TIME_ZONE = "Pacific/Kiritimati"
    Article.objects.filter(pk=odd.pk).update(published=datetime(9999, 12, 31, 20, tzinfo=UTC))
    assert_every_page_renders(administrator_client, odd, [{"published__year": "9999"}])
