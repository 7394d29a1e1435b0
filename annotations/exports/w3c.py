"""W3C Web Annotation export: claims, artifact flags and fact checks as one JSON-LD
``AnnotationCollection`` (https://www.w3.org/TR/annotation-model/).

Every annotation targets the article's stored text (``source``: the article on this site;
``scope``: its original url) with two selectors:

- ``TextQuoteSelector``: ``exact`` the annotated text, ``prefix``/``suffix`` up to 32
  characters of context each side (a claim's stored context);
- ``TextPositionSelector``: ``start``/``end``, a half-open range of Unicode code points
  into the stored text (the model's "character" count; JavaScript's UTF-16 offsets differ
  after an emoji).

Motivations: a claim is ``highlighting`` (bodies: its type as ``tagging``, claimant as
``describing``, note as ``commenting``); a flag ``classifying`` (its kind, its state as
``tagging``, the detector's reason as ``describing``); a fact check ``assessing`` (its status,
verdict summary as ``describing``, note as ``commenting``, evidence links as ``linking`` with
their stance).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from annotations.exports.base import export_items, usernames
from annotations.models import ArtifactFlag, Claim, FactCheck
from annotations.services import claim_anchor
from newsroom.models import Article

CONTEXT = "http://www.w3.org/ns/anno.jsonld"


def _text_body(value: str, purpose: str) -> dict[str, str]:
    return {"type": "TextualBody", "value": value, "purpose": purpose, "format": "text/plain"}


def _target(article: Article, page: str, start: int, end: int, anchor=None) -> dict[str, Any]:
    quote = anchor or claim_anchor(article.raw_text, start, end)
    target: dict[str, Any] = {
        "source": page,
        "selector": [
            {
                "type": "TextQuoteSelector",
                "exact": quote["quote"],
                "prefix": quote["prefix"],
                "suffix": quote["suffix"],
            },
            {"type": "TextPositionSelector", "start": start, "end": end},
        ],
    }
    if article.safe_url:
        target["scope"] = article.safe_url
    return target


def _dated(out: dict[str, Any], user_id: int | None, created: datetime | None, users) -> None:
    if user_id and user_id in users:
        out["creator"] = {"type": "Person", "nickname": users[user_id]}
    if created:
        out["created"] = created.isoformat()


def _claim(claim: Claim, article: Article, page: str, users) -> dict[str, Any]:
    bodies = [_text_body(f"claim:{claim.claim_type}", "tagging")]
    if claim.claimant:
        bodies.append(_text_body(claim.claimant, "describing"))
    if claim.note:
        bodies.append(_text_body(claim.note, "commenting"))
    anchor = {"quote": claim.quote, "prefix": claim.prefix, "suffix": claim.suffix}
    out = {
        "id": f"{page}#claim-{claim.pk}",
        "type": "Annotation",
        "motivation": "highlighting",
        "body": bodies,
        "target": _target(article, page, claim.start, claim.end, anchor),
    }
    _dated(out, claim.created_by_id, claim.created_at, users)
    out["modified"] = claim.updated_at.isoformat()
    return out


def _flag(flag: ArtifactFlag, article: Article, page: str, users) -> dict[str, Any]:
    bodies = [
        _text_body(flag.kind, "classifying"),
        _text_body(f"state:{flag.state}", "tagging"),
        _text_body(f"origin:{flag.origin}", "tagging"),
    ]
    if flag.reason:
        bodies.append(_text_body(flag.reason, "describing"))
    out = {
        "id": f"{page}#flag-{flag.pk}",
        "type": "Annotation",
        "motivation": "classifying",
        "body": bodies,
        "target": _target(article, page, flag.start, flag.end),
    }
    _dated(out, flag.created_by_id, flag.created_at, users)
    if flag.decided_at:
        out["modified"] = flag.decided_at.isoformat()
    return out


def _fact_check(check: FactCheck, row, article: Article, page: str, users) -> dict[str, Any]:
    bodies = [_text_body(check.status, "assessing")]
    if check.verdict:
        bodies.append(_text_body(check.verdict, "describing"))
    if check.note:
        bodies.append(_text_body(check.note, "commenting"))
    for evidence in row.evidence:
        link: dict[str, Any] = {
            "type": "SpecificResource",
            "source": evidence.url,
            "purpose": "linking",
        }
        description = " ".join(filter(None, [f"stance:{evidence.stance}", evidence.title]))
        bodies.append(link)
        bodies.append(_text_body(description, "describing"))
    sentence = row.sentence
    out = {
        "id": f"{page}#s-{sentence.pk}",
        "type": "Annotation",
        "motivation": "assessing",
        "body": bodies,
        "target": _target(article, page, sentence.start, sentence.end),
    }
    _dated(out, check.updated_by_id, None, users)
    out["modified"] = check.updated_at.isoformat()
    return out


def export_w3c(articles: QuerySet[Article], *, base_url: str, collection_id: str) -> Iterator[str]:
    """The ``AnnotationCollection`` (one ``AnnotationPage``) of ``articles``, streamed;
    ``total`` comes last, once the items are counted."""
    users = usernames()
    head = {
        "@context": CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": "Claims, artifact flags and fact checks",
    }
    yield json.dumps(head, ensure_ascii=False)[:-1]
    yield f', "first": {{"id": {json.dumps(collection_id + "#page-1")}, '
    yield '"type": "AnnotationPage", "startIndex": 0, "items": ['
    total = 0
    separator = "\n"
    for item in export_items(articles, evidence=True):
        article = item.article
        page = base_url.rstrip("/") + reverse("annotations:article-detail", args=[article.pk])
        for annotation in (_flag(flag, article, page, users) for flag in item.flags):
            yield separator + json.dumps(annotation, ensure_ascii=False)
            separator, total = ",\n", total + 1
        for row in item.rows:
            found = [_claim(claim, article, page, users) for claim in row.claims]
            if row.fact_check is not None:
                found.append(_fact_check(row.fact_check, row, article, page, users))
            for annotation in found:
                yield separator + json.dumps(annotation, ensure_ascii=False)
                separator, total = ",\n", total + 1
    yield f'\n]}}, "total": {total}}}\n'
