"""schema.org ClaimReview JSON-LD for every sentence (or claim) with a verdict.

One ``ClaimReview`` per claim of a sentence whose status is a verdict, or one for the whole
sentence when it has no claim. Properties, as Google's fact-check markup documents them:

- ``claimReviewed``: the claim's quote (the sentence's text without a claim);
- ``itemReviewed``: a ``Claim`` whose ``author`` is the claimant (a ``Person``), else the
  article's byline (``Person``), else its source (``Organization``); ``datePublished`` the
  article's published date; ``appearance`` the article at its original url;
- ``reviewRating``: a ``Rating`` on the scale of ``RATINGS`` (``alternateName`` the verdict);
- ``author``: the newsroom (``NEWSROOM_PUBLISHER_NAME`` / ``NEWSROOM_PUBLISHER_URL``);
- ``datePublished``: the day the verdict was last changed;
- ``url``: the sentence on the article page under ``NEWSROOM_PUBLIC_BASE_URL``;
- ``reviewBody``: the verdict summary, when there is one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse

from annotations.exports.base import SentenceRow, export_items
from annotations.models import ArticleReview, FactCheck
from newsroom.models import Article

S = FactCheck.Status
BEST_RATING = 3
WORST_RATING = 1


@dataclass(frozen=True)
class Rating:
    value: int | None  # None: the verdict is not a point on the truth scale
    label: str


# Our verdict statuses on a 1 (false) to 3 (accurate) scale; unverifiable and opinion are
# not truth values, so they carry only their name (``alternateName``).
RATINGS: dict[str, Rating] = {
    S.FALSE: Rating(1, "False"),
    S.MISLEADING: Rating(2, "Misleading"),
    S.ACCURATE: Rating(3, "Accurate"),
    S.UNVERIFIABLE: Rating(None, "Unverifiable"),
    S.OPINION: Rating(None, "Opinion"),
}
VERDICTS = tuple(RATINGS)
CONTEXT = "https://schema.org"


def publishable(articles: QuerySet[Article], *, drafts: bool = False) -> QuerySet[Article]:
    """The articles whose ClaimReview may go out: approved ones, or all with ``drafts``."""
    if drafts:
        return articles
    return articles.filter(review__state=ArticleReview.State.APPROVED)


def review_url(article: Article, sentence_pk: int, base_url: str) -> str:
    """The sentence on the article page, under the public base URL."""
    path = reverse("annotations:article-detail", args=[article.pk])
    return f"{base_url.rstrip('/')}{path}?s={sentence_pk}#s-{sentence_pk}"


def _organization(name: str, url: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {"@type": "Organization", "name": name}
    if url:
        out["url"] = url
    return out


def _claim_author(article: Article, claimant: str) -> dict[str, Any] | None:
    if claimant:
        return {"@type": "Person", "name": claimant}
    if article.byline:
        return {"@type": "Person", "name": article.byline}
    if article.source:
        return _organization(article.source.name)
    return None


def _rating(status: str) -> dict[str, Any]:
    rating = RATINGS[status]
    out: dict[str, Any] = {"@type": "Rating", "alternateName": rating.label}
    if rating.value is not None:
        out.update(ratingValue=rating.value, bestRating=BEST_RATING, worstRating=WORST_RATING)
    return out


def reviews_of(article: Article, row: SentenceRow, base_url: str) -> list[dict[str, Any]]:
    """The ClaimReview items of one sentence (none unless its status is a verdict)."""
    check = row.fact_check
    if check is None or check.status not in RATINGS:
        return []
    sentence = row.sentence
    claims = [(c.quote, c.claimant) for c in row.claims] or [
        (article.raw_text[sentence.start : sentence.end], "")
    ]
    publisher_url = settings.NEWSROOM_PUBLISHER_URL or base_url
    out = []
    for quote, claimant in claims:
        claim: dict[str, Any] = {"@type": "Claim"}
        author = _claim_author(article, claimant)
        if author:
            claim["author"] = author
        if article.published:
            claim["datePublished"] = article.published.date().isoformat()
        if article.safe_url:
            appearance: dict[str, Any] = {
                "@type": "NewsArticle",
                "url": article.safe_url,
                "headline": article.title,
            }
            if article.source:
                appearance["publisher"] = _organization(article.source.name)
            claim["appearance"] = appearance
        item: dict[str, Any] = {
            "@type": "ClaimReview",
            "url": review_url(article, sentence.pk, base_url),
            "claimReviewed": quote,
            "itemReviewed": claim,
            "reviewRating": _rating(check.status),
            "author": _organization(settings.NEWSROOM_PUBLISHER_NAME, publisher_url),
            "datePublished": check.updated_at.date().isoformat(),
        }
        if check.verdict:
            item["reviewBody"] = check.verdict
        out.append(item)
    return out


def export_claimreview(articles: QuerySet[Article], *, base_url: str) -> Iterator[str]:
    """``{"@context": "https://schema.org", "@graph": [ClaimReview, ...]}`` for ``articles``
    (select them with ``publishable`` first), streamed."""
    yield f'{{"@context": "{CONTEXT}", "@graph": ['
    separator = "\n"
    verdicts = Q(fact_check__status__in=VERDICTS)
    for item in export_items(articles, sentence_filter=verdicts):
        for row in item.rows:
            for review in reviews_of(item.article, row, base_url):
                yield separator + json.dumps(review, ensure_ascii=False)
                separator = ",\n"
    yield "\n]}\n"


def script_json(text: str) -> str:
    """JSON text made safe inside ``<script type="application/ld+json">``: ``<``, ``>`` and
    ``&`` as JSON escapes, so no ``</script>`` or comment opener can end the block."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
