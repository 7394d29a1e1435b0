"""Plain-row inserts: the importer's own rows without model instances.

Model instances and Django's per-value preparation cost about ten times the database's
own time on these small rows, so blocks, sentences (and, in ``annotations``, suggested
flags and their history rows) are sent as parameterised multi-row INSERTs.
"""

from __future__ import annotations

from django.db import IntegrityError, connection
from django.db.models import Model

from newsroom.models import Article, Block, Sentence
from newsroom.readers import Analysis

# Rows per INSERT statement for blocks and sentences (Django 6 sends a whole
# bulk_create as one statement unless told), and for articles (long texts).
BATCH_SIZE = 500
ARTICLE_BATCH_SIZE = 100

_BLOCK_FIELDS = ("article", "position", "role", "start", "end")
_SENTENCE_FIELDS = ("article", "block", "position", "start", "end")


def insert_rows(
    model: type[Model], fields: tuple[str, ...], rows: list[tuple], *, returning: bool = False
) -> list[int]:
    """Insert ``rows`` (database-ready values in ``fields`` order), BATCH_SIZE per INSERT.

    For rows the caller has made database-ready (integers, floats, strings, ``None``,
    datetimes through ``connection.ops.adapt_datetimefield_value``; every column given,
    no model hooks): what ``bulk_create`` would send, without a model instance and a
    prepared value per field. With ``returning``, the new primary keys in the order of
    ``rows``.
    """
    qn = connection.ops.quote_name
    meta = model._meta
    columns = ", ".join(qn(meta.get_field(name).column) for name in fields)  # type: ignore[union-attr, arg-type]
    one_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    # Table and column names from the model, quoted; every value is a parameter.
    head = f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES "  # noqa: S608
    tail = f" RETURNING {qn(meta.pk.column)}" if returning else ""  # type: ignore[arg-type]
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH_SIZE):
            chunk = rows[start : start + BATCH_SIZE]
            params = [value for row in chunk for value in row]
            cursor.execute(head + ", ".join([one_row] * len(chunk)) + tail, params)
            if returning:
                # Keys are assigned in VALUES order; RETURNING's own order is not
                # promised (SQLite documents it as arbitrary), so sort them.
                ids.extend(sorted(key for (key,) in cursor.fetchall()))
    if returning and len(ids) != len(rows):
        raise IntegrityError(f"{meta.db_table}: {len(ids)} keys returned for {len(rows)} rows")
    return ids


def insert_layout(articles: list[Article], analyses: list[Analysis]) -> None:
    """Insert the blocks and sentences of saved ``articles`` (one analysis each).

    Plain rows: model instances and Django's per-value preparation cost ~10 times the
    database's own time on these small rows.
    """
    block_rows: list[tuple[int, int, str, int, int]] = []
    block_start: list[int] = []
    for article, analysis in zip(articles, analyses, strict=True):
        if article.pk is None:  # every supported database returns the new ids
            raise IntegrityError("the database did not return the new article ids")
        block_start.append(len(block_rows))
        block_rows.extend(
            (article.pk, position, str(block.role), block.start, block.end)
            for position, block in enumerate(analysis.layout.blocks)
        )
    block_ids = insert_rows(Block, _BLOCK_FIELDS, block_rows, returning=True)
    sentence_rows: list[tuple[int, int, int, int, int]] = []
    for article, first, analysis in zip(articles, block_start, analyses, strict=True):
        sentence_rows.extend(
            (article.pk, block_ids[first + span.block], position, span.start, span.end)
            for position, span in enumerate(analysis.sentences)
        )
    insert_rows(Sentence, _SENTENCE_FIELDS, sentence_rows)
