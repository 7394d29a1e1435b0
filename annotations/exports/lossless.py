"""The lossless JSON export, and its import.

One document holds articles (with their source, raw text and import metadata), layout
blocks, sentences, artifact flags with their decisions, fact checks with their notes,
evidence and history, claims, and the workflow state with its history::

    {"format": "newsroom-lossless", "version": 1, "articles": [
     {"title": ..., "raw_text": ..., "content_hash": ..., "source": {"name", "domain"},
      "review": {... "history": [...]} | null, "blocks": [...], "flags": [...],
      "sentences": [{"position", "block", "start", "end",
                     "fact_check": {... "evidence": [...], "history": [...]} | null,
                     "claims": [...]}]}]}

Every concrete field of each model is written under its own name (so a field added to a
model is carried without touching this module); people are usernames, dates ISO 8601 in
UTC, database ids never appear (a block is referred to by its position). Export ->
``import_document`` into an empty database -> export gives the same text.

Importing an article whose content hash is already in the database merges it instead:
the database keeps what it has, and the document adds what the database lacks (flags,
decisions on untouched suggestions, fact checks of unchecked sentences, claims, evidence, a
workflow state for a new article); ``ImportReport`` says what was done.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from django.db.models import QuerySet
from simple_history.utils import bulk_create_with_history

from annotations.exports.base import export_items, usernames
from annotations.models import ArticleReview, ArtifactFlag, Claim, Evidence, FactCheck
from newsroom.models import Article, Block, Sentence, Source

FORMAT = "newsroom-lossless"
VERSION = 1
# Fields rebuilt from the document's nesting: never written as values.
STRUCTURE = {"id", "article", "sentence", "block", "fact_check", "source"}
IMPORT_REASON = "import"


def _dump_value(model_field: models.Field, value: Any, users: dict[int, str]) -> Any:
    if value is None:
        return None
    if model_field.is_relation:
        return users.get(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def fields_of(obj: models.Model, users: dict[int, str]) -> dict[str, Any]:
    """The row's own fields by name (people as usernames), without ids and structure."""
    user_model = get_user_model()
    out: dict[str, Any] = {}
    for model_field in type(obj)._meta.concrete_fields:
        if model_field.primary_key or model_field.name in STRUCTURE:
            continue
        if model_field.is_relation and model_field.related_model is not user_model:
            continue
        out[model_field.name] = _dump_value(model_field, getattr(obj, model_field.attname), users)
    return out


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=False)


def export_lossless(articles: QuerySet[Article]) -> Iterator[str]:
    """The lossless document of ``articles``, streamed (see the module docstring)."""
    users = usernames()
    yield f'{{"format": "{FORMAT}", "version": {VERSION}, "articles": ['
    separator = "\n"
    for item in export_items(articles, evidence=True, history=True):
        article = item.article
        head = fields_of(article, users)
        source = article.source
        head["source"] = {"name": source.name, "domain": source.domain} if source else None
        review = item.review
        if review is not None:
            head["review"] = {
                **fields_of(review, users),
                "history": [fields_of(h, users) for h in item.review_history],
            }
        else:
            head["review"] = None
        head["blocks"] = [fields_of(b, users) for b in item.blocks]
        head["flags"] = [fields_of(f, users) for f in item.flags]
        block_positions = {b.pk: b.position for b in item.blocks}
        yield separator + _dumps(head)[:-1] + ', "sentences": ['
        inner = "\n"
        for row in item.rows:
            sentence = row.sentence
            check = None
            if row.fact_check is not None:
                check = {
                    **fields_of(row.fact_check, users),
                    "evidence": [fields_of(e, users) for e in row.evidence],
                    "history": [fields_of(h, users) for h in row.history],
                }
            data = {
                "position": sentence.position,
                "block": block_positions.get(sentence.block_id),
                "start": sentence.start,
                "end": sentence.end,
                "fact_check": check,
                "claims": [fields_of(c, users) for c in row.claims],
            }
            yield inner + _dumps(data)
            inner = ",\n"
        yield "]}"
        separator = ",\n"
    yield "\n]}\n"


# --- Import ---------------------------------------------------------------------------------


@dataclass
class ImportReport:
    """What an import did: articles created and merged, and per merge what was taken."""

    created: int = 0
    merged: int = 0
    failed: list[str] = field(default_factory=list)
    users_created: list[str] = field(default_factory=list)
    merge_counts: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        out = [
            f"{self.created} article{'s' if self.created != 1 else ''} created, "
            f"{self.merged} merged with the same content already here, {len(self.failed)} failed."
        ]
        if self.users_created:
            out.append(
                "Users created (inactive, no password, no role): " + ", ".join(self.users_created)
            )
        for what, count in sorted(self.merge_counts.items()):
            out.append(f"  merged: {count} {what}")
        out.extend(f"  failed: {message}" for message in self.failed)
        return out


