"""CSV of sentences: one row per sentence with its status, verdict, claims, assignee and the
artifact flags over it, streamed in bounded batches.

Cells are formula-safe (OWASP "CSV injection"): a text cell that begins with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return (or a line feed) gets a leading ``'``, so a
spreadsheet shows it as text instead of running it. Numbers are written as numbers.
"""

from __future__ import annotations

import csv
import io
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from annotations.exports.base import SentenceRow, export_items, review_state, usernames
from annotations.models import ArtifactFlag
from newsroom.models import Article

HEADER = (
    "article_id",
    "article_title",
    "article_url",
    "workflow_state",
    "position",
    "start",
    "end",
    "text",
    "status",
    "verdict",
    "note",
    "assignee",
    "claims",
    "flags",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
# Separates several claims or flags inside one cell.
JOIN = " | "


def safe_cell(value: Any) -> Any:
    """``value`` with a leading ``'`` when it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _flags_over(
    rows: list[SentenceRow], flags: list[ArtifactFlag]
) -> dict[int, list[ArtifactFlag]]:
    """Sentence id -> the flags overlapping it (sentences in order, never overlapping)."""
    starts = [row.sentence.start for row in rows]
    ends = [row.sentence.end for row in rows]
    out: dict[int, list[ArtifactFlag]] = {}
    for flag in flags:
        for row in rows[bisect_right(ends, flag.start) : bisect_left(starts, flag.end)]:
            out.setdefault(row.sentence.pk, []).append(flag)
    return out


def _claims_cell(row: SentenceRow) -> str:
    return JOIN.join(
        f"{claim.claimant}: {claim.quote}" if claim.claimant else claim.quote
        for claim in row.claims
    )


def export_csv(articles: QuerySet[Article], *, batch: int = 2000) -> Iterator[str]:
    """The CSV (header first) of every sentence of ``articles``, streamed."""
    users = usernames()
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(HEADER)
    yield flush()
    for item in export_items(articles):
        article = item.article
        state = review_state(item.review)
        pending: list[SentenceRow] = []
        rows = iter(item.rows)
        while True:
            pending = [row for _, row in zip(range(batch), rows, strict=False)]
            if not pending:
                break
            over = _flags_over(pending, item.flags)
            for row in pending:
                sentence, check = row.sentence, row.fact_check
                writer.writerow(
                    [
                        safe_cell(value)
                        for value in (
                            article.pk,
                            article.title,
                            article.url,
                            state,
                            sentence.position,
                            sentence.start,
                            sentence.end,
                            article.raw_text[sentence.start : sentence.end],
                            row.status,
                            check.verdict if check else "",
                            check.note if check else "",
                            users.get(check.assignee_id, "") if check else "",
                            _claims_cell(row),
                            JOIN.join(f"{f.kind} ({f.state})" for f in over.get(sentence.pk, [])),
                        )
                    ]
                )
            yield flush()
