"""An HTML page -> the article's readable text and metadata, with trafilatura.

PURE: no Django import. The page is parsed here with lxml (no network, no DTD, no entity
loading) and the parsed tree, never a string, is handed to trafilatura, so nothing is ever
fetched: trafilatura and htmldate only download when given a URL to read.

Hostile pages are bounded before trafilatura sees them, because its cost grows faster than
the page (measured here: 8,000 ``<span>`` in one paragraph took 7 s, 12,000 took 46 s):

* more than ``max_chars`` characters of HTML is refused before parsing;
* libxml2 stops at 256 levels of nesting (the rest of the page is lost), so a page nested
  deeper than ``max_depth`` is refused rather than cut short silently;
* more than ``max_elements`` elements (after dropping ``<svg>``, ``<math>``, ``<style>``)
  is refused;
* an element with more than ``max_inline_children`` inline children (``<span>``, ``<a>``,
  ``<b>``…) has its inline tags stripped, text kept, before extraction.

Every refusal is an :class:`HtmlError` whose message says which limit and by how much.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import lxml.etree
import lxml.html

__all__ = [
    "MAX_CHARS",
    "MAX_DEPTH",
    "MAX_ELEMENTS",
    "MAX_INLINE_CHILDREN",
    "HtmlError",
    "HtmlExtract",
    "extract",
]

# Defaults of extract()'s limits; the benchmark's 118 news pages: at most 1.4 M characters,
# depth 32 and 1,709 elements.
MAX_CHARS = 5_000_000
MAX_DEPTH = 200
MAX_ELEMENTS = 30_000
MAX_INLINE_CHILDREN = 500

# The extraction settings chosen with bench/score_html.py (see the README, "HTML import").
TRAFILATURA_OPTIONS: dict[str, object] = {
    "favor_precision": True,
    "include_comments": False,
    "include_tables": True,
    "deduplicate": False,
}
# htmldate: markup only (meta tags, JSON-LD, <time>), no guessing from the text; the
# publication date rather than the last modification; the time and offset when given.
_DATE_PARAMS = {
    "extensive_search": False,
    "original_date": True,
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
}

# Publication-time meta tags, read first and as written (time and offset kept, no range
# check: the importer refuses a date out of its range rather than dropping it).
_META_PUBLISHED = ("article:published_time", "og:published_time", "date", "pubdate")

# Elements that are never text and that trafilatura drops anyway; dropped before counting
# elements, so that a page drawn with inline SVG icons is not refused for its size.
_NEVER_TEXT = ("svg", "math", "style")
_INLINE_TAGS = frozenset(
    [
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "big",
        "cite",
        "code",
        "data",
        "del",
        "dfn",
        "em",
        "font",
        "i",
        "ins",
        "kbd",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strike",
        "strong",
        "sub",
        "sup",
        "time",
        "tt",
        "u",
        "var",
    ]
)
# Characters XML (hence lxml) refuses in text: C0 controls but tab and line ends, lone
# surrogates and the two non-characters at the end of the BMP.
_NOT_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Libraries log every page they give up on; the caller reports it instead.
for _name in ("trafilatura", "htmldate", "courlan"):
    logging.getLogger(_name).addHandler(logging.NullHandler())


class HtmlError(ValueError):
    """A page that gives no text: too large, too deep, unparsable, or without readable text."""


@dataclass(frozen=True, slots=True)
class HtmlExtract:
    """What a page says: its text (one paragraph, heading or list item per line) and metadata.

    ``text`` has no blank line and no line with outer whitespace; list items start with
    ``- ``, table rows are ``| cell | cell |``. Metadata fields are ``""`` (``published``
    ``None``) when the page does not give them; ``published`` is aware when the page gave an
    offset, else naive; ``url`` is the page's canonical or ``og:url`` address as written.
    """

    text: str
    title: str = ""
    author: str = ""
    published: datetime | None = None
    sitename: str = ""
    url: str = ""


def extract(
    html: str,
    *,
    max_chars: int = MAX_CHARS,
    max_depth: int = MAX_DEPTH,
    max_elements: int = MAX_ELEMENTS,
    max_inline_children: int = MAX_INLINE_CHILDREN,
) -> HtmlExtract:
    """Extract the main text and the metadata of one HTML page.

    The text is the article as trafilatura finds it (menus, teasers, footers and comments
    left out), one block per line, scripts and styles never included. Raises
    :class:`HtmlError` for a page over ``max_chars`` characters, deeper than ``max_depth``
    elements, with more than ``max_elements`` elements, that lxml cannot parse, or with no
    readable text (``"no readable text in the HTML"``). Never fetches anything.
    """
    if len(html) > max_chars:
        raise HtmlError(f"HTML page is {len(html)} characters, over the limit of {max_chars}")
    root = _parse(html, max_depth=max_depth)
    for element in list(root.iter(*_NEVER_TEXT)):
        element.drop_tree()
    _check_size(root, max_depth=max_depth, max_elements=max_elements)
    _flatten_inline_runs(root, max_inline_children)
    published = _meta_published(root)
    document = _trafilatura(root)
    text = "\n".join(line.strip() for line in (document.text or "").splitlines() if line.strip())
    if not text:
        raise HtmlError("no readable text in the HTML")
    return HtmlExtract(
        text=text,
        title=_one_line(document.title),
        author=_one_line(document.author),
        published=published or _published(document.date),
        sitename=_one_line(document.sitename),
        url=(document.url or "").strip(),
    )


def _parse(html: str, *, max_depth: int) -> lxml.html.HtmlElement:
    # Bytes with a forced encoding: a <meta charset> or XML declaration in the page cannot
    # make lxml decode the (already decoded) text a second time, differently.
    data = _NOT_XML_RE.sub("", html).encode("utf-8")
    parser = lxml.html.HTMLParser(
        encoding="utf-8",
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
        default_doctype=False,
        no_network=True,
    )
    try:
        root = lxml.html.document_fromstring(data, parser=parser)
    except (lxml.etree.LxmlError, ValueError):
        raise HtmlError("no readable text in the HTML") from None
    for entry in parser.error_log:
        if entry.type == lxml.etree.ErrorTypes.ERR_RESOURCE_LIMIT:
            # libxml2 stops at 256 levels of nesting and drops the rest of the page.
            raise HtmlError(
                f"HTML is nested more than 255 elements deep (line {entry.line}), "
                f"over the limit of {max_depth}"
            )
    return root


def _check_size(root: lxml.html.HtmlElement, *, max_depth: int, max_elements: int) -> None:
    depth = deepest = count = 0
    for event, _element in lxml.etree.iterwalk(root, events=("start", "end")):
        if event == "end":
            depth -= 1
            continue
        depth += 1
        count += 1
        deepest = max(deepest, depth)
    if deepest > max_depth:
        raise HtmlError(f"HTML is nested {deepest} elements deep, over the limit of {max_depth}")
    if count > max_elements:
        raise HtmlError(f"HTML page has {count} elements, over the limit of {max_elements}")


def _flatten_inline_runs(root: lxml.html.HtmlElement, limit: int) -> None:
    """Strip the inline tags under any element with more than ``limit`` inline children."""
    crowded = [
        element
        for element in root.iter()
        if len(element) > limit
        and sum(isinstance(child.tag, str) and child.tag in _INLINE_TAGS for child in element)
        > limit
    ]
    for element in crowded:
        lxml.etree.strip_tags(element, *_INLINE_TAGS)


def _trafilatura(root: lxml.html.HtmlElement) -> Any:
    # Imported on first use: the import alone takes about 0.7 s.
    import trafilatura

    try:
        document = trafilatura.bare_extraction(
            root,
            with_metadata=True,
            date_extraction_params=_DATE_PARAMS,
            **TRAFILATURA_OPTIONS,
        )
    except (lxml.etree.LxmlError, ValueError, TypeError, RecursionError):
        document = None
    if document is None:
        raise HtmlError("no readable text in the HTML")
    return document


def _meta_published(root: lxml.html.HtmlElement) -> datetime | None:
    found: dict[str, str] = {}
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        if key in _META_PUBLISHED and key not in found:
            found[key] = (meta.get("content") or "").strip()
    for key in _META_PUBLISHED:
        if value := _published(found.get(key)):
            return value
    return None


def _one_line(value: str | None) -> str:
    return " ".join((value or "").split())


def _published(value: str | None) -> datetime | None:
    """An ISO 8601 date or time (htmldate's ``outputformat`` above): aware with an offset."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
