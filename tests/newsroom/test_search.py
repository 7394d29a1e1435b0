"""Article search covers the text too: full-text search with a GIN index on PostgreSQL,
a substring match elsewhere; the list's query count does not change with a search."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from newsroom.models import Article
from newsroom.search import INDEX_NAME, text_query
from tests.factories import SourceFactory, imported_article

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_cfff4d70fc50ad02.txt"
LIST = reverse("annotations:article-list")


@pytest.fixture
def seed():
    return imported_article(SEED.read_text(encoding="utf-8"), source="Daily Sabah")


@pytest.fixture
def other():
    return imported_article("Weather report\n\nRain over Ankara all week, the forecast says.")


def found(query: str) -> set[int]:
    return set(Article.objects.search(query).values_list("pk", flat=True))


def test_a_word_only_in_the_text_is_found(seed, other):
    assert "Cavusoglu" not in seed.title
    assert found("Cavusoglu") == {seed.pk}
    assert found("cavusoglu") == {seed.pk}  # any case
    assert found("Lavrov Cavusoglu") == {seed.pk}  # every word, anywhere in the text
    assert found("Cavusoglu forecast") == set()
    assert found("Ankara") == {seed.pk, other.pk}


def test_title_url_and_source_still_match(seed, other):
    Article.objects.filter(pk=other.pk).update(url="https://weather.example/ankara-rain")
    assert found("aggression") == {seed.pk}  # the title
    assert found("weather.example") == {other.pk}  # a url, as a substring
    assert found("sabah") == {seed.pk}  # the source's name
    assert found("sabah forecast") == set()  # every word must match


def test_a_word_is_a_prefix_of_a_text_word(seed):
    assert found("Cavus") == {seed.pk}
    assert found("Kosach") == {seed.pk}


@pytest.mark.parametrize("query", ["&", "a:*|b", "!(x", "'", "\\", "—", "x & (", "🙂"])
def test_tsquery_syntax_in_a_query_is_only_text(seed, query):
    # Never a syntax error on PostgreSQL: operators are separators, not syntax.
    found(query)


def test_text_query_pieces():
    assert text_query("U.S.-led") == "u:* & s:* & led:*"
    assert text_query("Çavuşoğlu") == "çavuşoğlu:*"
    assert text_query("&|!()") == ""


def test_the_list_searches_the_text_in_constant_queries(
    viewer_client, seed, other, django_assert_max_num_queries
):
    source = SourceFactory(name="Wire")
    for n in range(30):
        imported_article(f"Filler {n}\n\nNothing about zebrafish here {n}.", source=source)
    with django_assert_max_num_queries(9):
        response = viewer_client.get(LIST, {"q": "Cavusoglu"})
    assert [a.pk for a in response.context["page"].object_list] == [seed.pk]
    with django_assert_max_num_queries(9):
        response = viewer_client.get(LIST, {"q": "zebrafish"})
    assert response.context["page"].paginator.count == 30


@pytest.mark.postgres
def test_postgres_answers_the_text_search_from_the_gin_index(seed, other):
    if connection.vendor != "postgresql":
        pytest.skip("the GIN index exists on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [INDEX_NAME])
        (definition,) = cursor.fetchone()
        assert "gin" in definition and "to_tsvector" in definition
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = Article.objects.search("Cavusoglu").query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert INDEX_NAME in plan, plan


def test_sqlite_has_no_such_index():
    if connection.vendor == "postgresql":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "newsroom_article")
    assert INDEX_NAME not in indexes
