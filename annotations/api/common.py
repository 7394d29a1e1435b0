"""What every endpoint module shares: permissions, pagination, objects as dicts."""

from __future__ import annotations

from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Path, Query

from annotations.models import ArtifactFlag, Claim, Evidence, FactCheck
from annotations.services import fact_check_version
from newsroom.models import Sentence

# The same permissions as the pages (annotations.roles).
READ = ("newsroom.view_article", "annotations.view_factcheck")
CHANGE_FACT_CHECK = "annotations.change_factcheck"
CHANGE_FLAG = "annotations.change_artifactflag"
IMPORT = "newsroom.add_article"
# Page numbers past this are refused (SQLite's integers are 64-bit; no page is this far).
MAX_PAGE = 1_000_000
# Ids are 64-bit in every database (SQLite raises OverflowError on a bigger number).
MAX_ID = 2**63 - 1
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
PageNumber = Annotated[int, Query(ge=1, le=MAX_PAGE, description="From 1.")]


def require(request: HttpRequest, *permissions: str) -> None:
    """403 unless the caller has every permission (its role's, as on the pages)."""
    if not request.user.has_perms(permissions):
        raise PermissionDenied("Your role may not do this.")


def paginate(qs: QuerySet, page: int, size: int) -> tuple[dict[str, Any], list]:
    """The page envelope (count, page, page_size, next, previous) and that page's rows:
    two queries (the count, the rows). A page past the end is empty."""
    count = qs.count()
    rows = list(qs[(page - 1) * size : page * size]) if count else []
    envelope = {
        "count": count,
        "page": page,
        "page_size": size,
        "next": page + 1 if page * size < count else None,
        "previous": page - 1 if page > 1 and count else None,
    }
    return envelope, rows


def name(user: Any) -> str | None:
    return user.get_username() if user else None


def fact_check_dict(sentence_id: int, fact_check: FactCheck | None) -> dict[str, Any]:
    """A sentence's fact check (assignee and updated_by loaded); unchecked, version 0
    when it has none yet."""
    return {
        "sentence": sentence_id,
        "status": fact_check.status if fact_check else FactCheck.Status.UNCHECKED.value,
        "assignee": name(fact_check.assignee) if fact_check else None,
        "verdict": fact_check.verdict if fact_check else "",
        "note": fact_check.note if fact_check else "",
        "version": fact_check_version(fact_check),
        "updated_by": name(fact_check.updated_by) if fact_check else None,
        "updated_at": fact_check.updated_at if fact_check else None,
    }


def sentence_row(sentence: Sentence, text: str) -> dict[str, Any]:
    """A sentence (fact check and assignee loaded) with its text from the article's."""
    fact_check = getattr(sentence, "fact_check", None)
    return {
        "id": sentence.pk,
        "position": sentence.position,
        "start": sentence.start,
        "end": sentence.end,
        "text": text[sentence.start : sentence.end],
        "status": fact_check.status if fact_check else FactCheck.Status.UNCHECKED.value,
        "version": fact_check_version(fact_check),
        "assignee": name(fact_check.assignee) if fact_check else None,
    }


def claim_dict(claim: Claim) -> dict[str, Any]:
    return {
        "id": claim.pk,
        "sentence": claim.sentence_id,
        **{
            field: getattr(claim, field)
            for field in ("start", "end", "quote", "prefix", "suffix", "claimant")
        },
        "claim_type": claim.claim_type,
        "note": claim.note,
        "version": claim.version,
        "created_by": name(claim.created_by),
        "created_at": claim.created_at,
    }


def evidence_dict(evidence: Evidence, sentence_id: int) -> dict[str, Any]:
    return {
        "id": evidence.pk,
        "sentence": sentence_id,
        "url": evidence.url,
        "title": evidence.title,
        "stance": evidence.stance,
        "note": evidence.note,
        "version": evidence.version,
        "added_by": name(evidence.added_by),
        "created_at": evidence.created_at,
    }


def flag_dict(flag: ArtifactFlag, text: str) -> dict[str, Any]:
    return {
        "id": flag.pk,
        "article": flag.article_id,
        "kind": flag.kind,
        "start": flag.start,
        "end": flag.end,
        "text": text[flag.start : flag.end],
        "state": flag.state,
        "origin": flag.origin,
        "confidence": flag.confidence,
        "reason": flag.reason,
        "version": flag.version,
        "decided_by": name(flag.decided_by),
        "decided_at": flag.decided_at,
    }
