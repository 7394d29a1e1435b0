"""Files and records -> analysed articles, without touching the database.

Everything the importer and ``manage.py analyze`` share lives here, so parsing is written
once. One module per job:

* ``records``: ``Record``, ``RecordError``, ``Skipped``, the ``Limits`` a record obeys, the
  file formats and field lengths;
* ``decoding``: bytes to text (UTF-8, or UTF-8/16/32 with a byte-order mark);
* one reader per format: ``json_records`` (JSON and JSON Lines), ``html_records`` (HTML
  pages); the plain-text layout needs none, the text core parses it;
* ``files``: ``read_paths`` and ``read_stream``, which pick the reader by format;
* ``analysis``: ``analyse(record)``, the record through the text core's one
  parse-and-detect step (``newsroom.text.pipeline.scan``), and ``content_hash``.

Nothing in this package imports a model or opens a connection. Readers never raise on
bad input: they yield a ``RecordError`` for each record (or whole file) that cannot be
read, naming the file, the line or record, and the problem, and go on with the next.
"""

from .analysis import Analysis, analyse, analyse_many, analysis_worker_init, content_hash
from .decoding import decode
from .files import read_paths, read_stream
from .records import (
    FALLBACK_TITLE_CHARS,
    FALLBACK_TITLE_WORDS,
    FORMAT_NAMES,
    FORMATS,
    MAX_BYLINE_CHARS,
    MAX_SOURCE_CHARS,
    MAX_TITLE_CHARS,
    MAX_URL_CHARS,
    Item,
    Limits,
    Record,
    RecordError,
    Skipped,
    format_for,
)

__all__ = [
    "FALLBACK_TITLE_CHARS",
    "FALLBACK_TITLE_WORDS",
    "FORMATS",
    "FORMAT_NAMES",
    "MAX_BYLINE_CHARS",
    "MAX_SOURCE_CHARS",
    "MAX_TITLE_CHARS",
    "MAX_URL_CHARS",
    "Analysis",
    "Item",
    "Limits",
    "Record",
    "RecordError",
    "Skipped",
    "analyse",
    "analyse_many",
    "analysis_worker_init",
    "content_hash",
    "decode",
    "format_for",
    "read_paths",
    "read_stream",
]
