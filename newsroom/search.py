"""Searching articles: every word of a query must be found in the title, the url, the
source's name or the article's text.

Title, url and source are short columns, matched as case-insensitive substrings. The text
is not: on PostgreSQL it goes through full-text search, ``to_tsvector('simple', raw_text)``
against each word as a prefix (``cavus`` finds "Cavusoglu's"), answered by the GIN index
that migration 0003 creates on that expression; the match is a subquery on the article's
id so that the index serves it even though the word may also match the title (an ``OR``
inside one scan would compute the vector of every row). The 'simple' configuration
lowercases and splits words without stemming, whatever the article's language.
Other databases (SQLite) match the raw text as a substring, which scans every text.

Everything stays one SQL query: the list's query count does not change with a search.
"""

from __future__ import annotations

import re

from django.db import connections
from django.db.models import Func, Q, QuerySet

# The GIN index of migration 0003 is on ``to_tsvector('simple'::regconfig, raw_text)``:
# the query must use that very expression (a test reads the plan).
TEXT_SEARCH_CONFIG = "simple"
INDEX_NAME = "newsroom_article_text_search"

# A word's searchable pieces: letters, digits and marks; anything else (quotes, dashes,
# tsquery operators such as & | ! : * ( )) separates them and is never sent as syntax.
TOKEN = re.compile(r"[^\W_]+")


def text_query(word: str) -> str:
    """A raw tsquery matching ``word`` as prefixes of consecutive words, e.g.
    ``"U.S.-led"`` -> ``"u:* & s:* & led:*"``; "" when the word holds no letter or digit."""
    return " & ".join(f"{token.lower()}:*" for token in TOKEN.findall(word))


class _TextVector(Func):
    """``to_tsvector('simple'::regconfig, raw_text)``: exactly the GIN index's expression."""

    function = "to_tsvector"
    template = f"%(function)s('{TEXT_SEARCH_CONFIG}'::regconfig, %(expressions)s)"


def _text_matches(qs: QuerySet, word: str) -> Q:
    """The condition "the article's text holds ``word``" for ``qs``'s database."""
    if connections[qs.db].vendor != "postgresql":
        return Q(raw_text__icontains=word)
    query = text_query(word)
    if not query:
        return Q(pk__in=[])
    # Only here: django.contrib.postgres needs psycopg and means nothing to SQLite.
    from django.contrib.postgres.search import SearchQuery, SearchVectorField

    vector = _TextVector("raw_text", output_field=SearchVectorField())
    matching = (
        qs.model._base_manager.using(qs.db)
        .alias(text_vector=vector)
        .filter(text_vector=SearchQuery(query, config=TEXT_SEARCH_CONFIG, search_type="raw"))
        .values("pk")
    )
    return Q(pk__in=matching)


def search_articles(qs: QuerySet, query: str) -> QuerySet:
    """``qs`` narrowed to the articles holding every whitespace-separated word of
    ``query`` in their title, url, source name or text (see the module docstring)."""
    for word in query.split():
        qs = qs.filter(
            Q(title__icontains=word)
            | Q(url__icontains=word)
            | Q(source__name__icontains=word)
            | _text_matches(qs, word)
        )
    return qs
