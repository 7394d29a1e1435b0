"""An HTML page -> the article's readable text and metadata, with trafilatura.

PURE: no Django import. The page is parsed here with lxml (no network, no DTD, no entity
loading) and the parsed tree, never a string, is handed to trafilatura, so nothing is ever
fetched: trafilatura and htmldate only download when given a URL to read.

Hostile pages are bounded before trafilatura sees them, because its cost grows faster than
the page, with the number of inline elements above all (measured here: 8,000 ``<span>`` in
one paragraph took 7 s, 12,000 took 46 s; 29,000 spread over 290 paragraphs, 7 s):

* more than ``max_chars`` characters of HTML is refused before parsing;
* libxml2 stops at 256 levels of nesting (the rest of the page is lost), so a page nested
  deeper than ``max_depth`` is refused rather than cut short silently;
* more than ``max_elements`` elements (after dropping ``<svg>``, ``<math>``, ``<style>``
  and hidden elements) is refused;
* inline tags (``<span>``, ``<a>``, ``<b>``…) are stripped, their text kept, under an
  element with more than ``max_inline_children`` of them as children, and in the whole
  page when it has more than ``max_inline`` of them.

With the default limits no page takes more than about 3 s of CPU. Every refusal is an
:class:`HtmlError` whose message says which limit and by how much.
"""

from __future__ import annotations

import copy
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
    "MAX_INLINE",
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
MAX_INLINE_CHILDREN = 100
MAX_INLINE = 10_000

