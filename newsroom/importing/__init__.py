"""Import articles: the one atomic, idempotent entry point.

The command line (``import_articles``), the upload page and tests all call these
functions. Records are saved in batches of ``BATCH_ARTICLES`` per transaction (one
duplicate query and one commit per batch). A batch of new articles is written at once,
in one savepoint: one ``bulk_create`` for its Article rows, one for their layout blocks,
one for their sentences, then ``articles_imported`` is sent once so that receivers
(suggested artifact flags) store the whole batch in bulk and commit or roll back with
it. If anything in that savepoint raises (a duplicate that raced in, a receiver refusing
an article, bad data), it is rolled back and the batch is saved again article by article,
each all-or-nothing in its own savepoint: a bad record is reported and skipped, every
good one is still imported. Single records (``import_record``, pasted text) take the
same path as a batch of one.

No input raises out of this module: what a record cannot pass (read, analysis, save)
becomes that record's FAILED result, and an unforeseen error while a batch is written
rolls that batch back and fails its records (``entry._write_batch``). So no article is ever
half-written and a bad record never stops the rest of its file. A file is not one
transaction: if the import is stopped, the committed batches stay and a re-run (being
idempotent) imports the rest.

Idempotency: ``Article.content_hash`` is ``readers.content_hash(title, text)``. A record
whose hash exists (as an article's current text or as one of its earlier revisions) is
reported as already imported, with the existing article; the unique constraint on the
column is the backstop when two imports race.

Revisions: ``Article.identity`` is the hash of ``identity.identity_key`` (the record's
external id, else its normalised url). A record with a known identity and a new text is
a new *revision* of that article (``writer.Writer._revise``, one savepoint per record): the old
text and offsets are kept as an ``ArticleRevision``, the article takes the new text with
new blocks and sentences, ``article_revised`` lets annotations move its work over, and
the old blocks and sentences are deleted. New articles keep the batch path above; the
identities cost one more query per batch.

The package, one job per module: ``entry`` (the entry points below), ``results``
(``Status``, ``ImportResult``, ``ImportSummary``), ``planner`` (pure: batches and what
each record of a batch becomes), ``lookup`` (what the database already holds),
``writer`` (transactions, savepoints, revisions), ``rows`` (plain-row inserts) and
``analyser`` (the analysis worker pipeline).
"""

from .entry import import_items, import_paths, import_record, import_stream, import_upload
from .planner import BATCH_ARTICLES, BATCH_CHARS
from .results import ImportResult, ImportSummary, Status

__all__ = [
    "BATCH_ARTICLES",
    "BATCH_CHARS",
    "ImportResult",
    "ImportSummary",
    "Status",
    "import_items",
    "import_paths",
    "import_record",
    "import_stream",
    "import_upload",
]
