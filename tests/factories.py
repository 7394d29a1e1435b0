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


def fact_check(sentence, status: str, assignee=None):
    """A FactCheck row for ``sentence`` with ``status`` (and an assignee), written directly
    (the article's stored counters refreshed, as a service would)."""
    from annotations import counters
    from annotations.models import FactCheck

    row = FactCheck.objects.create(
        sentence=sentence, article_id=sentence.article_id, status=status, assignee=assignee
    )
    counters.refresh([sentence.article_id])  # as the services do
    return row
