"""newsroom.models.span_text: the database cuts the same text as Python's slicing, also
behind a relation and for text outside the BMP (SQLite and PostgreSQL count characters)."""

from __future__ import annotations

import pytest

from annotations.models import FactCheck
from newsroom.models import Sentence, span_text
from tests.factories import FactCheckFactory, imported_article

pytestmark = pytest.mark.django_db


def test_span_text_equals_the_python_slice_directly_and_through_a_relation():
    article = imported_article("Tîtle 🚀 here\n\nFirst 🚀 sentence, ünïcode. Second one here.\n")
    sentences = list(Sentence.objects.filter(article=article).select_related("article"))
    assert len(sentences) >= 3
    cut = dict(
        Sentence.objects.filter(article=article).annotate(t=span_text()).values_list("pk", "t")
    )
    assert cut == {s.pk: s.text for s in sentences}

    for s in sentences:
        FactCheckFactory(sentence=s)
    through = FactCheck.objects.filter(article=article).annotate(t=span_text("sentence__"))
    assert {fc.sentence_id: fc.t for fc in through} == cut
