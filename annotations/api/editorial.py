"""Sentences, their fact checks (status, assignee, verdict, undo), claims, evidence, and
artifact flag decisions: each write is the page's service function, with its lock,
version merge, history row, role rules and errors (see ``versions`` for ``If-Match``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Header, Router
from ninja.errors import HttpError

from annotations import flagging, services
from annotations.api import schemas
from annotations.api.common import (
    CHANGE_FACT_CHECK,
    CHANGE_FLAG,
    READ,
    Id,
    PageNumber,
    claim_dict,
    evidence_dict,
    fact_check_dict,
    flag_dict,
    paginate,
    require,
    sentence_row,
)
from annotations.api.versions import etag, expected_version
from annotations.models import ArtifactFlag, Claim, Evidence, FactCheck
from newsroom.models import Article, Sentence

router = Router()

LIST_PAGE = 100
IF_MATCH = Header(None, alias="If-Match", description='The version you saw, e.g. "3".')
VERSIONED = {412: schemas.Conflict, 409: schemas.Error, 403: schemas.Error, 422: schemas.Error}


def _sentence(pk: int) -> Sentence:
    return get_object_or_404(
        Sentence.objects.select_related(
            "article", "fact_check__assignee", "fact_check__updated_by"
        ),
        pk=pk,
    )


def _fact_check(sentence: Sentence) -> FactCheck | None:
    return (
        FactCheck.objects.select_related("assignee", "updated_by").filter(sentence=sentence).first()
    )


def _fact_check_response(response: HttpResponse, sentence: Sentence) -> dict:
    body = fact_check_dict(sentence.pk, _fact_check(sentence))
    response["ETag"] = etag(body["version"])
    return body


@router.get("/sentences/{int:sentence_id}", response=schemas.SentenceDetail, tags=["sentences"])
def get_sentence(request: HttpRequest, response: HttpResponse, sentence_id: Id) -> dict[str, Any]:
    """A sentence with its fact check (``ETag``: its version), claims and evidence."""
    require(request, *READ)
    sentence = _sentence(sentence_id)
    fact_check = getattr(sentence, "fact_check", None)
    claims = sentence.claims.select_related("created_by").order_by("start", "pk")
    evidence = (
        fact_check.evidence.select_related("added_by").order_by("created_at", "pk")
        if fact_check
        else []
    )
    response["ETag"] = etag(services.fact_check_version(fact_check))
    return {
        **sentence_row(sentence, sentence.article.raw_text),
        "article": sentence.article_id,
        "fact_check": fact_check_dict(sentence.pk, fact_check),
        "claims": [claim_dict(c) for c in claims],
        "evidence": [evidence_dict(e, sentence.pk) for e in evidence],
    }


@router.put(
    "/sentences/{int:sentence_id}/status",
    response={200: schemas.FactCheckOut, **VERSIONED},
    tags=["fact checks"],
)
def put_status(
    request: HttpRequest,
    response: HttpResponse,
    sentence_id: Id,
    body: schemas.StatusIn,
    if_match: str | None = IF_MATCH,
) -> dict:
    """Set the status (fact-checkers and editors), as the page's status buttons."""
    require(request, CHANGE_FACT_CHECK)
    sentence = _sentence(sentence_id)
    services.set_status(
        sentence=sentence,
        status=str(body.status),
        user=request.user,
        expected_version=expected_version(if_match),
    )
    return _fact_check_response(response, sentence)


