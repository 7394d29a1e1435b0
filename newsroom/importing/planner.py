"""The pure batch planner: how an input is cut into batches, and what each record of a
batch becomes (a duplicate, a new article, a copy of an earlier one, a revision) from
what the database already holds. No database access here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from newsroom.models import Article
from newsroom.readers import Analysis, Item, Record

from .results import ImportResult, Status

# Articles per transaction of a long import (each in its own savepoint), and a cap on
# the characters a batch holds in memory.
BATCH_ARTICLES = 100
BATCH_CHARS = 4_000_000

type Pending = tuple[int, Record, Analysis, str]  # index in the batch, record, analysis, hash


def batches(items: Iterable[Item]) -> Iterator[list[Item]]:
    """Consecutive items, cut after BATCH_ARTICLES records or BATCH_CHARS characters."""
    batch: list[Item] = []
    records = chars = 0
    for item in items:
        batch.append(item)
        if isinstance(item, Record):
            records += 1
            chars += len(item.text)
            if records >= BATCH_ARTICLES or chars >= BATCH_CHARS:
                yield batch
                batch, records, chars = [], 0, 0
    if batch:
        yield batch


def records_of(batch: list[Item]) -> list[Record]:
    return [item for item in batch if isinstance(item, Record)]


@dataclass(slots=True)
class Plan:
    """What to do with a batch's analysed records.

    ``results`` holds the records decided without writing (by index in the batch:
    duplicates; on a dry run, what would happen); ``to_save`` the new articles, written
    together; ``copies`` records repeating the text of an earlier record of the batch;
    ``revisions`` records with a known identity and another text, written one by one in
    input order.
    """

    results: dict[int, ImportResult] = field(default_factory=dict)
    to_save: list[Pending] = field(default_factory=list)
    copies: list[Pending] = field(default_factory=list)
    revisions: list[Pending] = field(default_factory=list)


def plan_batch(
    pending: list[Pending],
    identities: dict[int, str | None],
    existing: dict[str, Article],
    known: dict[str, Article],
    *,
    dry_run: bool,
) -> Plan:
    """Sort ``pending`` records by what they are: ``existing`` are the articles already
    holding a text (by content hash), ``known`` those holding an identity."""
    plan = Plan()
    claimed: set[str] = set()
    claimed_ids: set[str] = set()
    for item in pending:
        i, record, analysis, digest = item
        identity = identities[i]
        found = existing.get(digest)
        if found is not None:
            plan.results[i] = ImportResult(Status.DUPLICATE, record.location, analysis.title, found)
        elif dry_run and identity in known:
            plan.results[i] = ImportResult(
                Status.REVISED,
                record.location,
                analysis.title,
                known[identity],
                len(analysis.sentences),
                message="would be a new revision",
            )
        elif dry_run:
            plan.results[i] = ImportResult(
                Status.VALID, record.location, analysis.title, sentences=len(analysis.sentences)
            )
        elif digest in claimed:
            plan.copies.append(item)
        elif identity and (identity in known or identity in claimed_ids):
            plan.revisions.append(item)
        else:
            claimed.add(digest)
            if identity:
                claimed_ids.add(identity)
            plan.to_save.append(item)
    return plan
