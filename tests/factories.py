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
