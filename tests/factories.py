"""factory-boy factories. Articles with real blocks and sentences come from the importer
(``tests.factories.imported_article``) so that offsets are always the real ones."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from newsroom.models import Article, Source


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw")


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Source {n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    """A bare article row (no blocks or sentences)."""

    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article {n}")
    source = factory.SubFactory(SourceFactory)
    raw_text = factory.LazyAttribute(lambda o: f"{o.title}\n\nBody of {o.title}.")
    content_hash = factory.Sequence(lambda n: f"{n:064x}")


def article_with_sentences(n: int = 5, **fields):
    """An article whose body is ``n`` sentences in one block, written with bulk_create.

    Fast and independent of the importer (for roll-up and list tests): sentence ``i`` is
    ``"Sentence i is here."``; returns the article with ``sentence_list`` in order.
    """
    from annotations import counters
    from newsroom.models import Block, Sentence

    head = "Headline\n\n"
    body = " ".join(f"Sentence {i} is here." for i in range(n))
    article = ArticleFactory(raw_text=head + body, **fields)
    block = Block.objects.create(
        article=article,
        position=0,
        role=Block.Role.BODY,
        start=len(head),
        end=len(head) + max(len(body), 1),
    )
    sentences, offset = [], len(head)
    for i in range(n):
        text = f"Sentence {i} is here."
        sentences.append(
            Sentence(article=article, block=block, position=i, start=offset, end=offset + len(text))
        )
        offset += len(text) + 1
    article.sentence_list = Sentence.objects.bulk_create(sentences)
    counters.refresh([article.pk])  # as the importer does for the rows it writes
    return article


def imported_article(text: str, **fields: object) -> Article:
    """An article saved through the importer, with its real blocks and sentences.

    ``text`` is the plain-text layout (title line first) unless ``title`` is given, in
    which case it is the body only. Other fields: ``url``, ``source`` (a name or a
    Source), ``byline``, ``published`` (datetime), ``user`` (imported_by), ``origin``.
    The same title and text twice give the same article (the importer is idempotent).
    """
    from newsroom.importing import Status, import_record
    from newsroom.readers import Record

    user = fields.pop("user", None)
    title = fields.pop("title", None)
    source = fields.pop("source", "")
    record = Record(
        origin=str(fields.pop("origin", "factory")),
        format="text",
        text=text,
        title=title,  # type: ignore[arg-type]
        title_in_text=title is None,
        source=source.name if isinstance(source, Source) else str(source or ""),
        **fields,  # type: ignore[arg-type]
    )
    result = import_record(record, user=user)  # type: ignore[arg-type]
    if result.article is None or result.status not in (Status.IMPORTED, Status.DUPLICATE):
        raise ValueError(f"import failed: {result}")
    return result.article


# --- The editorial models --------------------------------------------------------------------
# Rows written directly, not through the services (no version checks, no workflow guard),
# for tests that need a given state. Fact checks, flags and reviews refresh the article's
# stored counters (``annotations.counters``) after they are written, as the services do.


def _a_sentence():
    return article_with_sentences(1).sentence_list[0]


class _KeepsCounters(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from annotations import counters

        row = super()._create(model_class, *args, **kwargs)
        counters.refresh([row.article_id])
        return row


class FactCheckFactory(_KeepsCounters):
    """``FactCheckFactory(sentence=s, status=...)``; without a sentence, a new one-sentence
    article's."""

    class Meta:
        model = "annotations.FactCheck"

    sentence = factory.LazyFunction(_a_sentence)
    article_id = factory.LazyAttribute(lambda o: o.sentence.article_id)
    status = "unchecked"


class ArtifactFlagFactory(_KeepsCounters):
    """A detector suggestion over ``article``'s first 8 characters unless told otherwise."""

    class Meta:
        model = "annotations.ArtifactFlag"

    article = factory.SubFactory(ArticleFactory)
    kind = "advert"
    start = 0
    end = 8


class ArticleReviewFactory(_KeepsCounters):
    """``article``'s workflow row, in review unless ``state`` is given."""

    class Meta:
        model = "annotations.ArticleReview"

    article = factory.SubFactory(ArticleFactory)
    state = "in_review"


class ClaimFactory(factory.django.DjangoModelFactory):
    """A claim over the whole ``sentence`` (its text as the quote) unless told otherwise."""

    class Meta:
        model = "annotations.Claim"

    sentence = factory.LazyFunction(_a_sentence)
    article = factory.LazyAttribute(lambda o: o.sentence.article)
    start = factory.LazyAttribute(lambda o: o.sentence.start)
    end = factory.LazyAttribute(lambda o: o.sentence.end)
    quote = factory.LazyAttribute(lambda o: o.article.raw_text[o.start : o.end])


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "annotations.Evidence"

    fact_check = factory.SubFactory(FactCheckFactory)
    url = factory.Sequence(lambda n: f"https://example.org/evidence/{n}")


def fact_check(sentence, status: str, assignee=None):
    """A FactCheck row for ``sentence`` with ``status`` (and an assignee)."""
    return FactCheckFactory(sentence=sentence, status=status, assignee=assignee)