# The extraction settings chosen with bench/score_html.py (see the README, "HTML import").
TRAFILATURA_OPTIONS: dict[str, Any] = {
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

# What may stand between a headline and the site's name in a page title.
_TITLE_SEPARATORS = frozenset("-|\u2013\u2014:\u00b7\u2022/")

# Elements that are never text (a <template> is inert, <noscript> is for browsers without
# scripts, an <iframe>'s content is raw text to the parser, and trafilatura drops the rest
# anyway); dropped before counting elements, so that a page drawn with inline SVG icons is
# not refused for its size.
_NEVER_TEXT = (
    "svg",
    "math",
    "style",
    "noscript",
    "template",
    "iframe",
    "object",
    "embed",
    "canvas",
)
# What the reader never sees: the hidden attribute and an inline display:none (a search
# box's suggestions, metadata blocks, hover cards). <head> keeps its hidden metadata.
_HIDDEN = lxml.etree.XPath(
    "//body//*[@hidden or contains(translate(@style, ' ', ''), 'display:none')]"
)
_INLINE_TAGS = frozenset((
    "a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em", "font",
    "i", "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub",
    "sup", "time", "tt", "u", "var",
))  # fmt: skip
# Elements that begin a new line of text.
_BLOCK_TAGS = (
    "address", "article", "blockquote", "br", "dd", "details", "dialog", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table",
    "td", "th", "tr", "ul",
)  # fmt: skip
# Characters XML (hence lxml) refuses in text: C0 controls but tab and line ends, lone
# surrogates and the two non-characters at the end of the BMP.
_NOT_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# The libraries warn about every page they give up on ("discarding data"); the importer
# reports that page itself. A level set in the logging settings wins.
for _name in ("trafilatura", "htmldate", "courlan"):
    if logging.getLogger(_name).level == logging.NOTSET:
        logging.getLogger(_name).setLevel(logging.ERROR)


class HtmlError(ValueError):
    """A page that gives no text: too large, too deep, unparsable, or without readable text."""


@dataclass(frozen=True, slots=True)
class HtmlExtract:
    """What a page says: its text (one paragraph, heading or list item per line) and metadata.

    ``text`` has no blank line and no line with outer whitespace; list items start with
    ``- ``, table rows are ``| cell | cell |``. ``title`` is exactly the first line of
    ``text`` when that line is the page's headline (an ``<h1>``, or the page title without
    the site's name), else the page title trafilatura picks. Metadata fields are ``""``
    (``published`` ``None``) when the page does not give them; ``published`` is aware when
    the page gave an offset, else naive; ``url`` is the canonical or ``og:url`` address as
    written (any scheme: the caller checks it).
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
    max_inline: int = MAX_INLINE,
) -> HtmlExtract:
    """Extract the main text and the metadata of one HTML page.

    The text is the article as trafilatura finds it (menus, teasers, footers and comments
    left out), one block per line, scripts and styles never included. Raises
    :class:`HtmlError` for a page over ``max_chars`` characters, deeper than ``max_depth``
    elements, with more than ``max_elements`` elements, that lxml cannot parse, or with no
    readable text (``"no readable text in the HTML"``). Inline tags are stripped as the
    module docstring says (``max_inline_children``, ``max_inline``). Never fetches anything.
    """
    if len(html) > max_chars:
        raise HtmlError(f"HTML page is {len(html)} characters, over the limit of {max_chars}")
    root = _parse(html, max_depth=max_depth)
    for element in [*root.iter(*_NEVER_TEXT), *_HIDDEN(root)]:
        if element.getparent() is not None:
            element.drop_tree()
    _check_size(root, max_depth=max_depth, max_elements=max_elements)
    _flatten_inline(root, per_element=max_inline_children, total=max_inline)
    published = _meta_published(root)
    headlines = {_one_line(h1.text_content()).casefold() for h1 in root.iter("h1")}
    document = _trafilatura(root)
    text = _page_lines(root, document.body) or document.text or ""
    text = "\n".join(line.strip() for line in text.splitlines() if line.strip())
    if not text:
        raise HtmlError("no readable text in the HTML")
    title = _one_line(document.title)
    first_line = text.partition("\n")[0]
    if _is_headline(first_line, title, headlines):
        title = first_line
    return HtmlExtract(
        text=text,
        title=title,
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


def _flatten_inline(root: lxml.html.HtmlElement, *, per_element: int, total: int) -> None:
    """Strip inline tags, keeping their text: everywhere when there are more than ``total``,
    else under each element with more than ``per_element`` inline children."""
    inline = sum(1 for _ in root.iter(*_INLINE_TAGS))
    if inline > total:
        crowded = [root]
    elif inline > per_element:
        crowded = [
            element
            for element in root.iter()
            if len(element) > per_element
            and sum(isinstance(child.tag, str) and child.tag in _INLINE_TAGS for child in element)
            > per_element
        ]
    else:
        return
    for element in crowded:
        lxml.etree.strip_tags(element, *_INLINE_TAGS)
        # Stripping leaves the text in as many libxml2 text nodes as there were tags, and
        # XPath over them is what is slow: setting a text again makes it one node.
        for node in element.iter():
            node.text, node.tail = node.text, node.tail


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


def _page_lines(root: lxml.html.HtmlElement, body: Any) -> str | None:
    """The page's text one line per block element, when trafilatura fell back to the text of
    the whole page (a short page): that last resort puts every text node on a line of its
    own, so ``Body <b>bold</b>.`` is 3 lines. ``None`` when it did not."""
    if body is None or len(body) != 1 or body[0].tag != "p" or "\n" not in (body[0].text or ""):
        return None
    from trafilatura.baseline import basic_cleaning
    from trafilatura.utils import trim

    page = root.find("body")
    page = basic_cleaning(copy.deepcopy(root if page is None else page))
    if body[0].text != "\n".join(text for node in page.itertext() if (text := trim(node))):
        return None  # one paragraph with line breaks from elsewhere (JSON-LD articleBody)
    for element in page.iter(*_BLOCK_TAGS):
        element.text = "\n" + (element.text or "")
        element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in page.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


def _is_headline(line: str, title: str, headlines: set[str]) -> bool:
    """Whether the text's first line is the page's headline: an ``<h1>``, or the title
    (``og:title``, ``<title>``) possibly followed by the site's name ("Story | Site")."""
    folded, title = line.casefold(), title.casefold()
    if folded in headlines or folded == title:
        return True
    rest = title.removeprefix(folded)
    return bool(folded) and rest != title and rest.lstrip()[:1] in _TITLE_SEPARATORS


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