@router.put(
    "/sentences/{int:sentence_id}/assignee",
    response={200: schemas.FactCheckOut, **VERSIONED},
    tags=["fact checks"],
)
def put_assignee(
    request: HttpRequest,
    response: HttpResponse,
    sentence_id: Id,
    body: schemas.AssigneeIn,
    if_match: str | None = IF_MATCH,
) -> dict:
    """Assign the sentence (a username) or unassign it (null). A fact-checker takes an
    unassigned sentence or lets go of their own; editors assign anyone (the page's rule:
    403 for giving it to someone else, 409 when someone else holds it)."""
    require(request, CHANGE_FACT_CHECK)
    sentence = _sentence(sentence_id)
    assignee = None
    if body.assignee is not None:
        assignee = get_user_model().objects.filter(username=body.assignee, is_active=True).first()
        if assignee is None or not assignee.has_perm(CHANGE_FACT_CHECK):
            raise HttpError(422, f"No fact-checker or editor is called {body.assignee!r}.")
    services.assign_sentence(
        sentence=sentence,
        assignee=assignee,
        user=request.user,
        expected_version=expected_version(if_match),
    )
    return _fact_check_response(response, sentence)


@router.put(
    "/sentences/{int:sentence_id}/verdict",
    response={200: schemas.FactCheckOut, **VERSIONED},
    tags=["fact checks"],
)
def put_verdict(
    request: HttpRequest,
    response: HttpResponse,
    sentence_id: Id,
    body: schemas.VerdictIn,
    if_match: str | None = IF_MATCH,
) -> dict:
    """Set the verdict summary and the note."""
    require(request, CHANGE_FACT_CHECK)
    sentence = _sentence(sentence_id)
    services.save_verdict(
        sentence=sentence,
        verdict=body.verdict,
        note=body.note,
        user=request.user,
        expected_version=expected_version(if_match),
    )
    return _fact_check_response(response, sentence)


@router.post(
    "/sentences/{int:sentence_id}/undo",
    response={200: schemas.UndoOut, **VERSIONED},
    tags=["fact checks"],
)
def undo(
    request: HttpRequest, response: HttpResponse, sentence_id: Id, if_match: str | None = IF_MATCH
) -> dict:
    """Undo your last change on the sentence (status, assignee, verdict, claim, evidence);
    409 when there is nothing of yours left to undo."""
    require(request, CHANGE_FACT_CHECK)
    sentence = _sentence(sentence_id)
    try:
        change = services.undo_last_change(
            sentence=sentence, user=request.user, expected_version=expected_version(if_match)
        )
    except services.NothingToUndo:
        raise HttpError(409, "Nothing of yours to undo on this sentence.") from None
    return {"undone": change.model, "fact_check": _fact_check_response(response, sentence)}


# --- Claims -----------------------------------------------------------------------------


@router.get("/sentences/{int:sentence_id}/claims", response=schemas.ClaimPage, tags=["claims"])
def list_claims(request: HttpRequest, sentence_id: Id, page: PageNumber = 1) -> dict:
    require(request, *READ)
    sentence = get_object_or_404(Sentence, pk=sentence_id)
    claims = (
        Claim.objects.filter(sentence=sentence).select_related("created_by").order_by("start", "pk")
    )
    envelope, rows = paginate(claims, page, LIST_PAGE)
    return {**envelope, "items": [claim_dict(c) for c in rows]}


@router.post(
    "/sentences/{int:sentence_id}/claims",
    response={201: schemas.ClaimOut, 403: schemas.Error, 409: schemas.Error, 422: schemas.Error},
    tags=["claims"],
)
def add_claim(request: HttpRequest, response: HttpResponse, sentence_id: Id, body: schemas.ClaimIn):
    """Mark a claim: ``[start, end)`` code points inside the sentence, or the whole
    sentence; the claimant defaults to the attribution the sentence suggests."""
    require(request, "annotations.add_claim")
    sentence = _sentence(sentence_id)
    claim = services.add_claim(
        sentence=sentence,
        user=request.user,
        start=body.start,
        end=body.end,
        claimant=body.claimant,
        claim_type=str(body.claim_type),
        note=body.note,
    )
    response["ETag"] = etag(claim.version)
    return 201, claim_dict(claim)


def _claim(pk: int) -> Claim:
    return get_object_or_404(Claim.objects.select_related("sentence", "created_by"), pk=pk)