class _Loader:
    """Turns document dicts back into rows (people by username, dates parsed)."""

    def __init__(self, user_ids: dict[str, int]) -> None:
        self.user_ids = user_ids
        self.user_model = get_user_model()

    def values(self, model: type[models.Model], data: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        names = {f.name: f for f in model._meta.concrete_fields}
        for name, value in data.items():
            model_field = names.get(name)
            if model_field is None or model_field.primary_key or name in STRUCTURE:
                continue
            if model_field.is_relation:
                if model_field.related_model is self.user_model:
                    out[model_field.attname] = self.user_ids.get(value) if value else None
                continue
            if value is not None and isinstance(model_field, models.DateTimeField):
                value = datetime.fromisoformat(value)
            elif value is not None and isinstance(model_field, models.DateField):
                value = date.fromisoformat(value)
            out[model_field.attname] = value
        return out

    def new(self, model: type[models.Model], data: dict[str, Any], **structure: Any) -> Any:
        return model(**self.values(model, data), **structure)


# Timestamps that auto_now / auto_now_add would overwrite on create: restored afterwards.
def _auto_times(model: type[models.Model]) -> list[str]:
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add)
    ]


def _create(
    loader: _Loader,
    model: type[models.Model],
    pairs: list[tuple[dict[str, Any], dict[str, Any]]],
    user: Any,
    *,
    with_history: bool = True,
) -> list[Any]:
    """Create ``model`` rows from (document dict, structure kwargs) pairs, keeping their
    timestamps; one history row each (reason ``import``) when ``with_history``."""
    if not pairs:
        return []
    objs = [loader.new(model, data, **structure) for data, structure in pairs]
    wanted = [{name: getattr(obj, name) for name in _auto_times(model)} for obj in objs]
    if with_history:
        objs = bulk_create_with_history(
            objs, model, default_user=user, default_change_reason=IMPORT_REASON
        )
    else:
        objs = model.objects.bulk_create(objs)
    times = _auto_times(model)
    if times:
        for obj, values in zip(objs, wanted, strict=True):
            for name, value in values.items():
                setattr(obj, name, value)
        model.objects.bulk_update(objs, times)
    return objs


def _create_history(
    loader: _Loader, model: type[models.Model], records: list[dict[str, Any]], **ids: Any
) -> None:
    history_model = model.history.model
    history_model.objects.bulk_create(
        [loader.new(history_model, record, **ids) for record in records]
    )


