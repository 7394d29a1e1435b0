"""The API's request and response bodies; the OpenAPI document is generated from them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

from ninja import Schema
from pydantic import Field

from annotations.models import ArticleReview, ArtifactFlag, Claim, Evidence, FactCheck

if TYPE_CHECKING:  # mypy cannot read a functional enum's members: the same choices
    Status = FactCheck.Status
    WorkflowState = ArticleReview.State
    ClaimType = Claim.Type
    Stance = Evidence.Stance
    FlagState = ArtifactFlag.State
else:
    Status = StrEnum("Status", {s.name: s.value for s in FactCheck.Status})
    WorkflowState = StrEnum("WorkflowState", {s.name: s.value for s in ArticleReview.State})
    ClaimType = StrEnum("ClaimType", {s.name: s.value for s in Claim.Type})
    Stance = StrEnum("Stance", {s.name: s.value for s in Evidence.Stance})
    FlagState = StrEnum("FlagState", {s.name: s.value for s in ArtifactFlag.State})
Decision = Literal["confirmed", "dismissed"]


class Error(Schema):
    detail: str
    code: str = ""


class Conflict(Error):
    """412: the version the client sent is stale (``stale_version``) or missing
    (``version_required``)."""

    expected: int | None = None
    current_version: int | None = None
    fields: list[str] = []
    current: dict | None = None


class Page(Schema):
    count: int
    page: int
    page_size: int
    next: int | None = Field(None, description="The next page's number, if any.")
    previous: int | None = None


class Progress(Schema):
    counts: dict[str, int]
    total: int = Field(description="Sentences counted (outside confirmed artifacts).")
    excluded: int
    open: int
    false_or_misleading: int
    pending_flags: int


class ArticleOut(Schema):
    id: int
    title: str
    url: str
    source: str | None
    byline: str
    published: datetime | None
    imported_at: datetime
    revision: int
    workflow_state: WorkflowState
    progress: Progress


class ArticlePage(Page):
    items: list[ArticleOut]


class FactCheckOut(Schema):
    sentence: int
    status: Status
    assignee: str | None
    verdict: str
    note: str
    version: int = Field(description="Send it back in If-Match; 0 before the first write.")
    updated_by: str | None
    updated_at: datetime | None


class SentenceRow(Schema):
    id: int
    position: int
    start: int = Field(description="Code-point offset into the article's raw text.")
    end: int
    text: str
    status: Status
    version: int
    assignee: str | None


class SentencePage(Page):
    items: list[SentenceRow]


class ArticleDetail(ArticleOut):
    raw_text: str
    sentences: SentencePage


class ClaimOut(Schema):
    id: int
    sentence: int
    start: int
    end: int
    quote: str
    prefix: str
    suffix: str
    claimant: str
    claim_type: ClaimType
    note: str
    version: int
    created_by: str | None
    created_at: datetime


class ClaimPage(Page):
    items: list[ClaimOut]


class EvidenceOut(Schema):
    id: int
    sentence: int
    url: str
    title: str
    stance: Stance
    note: str
    version: int
    added_by: str | None
    created_at: datetime


class EvidencePage(Page):
    items: list[EvidenceOut]


class SentenceDetail(SentenceRow):
    article: int
    fact_check: FactCheckOut
    claims: list[ClaimOut]
    evidence: list[EvidenceOut]


class StatusIn(Schema):
    status: Status


class AssigneeIn(Schema):
    assignee: str | None = Field(description="A username, or null to unassign.")


class VerdictIn(Schema):
    verdict: str = Field("", max_length=20_000)
    note: str = Field("", max_length=20_000)


class ClaimIn(Schema):
    start: int | None = Field(None, ge=0, description="Omit start and end: the whole sentence.")
    end: int | None = Field(None, ge=0)
    claimant: str | None = Field(
        None, max_length=200, description="Omit: the attribution the text suggests."
    )
    claim_type: ClaimType = ClaimType.OTHER
    note: str = Field("", max_length=20_000)


class ClaimEdit(Schema):
    claimant: str | None = Field(None, max_length=200)
    claim_type: ClaimType | None = None
    note: str | None = Field(None, max_length=20_000)


class EvidenceIn(Schema):
    url: str = Field(max_length=2000, description="http or https.")
    title: str = Field("", max_length=300)
    stance: Stance = Stance.CONTEXT
    note: str = Field("", max_length=20_000)


class EvidenceEdit(Schema):
    url: str | None = Field(None, max_length=2000)
    title: str | None = Field(None, max_length=300)
    stance: Stance | None = None
    note: str | None = Field(None, max_length=20_000)


class FlagOut(Schema):
    id: int
    article: int
    kind: str
    start: int
    end: int
    text: str
    state: FlagState
    origin: str
    confidence: float | None
    reason: str
    version: int
    decided_by: str | None
    decided_at: datetime | None


class FlagPage(Page):
    items: list[FlagOut]


class DecisionIn(Schema):
    state: Decision


class UndoOut(Schema):
    undone: str = Field(description="What was undone: factcheck, claim or evidence.")
    fact_check: FactCheckOut


class RecordIn(Schema):
    """One article as the JSON import reads it (``newsroom.readers``): other fields are
    ignored, the importer checks the rest (limits, dates, urls) and says what is wrong."""

    title: str | None = None
    text: str | None = None
    body: str | None = Field(None, description="Another name for text.")
    url: str | None = None
    published: str | None = Field(None, description="ISO 8601.")
    source: str | None = None
    byline: str | None = None
    external_id: str | int | None = None


class BatchIn(Schema):
    records: list[RecordIn] = Field(min_length=1, max_length=1000)


class UrlIn(Schema):
    url: str = Field(max_length=2000, description="An http or https address of a public host.")


class ImportResultOut(Schema):
    status: Literal["imported", "revised", "duplicate", "valid", "failed"]
    location: str
    title: str
    article: int | None
    sentences: int
    message: str


class ImportOut(Schema):
    dry_run: bool
    imported: int
    revised: int
    duplicates: int
    failed: int
    sentences: int
    results: list[ImportResultOut]