@router.patch(
    "/claims/{int:claim_id}", response={200: schemas.ClaimOut, **VERSIONED}, tags=["claims"]
)
def edit_claim(
    request: HttpRequest,
    response: HttpResponse,
    claim_id: Id,
    body: schemas.ClaimEdit,
    if_match: str | None = IF_MATCH,
) -> dict:
    """Change a claim's claimant, type or note (its author or an editor); the fields left
    out keep the values of the version you saw."""
    require(request, "annotations.change_claim")
    claim = _claim(claim_id)
    version = expected_version(if_match)
    seen = _seen(Claim, claim, version, services.CLAIM_FIELDS)
    values = {name: getattr(body, name) for name in services.CLAIM_FIELDS}
    changes = {
        name: str(v) if name == "claim_type" else v for name, v in values.items() if v is not None
    }
    edited = services.edit_claim(
        claim=claim, user=request.user, expected_version=version, **{**seen, **changes}
    )
    response["ETag"] = etag(edited.version)
    return claim_dict(_claim(edited.pk))


def _seen(model: Any, row: Any, version: int, fields: tuple[str, ...]) -> dict[str, Any]:
    """The values of ``fields`` at the version the client saw (from history), so that a
    PATCH leaving a field out does not send the current value as a change of its own."""
    if row.version == version:
        return {name: getattr(row, name) for name in fields}
    record = model.history.filter(id=row.pk, version=version).order_by("-history_date").first()
    return {name: getattr(record or row, name) for name in fields}


@router.delete("/claims/{int:claim_id}", response={204: None, **VERSIONED}, tags=["claims"])
def delete_claim(request: HttpRequest, claim_id: Id, if_match: str | None = IF_MATCH):
    """Delete a claim (its author or an editor); 412 if it changed since your version."""
    require(request, "annotations.delete_claim")
    services.delete_claim(
        claim=_claim(claim_id), user=request.user, expected_version=expected_version(if_match)
    )
    return 204, None


# --- Evidence ---------------------------------------------------------------------------


@router.get(
    "/sentences/{int:sentence_id}/evidence", response=schemas.EvidencePage, tags=["evidence"]
)
def list_evidence(request: HttpRequest, sentence_id: Id, page: PageNumber = 1) -> dict:
    require(request, *READ)
    sentence = get_object_or_404(Sentence, pk=sentence_id)
    rows_qs = (
        Evidence.objects.filter(fact_check__sentence=sentence)
        .select_related("added_by")
        .order_by("created_at", "pk")
    )
    envelope, rows = paginate(rows_qs, page, LIST_PAGE)
    return {**envelope, "items": [evidence_dict(e, sentence.pk) for e in rows]}


@router.post(
    "/sentences/{int:sentence_id}/evidence",
    response={201: schemas.EvidenceOut, 403: schemas.Error, 409: schemas.Error, 422: schemas.Error},
    tags=["evidence"],
)
def add_evidence(
    request: HttpRequest, response: HttpResponse, sentence_id: Id, body: schemas.EvidenceIn
):
    """Attach an evidence link (http or https) to the sentence's fact check."""
    require(request, "annotations.add_evidence")
    sentence = _sentence(sentence_id)
    evidence = services.add_evidence(
        sentence=sentence,
        user=request.user,
        url=body.url,
        title=body.title,
        stance=str(body.stance),
        note=body.note,
    )
    response["ETag"] = etag(evidence.version)
    return 201, evidence_dict(evidence, sentence.pk)


def _evidence(pk: int) -> Evidence:
    return get_object_or_404(Evidence.objects.select_related("fact_check", "added_by"), pk=pk)


