"""HTML pages: the main text and the page's metadata, through ``newsroom.text.html``."""

from __future__ import annotations

from newsroom.text import html

from .json_records import _is_web_url
from .records import (
    MAX_BYLINE_CHARS,
    MAX_SOURCE_CHARS,
    MAX_TITLE_CHARS,
    MAX_URL_CHARS,
    Record,
    RecordError,
)

# What a page handed to the extractor (newsroom.text.html) may be: a hostile page is
# What a page handed to the extractor (newsroom.text.html) may be: a hostile page is
# refused with the reason instead of keeping the importer busy for minutes.
HTML_MAX_CHARS = 5_000_000
HTML_MAX_DEPTH = 200
HTML_MAX_ELEMENTS = 30_000


def _html_record(text: str, *, origin: str) -> Record:
    """The article of an HTML page: trafilatura's main text and the page's metadata.

    Title, byline (author), published, source (site name) and url (canonical or
    ``og:url``, http(s) only) come from the page; ``title_in_text`` is set when the text
    begins with the headline, so that the layout takes that line as the title block.
    """
    try:
        page = html.extract(
            text,
            max_chars=HTML_MAX_CHARS,
            max_depth=HTML_MAX_DEPTH,
            max_elements=HTML_MAX_ELEMENTS,
        )
    except html.HtmlError as error:
        raise RecordError(str(error), origin=origin, format="html") from None
    title = page.title[:MAX_TITLE_CHARS]
    first_line = page.text.partition("\n")[0]
    url = page.url
    return Record(
        origin=origin,
        format="html",
        text=page.text,
        title=title or None,
        title_in_text=bool(title) and first_line.casefold() == title.casefold(),
        url=url if len(url) <= MAX_URL_CHARS and _is_web_url(url) else "",
        published=page.published,
        source=page.sitename[:MAX_SOURCE_CHARS],
        byline=page.author[:MAX_BYLINE_CHARS],
    )
