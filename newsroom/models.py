"""What was published: sources, articles, their layout blocks and sentences.

Offsets everywhere are half-open code-point ranges into ``Article.raw_text``:
``article.raw_text[x.start:x.end]`` is the text of a block or sentence.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Count, F, Q
from django.db.models.functions import Substr

from newsroom.search import search_articles

SAFE_URL_SCHEMES = ("http://", "https://")


def safe_link(url: str) -> str:
    """``url`` when it is an http(s) URL, else "": the only URLs a page may put in an href.

    Forms and the importer already refuse other schemes; this guards the pages against a
    ``javascript:`` URL that reached the database some other way.
    """
    return url if url.strip().lower().startswith(SAFE_URL_SCHEMES) else ""


def acting_user(**options) -> models.ForeignKey:
    """Who did something to a row (imported, created, decided, changed it): a nullable link
    to a user that survives the user's deletion and adds no reverse accessor."""
    options = {"null": True, "blank": True, "related_name": "+"} | options
    return models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, **options)


class TextSpan(models.Model):
    """A half-open code-point range ``[start, end)`` of an article's raw text: blocks,
    sentences, artifact flags and claims. Concrete models keep their own ``article`` foreign
    key (their related names differ) and add ``span_check`` to their constraints."""

    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()

    class Meta:
        abstract = True

    @staticmethod
    def span_check(name: str) -> models.CheckConstraint:
        """The database rule every span obeys: it is not empty (start < end)."""
        return models.CheckConstraint(condition=Q(start__lt=F("end")), name=name)

    @property
    def text(self) -> str:
        """The span's text (needs ``article`` loaded: use select_related)."""
        return self.article.raw_text[self.start : self.end]  # type: ignore[attr-defined]


class Source(models.Model):
    """A publication the articles come from."""

    name = models.CharField(max_length=200, unique=True)
    domain = models.CharField(max_length=253, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ArticleQuerySet(models.QuerySet["Article"]):
    def search(self, query: str) -> ArticleQuerySet:
        """Articles holding every word of ``query`` in their title, url, source name or
        text (full-text search on PostgreSQL, see ``newsroom.search``)."""
        return search_articles(self, query)

    def with_sentence_count(self) -> ArticleQuerySet:
        return self.annotate(sentence_count=Count("sentences", distinct=True))


class Article(models.Model):
    """One scraped article, its raw text stored exactly as imported (after decoding)."""

    class Format(models.TextChoices):
        TEXT = "text", "Plain text"
        JSON = "json", "JSON"
        JSONL = "jsonl", "JSON Lines"
        HTML = "html", "HTML"

    title = models.CharField(max_length=500)
    url = models.URLField(max_length=2000, blank=True)
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    published = models.DateTimeField(null=True, blank=True)
    byline = models.CharField(max_length=300, blank=True)
    raw_text = models.TextField()
    # Whether the raw text begins with the title line (plain-text layout) or holds the body only.
    title_in_text = models.BooleanField(default=True)
    content_hash = models.CharField(max_length=64, unique=True, editable=False)
    # SHA-256 of the article's identity (``newsroom.identity``: its normalised url, or
    # the record's external id): a record with the same identity and another text is a
    # new revision of this article. NULL when the record had neither.
    identity = models.CharField(  # noqa: DJ001  NULLs never collide in a unique column
        max_length=64, null=True, unique=True, editable=False
    )
    external_id = models.CharField(max_length=200, blank=True)
    # The current revision's number (1 for a text never changed); the earlier ones are
    # ArticleRevision rows, read-only.
    revision = models.PositiveIntegerField(default=1)
    revised_at = models.DateTimeField(null=True, blank=True)
    revised_by = acting_user()
    imported_by = acting_user(related_name="imported_articles")
    imported_at = models.DateTimeField(auto_now_add=True, db_index=True)
    origin_name = models.CharField("imported from", max_length=500, blank=True)
    origin_format = models.CharField(max_length=10, choices=Format, default=Format.TEXT)
    origin_index = models.PositiveIntegerField(
        "record", default=0, help_text="Position of the record in its file (0 for the first)."
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-imported_at", "-id"]
        indexes = [
            models.Index(fields=["published"]),
            models.Index(fields=["source", "-published"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def safe_url(self) -> str:
        return safe_link(self.url)

    def text_of(self, span: Block | Sentence) -> str:
        return self.raw_text[span.start : span.end]


class ArticleRevision(models.Model):
    """An earlier text of an article, kept read-only when a re-import changed it.

    ``raw_text`` with the offsets it had: ``blocks`` holds ``[role, start, end]`` and
    ``sentences`` ``[start, end, block position, sentence id]`` (the ids the sentences
    had, which their history rows name), in position order. ``imported_at`` and
    ``imported_by`` say when and by whom this text arrived; ``superseded_at`` and
    ``superseded_by`` when and by whom the next one did.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=500)
    url = models.URLField(max_length=2000, blank=True)
    published = models.DateTimeField(null=True, blank=True)
    byline = models.CharField(max_length=300, blank=True)
    raw_text = models.TextField()
    title_in_text = models.BooleanField(default=True)
    content_hash = models.CharField(max_length=64, db_index=True)
    blocks = models.JSONField(default=list)
    sentences = models.JSONField(default=list)
    imported_at = models.DateTimeField()
    imported_by = acting_user()
    origin_name = models.CharField("imported from", max_length=500, blank=True)
    superseded_at = models.DateTimeField(auto_now_add=True)
    superseded_by = acting_user()

    class Meta:
        ordering = ["article", "number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="revision_unique_number"),
        ]

    def __str__(self) -> str:
        return f"Revision {self.number} of article {self.article_id}"

    def sentence_texts(self) -> list[str]:
        """The texts of this revision's sentences, in order."""
        return [self.raw_text[start:end] for start, end, *_ in self.sentences]


def span_text(prefix: str = "") -> Substr:
    """A span's text cut out of its article's raw text by the database, for ``annotate``:
    the rows' ``start``/``end`` (0-based, end exclusive) and ``article__raw_text``, all
    behind ``prefix`` (``"sentence__"`` from a fact check). The raw text is not loaded."""
    return Substr(
        f"{prefix}article__raw_text",
        F(f"{prefix}start") + 1,
        F(f"{prefix}end") - F(f"{prefix}start"),
    )


class Block(TextSpan):
    """A layout block of an article: title, dateline, caption, body paragraph or trailer."""

    class Role(models.TextChoices):
        TITLE = "title", "Title"
        DATELINE = "dateline", "Dateline"
        CAPTION = "caption", "Caption"
        BODY = "body", "Body"
        TRAILER = "trailer", "Trailer"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="blocks")
    position = models.PositiveIntegerField()
    role = models.CharField(max_length=10, choices=Role)

    class Meta:
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "position"], name="block_unique_position"),
            TextSpan.span_check("block_start_before_end"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.position + 1} of article {self.article_id}"


class Sentence(TextSpan):
    """A sentence inside a block; ``position`` counts from 0 across the whole article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sentences")
    block = models.ForeignKey(Block, on_delete=models.CASCADE, related_name="sentences")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "position"], name="sentence_unique_position"
            ),
            TextSpan.span_check("sentence_start_before_end"),
        ]

    def __str__(self) -> str:
        return f"Sentence {self.position + 1} of article {self.article_id}"


from newsroom.jobs.models import Job  # noqa: E402, F401  (registered with the app here)