def _usernames_in(value: Any, keys: set[str], found: set[str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if key in keys and isinstance(item, str) and item:
                found.add(item)
            else:
                _usernames_in(item, keys, found)
    elif isinstance(value, list):
        for item in value:
            _usernames_in(item, keys, found)


def _user_keys() -> set[str]:
    user_model = get_user_model()
    keys = set()
    for model in (Article, ArticleReview, ArtifactFlag, FactCheck, Claim, Evidence):
        for candidate in (model, model.history.model if hasattr(model, "history") else None):
            if candidate is None:
                continue
            for model_field in candidate._meta.concrete_fields:
                if model_field.is_relation and model_field.related_model is user_model:
                    keys.add(model_field.name)
    return keys


def _ensure_users(document: dict[str, Any], report: ImportReport) -> dict[str, int]:
    """Usernames of the document -> ids; a missing person becomes an inactive user with no
    password and no role, so that who did what is kept (and nobody can log in as them)."""
    names: set[str] = set()
    _usernames_in(document.get("articles", []), _user_keys(), names)
    user_model = get_user_model()
    ids = dict(user_model.objects.filter(username__in=names).values_list("username", "pk"))
    for name in sorted(names - ids.keys()):
        new_user = user_model(username=name, is_active=False)
        new_user.set_unusable_password()
        new_user.save()
        ids[name] = new_user.pk
        report.users_created.append(name)
    return ids


def check_document(document: Any) -> None:
    """``ValidationError`` unless ``document`` is a lossless export this code reads."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValidationError(f"Not a {FORMAT} document.", code="format")
    if document.get("version") != VERSION:
        raise ValidationError(
            f"Unsupported version {document.get('version')!r} (this reads {VERSION}).",
            code="version",
        )
    if not isinstance(document.get("articles"), list):
        raise ValidationError("The document has no list of articles.", code="articles")


def import_document(*, document: dict[str, Any], user: Any = None) -> ImportReport:
    """Import a lossless document: each article in its own transaction, created when its
    content hash is new, else merged into the article that has it (``merge_article``).

    Raises ``ValidationError`` for a document that is not a lossless export; an article
    that cannot be imported is reported in ``failed`` and the others go on.
    """
    check_document(document)
    report = ImportReport()
    with transaction.atomic():
        loader = _Loader(_ensure_users(document, report))
    for index, data in enumerate(document["articles"]):
        try:
            with transaction.atomic():
                existing = (
                    Article.objects.select_for_update()
                    .filter(content_hash=data.get("content_hash"))
                    .first()
                )
                if existing is None:
                    _create_article(loader, data, user)
                    report.created += 1
                else:
                    report.merge_counts.update(merge_article(loader, existing, data, user))
                    report.merged += 1
        except (KeyError, TypeError, ValueError, ValidationError, DatabaseError) as error:
            title = data.get("title", "?") if isinstance(data, dict) else "?"
            report.failed.append(f"article {index} ({title!r}): {error!r}")
    return report


def _source(data: dict[str, Any] | None) -> Source | None:
    if not data:
        return None
    source, _ = Source.objects.get_or_create(
        name=data["name"], defaults={"domain": data.get("domain", "")}
    )
    return source


def _check_spans(data: dict[str, Any]) -> None:
    """``ValidationError`` unless every span of the article lies inside its raw text and
    every evidence link is an http(s) URL."""
    length = len(data["raw_text"])
    spans = [*data["blocks"], *data["sentences"], *data["flags"]]
    spans += [c for s in data["sentences"] for c in s.get("claims", [])]
    for span in spans:
        start, end = span.get("start"), span.get("end")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= length):
            raise ValidationError(f"span {start!r}..{end!r} is not inside the text")
    # Evidence links are written without the form: hold them to the model's http(s) rule.
    validate = Evidence._meta.get_field("url").run_validators
    for sentence in data["sentences"]:
        for evidence in (sentence.get("fact_check") or {}).get("evidence", []):
            validate(evidence.get("url"))


def _create_article(loader: _Loader, data: dict[str, Any], user: Any) -> Article:
    _check_spans(data)
    article = loader.new(Article, data, source=_source(data.get("source")))
    article.full_clean(exclude=["content_hash", "source", "imported_by"], validate_unique=False)
    article.save()
    times = loader.values(Article, {k: data[k] for k in _auto_times(Article) if k in data})
    if times:
        Article.objects.filter(pk=article.pk).update(**times)
    blocks = _create(
        loader, Block, [(b, {"article": article}) for b in data["blocks"]], user, with_history=False
    )
    by_position = {b.position: b for b in blocks}
    sentences = _create(
        loader,
        Sentence,
        [
            (
                {k: s[k] for k in ("position", "start", "end")},
                {"article": article, "block": by_position[s["block"]]},
            )
            for s in data["sentences"]
        ],
        user,
        with_history=False,
    )
    _create(loader, ArtifactFlag, [(f, {"article": article}) for f in data["flags"]], user)
    review = data.get("review")
    if review:
        (row,) = _create(
            loader, ArticleReview, [(review, {"article": article})], user, with_history=False
        )
        _create_history(
            loader, ArticleReview, review.get("history", []), id=row.pk, article_id=article.pk
        )
    _create_annotations(loader, article, list(zip(sentences, data["sentences"], strict=True)), user)
    return article


def _create_annotations(
    loader: _Loader, article: Article, pairs: list[tuple[Sentence, dict[str, Any]]], user: Any
) -> None:
    """Fact checks (with evidence and history) and claims of new or unchecked sentences."""
    with_check = [(s, d) for s, d in pairs if d.get("fact_check")]
    checks = _create(
        loader,
        FactCheck,
        [(d["fact_check"], {"sentence": s, "article": article}) for s, d in with_check],
        user,
        with_history=False,
    )
    history_model = FactCheck.history.model
    history_model.objects.bulk_create(
        [
            loader.new(history_model, record, id=check.pk, sentence_id=s.pk, article_id=article.pk)
            for check, (s, d) in zip(checks, with_check, strict=True)
            for record in d["fact_check"].get("history", [])
        ]
    )
    _create(
        loader,
        Evidence,
        [
            (e, {"fact_check": check})
            for check, (_, d) in zip(checks, with_check, strict=True)
            for e in d["fact_check"].get("evidence", [])
        ],
        user,
    )
    _create(
        loader,
        Claim,
        [(c, {"sentence": s, "article": article}) for s, d in pairs for c in d.get("claims", [])],
        user,
    )


def _differs(row: models.Model, data: dict[str, Any], loader: _Loader, names: tuple) -> bool:
    wanted = loader.values(type(row), {n: data.get(n) for n in names if n in data})
    return any(getattr(row, name) != value for name, value in wanted.items())


def merge_article(loader: _Loader, article: Article, data: dict[str, Any], user: Any) -> Counter:
    """Merge the document's editorial state into ``article`` (same content hash); the
    caller holds the transaction and the article's lock. The database keeps what it has,
    and an approved article here is read-only: nothing is merged into it."""
    _check_spans(data)
    counts: Counter = Counter()
    if ArticleReview.objects.filter(article=article, state=ArticleReview.State.APPROVED).exists():
        counts["approved articles here, left as they are"] += 1
        return counts
    # Lock the sentences first, as every fact-check write does, then read their state.
    sentences = {
        (s.start, s.end): s for s in Sentence.objects.select_for_update().filter(article=article)
    }
    checks = {c.sentence_id: c for c in FactCheck.objects.filter(article=article)}
    claims = set(Claim.objects.filter(article=article).values_list("sentence_id", "start", "end"))
    flags = {(f.kind, f.start, f.end): f for f in ArtifactFlag.objects.filter(article=article)}
    evidence_urls = set(
        Evidence.objects.filter(fact_check__article=article).values_list("fact_check_id", "url")
    )

    new_flags = []
    for flag_data in data.get("flags", []):
        key = (flag_data.get("kind"), flag_data.get("start"), flag_data.get("end"))
        existing = flags.get(key)
        if existing is None:
            new_flags.append((flag_data, {"article": article}))
            continue
        untouched = (
            existing.state == ArtifactFlag.State.SUGGESTED
            and existing.origin == ArtifactFlag.Origin.DETECTOR
            and existing.decided_at is None
        )
        if untouched and flag_data.get("decided_at"):
            for name, value in loader.values(
                ArtifactFlag,
                {
                    n: flag_data.get(n)
                    for n in ("state", "previous_state", "decided_by", "decided_at")
                },
            ).items():
                setattr(existing, name, value)
            existing._history_user = user
            existing._change_reason = IMPORT_REASON
            existing.save()
            counts["flag decisions taken from the file"] += 1
        else:
            counts["flags kept as they are here"] += 1
    _create(loader, ArtifactFlag, new_flags, user)
    counts["flags added"] += len(new_flags)

    new_pairs: list[tuple[Sentence, dict[str, Any]]] = []
    new_claims: list[tuple[dict[str, Any], dict[str, Any]]] = []
    new_evidence: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for sentence_data in data.get("sentences", []):
        sentence = sentences.get((sentence_data.get("start"), sentence_data.get("end")))
        check_data = sentence_data.get("fact_check")
        if sentence is None:
            if check_data or sentence_data.get("claims"):
                counts["sentences with work not found here (skipped)"] += 1
            continue
        for claim_data in sentence_data.get("claims", []):
            if (sentence.pk, claim_data.get("start"), claim_data.get("end")) not in claims:
                new_claims.append((claim_data, {"sentence": sentence, "article": article}))
        if not check_data:
            continue
        current = checks.get(sentence.pk)
        if current is None:
            new_pairs.append((sentence, {"fact_check": check_data}))
            counts["fact checks added"] += 1
            continue
        if _differs(current, check_data, loader, ("status", "assignee", "verdict", "note")):
            counts["fact checks that differ (kept as they are here)"] += 1
        else:
            counts["fact checks already the same"] += 1
        for evidence_data in check_data.get("evidence", []):
            if (current.pk, evidence_data.get("url")) not in evidence_urls:
                new_evidence.append((evidence_data, {"fact_check": current}))
    _create_annotations(loader, article, new_pairs, user)
    _create(loader, Claim, new_claims, user)
    _create(loader, Evidence, new_evidence, user)
    counts["claims added"] += len(new_claims)
    counts["evidence links added"] += len(new_evidence) + sum(
        len(d["fact_check"].get("evidence", [])) for _, d in new_pairs
    )

    review_data = data.get("review")
    current_review = ArticleReview.objects.filter(article=article).first()
    if review_data and current_review is None:
        (row,) = _create(
            loader, ArticleReview, [(review_data, {"article": article})], user, with_history=False
        )
        _create_history(
            loader,
            ArticleReview,
            review_data.get("history", []),
            id=row.pk,
            article_id=article.pk,
        )
        counts["workflow states taken from the file"] += 1
    elif review_data and _differs(current_review, review_data, loader, ("state",)):
        counts["workflow states that differ (kept as they are here)"] += 1
    return +counts