@router.patch(
    "/evidence/{int:evidence_id}",
    response={200: schemas.EvidenceOut, **VERSIONED},
    tags=["evidence"],
)
def edit_evidence(
    request: HttpRequest,
    response: HttpResponse,
    evidence_id: Id,
    body: schemas.EvidenceEdit,
    if_match: str | None = IF_MATCH,
) -> dict:
    """Change an evidence link's URL, title, stance or note (its author or an editor)."""
    require(request, "annotations.change_evidence")
    evidence = _evidence(evidence_id)
    version = expected_version(if_match)
    seen = _seen(Evidence, evidence, version, services.EVIDENCE_FIELDS)
    values = {name: getattr(body, name) for name in services.EVIDENCE_FIELDS}
    changes = {
        name: str(v) if name == "stance" else v for name, v in values.items() if v is not None
    }
    edited = services.edit_evidence(
        evidence=evidence, user=request.user, expected_version=version, **{**seen, **changes}
    )
    response["ETag"] = etag(edited.version)
    return evidence_dict(_evidence(edited.pk), evidence.fact_check.sentence_id)


@router.delete("/evidence/{int:evidence_id}", response={204: None, **VERSIONED}, tags=["evidence"])
def delete_evidence(request: HttpRequest, evidence_id: Id, if_match: str | None = IF_MATCH):
    """Delete an evidence link (its author or an editor)."""
    require(request, "annotations.delete_evidence")
    services.delete_evidence(
        evidence=_evidence(evidence_id),
        user=request.user,
        expected_version=expected_version(if_match),
    )
    return 204, None


# --- Artifact flags ---------------------------------------------------------------------


@router.get("/articles/{int:article_id}/flags", response=schemas.FlagPage, tags=["flags"])
def list_flags(
    request: HttpRequest,
    article_id: Id,
    page: PageNumber = 1,
    state: schemas.FlagState | None = None,
) -> dict:
    """The article's artifact flags in text order, 100 a page (``state`` to filter)."""
    require(request, *READ, "annotations.view_artifactflag")
    article = get_object_or_404(Article, pk=article_id)
    flags = ArtifactFlag.objects.filter(article=article).select_related("decided_by")
    if state is not None:
        flags = flags.filter(state=str(state))
    envelope, rows = paginate(flags.order_by("start", "end", "pk"), page, LIST_PAGE)
    return {**envelope, "items": [flag_dict(f, article.raw_text) for f in rows]}


def _flag_response(response: HttpResponse, flag: ArtifactFlag) -> dict:
    flag = ArtifactFlag.objects.select_related("article", "decided_by").get(pk=flag.pk)
    response["ETag"] = etag(flag.version)
    return flag_dict(flag, flag.article.raw_text)


@router.put(
    "/flags/{int:flag_id}/decision",
    response={200: schemas.FlagOut, **VERSIONED},
    tags=["flags"],
)
def decide_flag(
    request: HttpRequest,
    response: HttpResponse,
    flag_id: Id,
    body: schemas.DecisionIn,
    if_match: str | None = IF_MATCH,
) -> dict:
    """Confirm or dismiss a flag (editors); 412 if someone decided it after your version."""
    require(request, CHANGE_FLAG)
    flag = get_object_or_404(ArtifactFlag, pk=flag_id)
    decided = flagging.decide_flag(
        flag=flag, user=request.user, state=body.state, expected_version=expected_version(if_match)
    )
    return _flag_response(response, decided)


@router.post(
    "/flags/{int:flag_id}/undo", response={200: schemas.FlagOut, **VERSIONED}, tags=["flags"]
)
def undo_flag(
    request: HttpRequest, response: HttpResponse, flag_id: Id, if_match: str | None = IF_MATCH
) -> dict:
    """Return a flag to its state before its last decision (editors)."""
    require(request, CHANGE_FLAG)
    flag = get_object_or_404(ArtifactFlag, pk=flag_id)
    undone = flagging.undo_flag(
        flag=flag, user=request.user, expected_version=expected_version(if_match)
    )
    return _flag_response(response, undone)
