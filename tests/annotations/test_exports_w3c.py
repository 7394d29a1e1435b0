"""The W3C Web Annotation export: an AnnotationCollection of claims, flags and fact checks,
each targeting the text with a TextQuoteSelector and a TextPositionSelector in code points."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from annotations import services
from annotations.exports.base import selected_articles
from annotations.exports.w3c import export_w3c
from annotations.models import ArtifactFlag, Claim, FactCheck
from tests.annotations.export_data import worked_article
from tests.annotations.jsonld import AS, OA, expand, one, types
from tests.factories import imported_article

pytestmark = pytest.mark.django_db


def collection(ids=None) -> dict:
    text = "".join(
        export_w3c(selected_articles(ids), base_url="https://desk.example", collection_id="urn:x")
    )
    return json.loads(text)


def selectors(annotation: dict) -> dict[str, dict]:
    return {s["type"]: s for s in annotation["target"]["selector"]}


def test_collection_expands_with_annotations_and_selectors(editor, fact_checker):
    article = worked_article(editor, fact_checker)
    document = collection()
    expected = ArtifactFlag.objects.count() + Claim.objects.count() + FactCheck.objects.count()
    assert document["total"] == expected

    (node,) = expand(document)
    assert AS + "OrderedCollection" in types(node)
    assert one(node, AS + "totalItems") == expected
    page = one(node, AS + "first")
    assert AS + "OrderedCollectionPage" in types(page)
    items = page[AS + "items"][0]["@list"]
    assert len(items) == expected
    motivations = set()
    for annotation in items:
        assert OA + "Annotation" in types(annotation)
        motivations.add(one(annotation, OA + "motivatedBy")["@id"])
        assert annotation[OA + "hasBody"]
        target = one(annotation, OA + "hasTarget")
        assert one(target, OA + "hasSource")["@id"] == (
            f"https://desk.example/articles/{article.pk}/"
        )
        assert one(target, OA + "hasScope")["@id"] == "https://news.example/a"
        kinds = {types(s)[0]: s for s in target[OA + "hasSelector"]}
        quote = kinds[OA + "TextQuoteSelector"]
        position = kinds[OA + "TextPositionSelector"]
        start, end = int(one(position, OA + "start")), int(one(position, OA + "end"))
        assert article.raw_text[start:end] == one(quote, OA + "exact")
        prefix = (quote.get(OA + "prefix") or [{"@value": ""}])[0]["@value"]
        assert article.raw_text[:start].endswith(prefix)
    assert motivations == {OA + "classifying", OA + "highlighting", OA + "assessing"}


def test_fact_check_bodies_carry_status_verdict_note_and_evidence(editor, fact_checker):
    worked_article(editor, fact_checker)
    items = collection()["first"]["items"]
    false = next(
        a for a in items if a["motivation"] == "assessing" and a["body"][0]["value"] == "false"
    )
    purposes = [(b.get("purpose"), b.get("value") or b.get("source")) for b in false["body"]]
    assert ("describing", "No: the ministry said six, not seven.") in purposes
    assert ("linking", "https://ministry.example/statement") in purposes
    assert false["creator"] == {"type": "Person", "nickname": "fact_checker"}
    claim = next(a for a in items if a["motivation"] == "highlighting")
    assert {
        "type": "TextualBody",
        "value": "Cavusoglu",
        "purpose": "describing",
        "format": "text/plain",
    } in claim["body"]


def test_positions_are_code_points_and_context_is_kept(fact_checker):
    article = imported_article("Emoji 🙂 title\n\nThe café 🙂 said 5 ☃ things. Next one here.")
    first_body = article.sentences.order_by("position")[1]
    claim = services.add_claim(
        sentence=first_body,
        user=fact_checker,
        start=first_body.start + 4,
        end=first_body.start + 8,
    )
    ArtifactFlag.objects.all().delete()
    items = collection()["first"]["items"]
    (annotation,) = [a for a in items if a["id"].endswith(f"#claim-{claim.pk}")]
    found = selectors(annotation)
    position = found["TextPositionSelector"]
    assert article.raw_text[position["start"] : position["end"]] == "café"
    assert position["start"] == article.raw_text.index("café")  # code points, not UTF-16
    assert found["TextQuoteSelector"]["exact"] == "café"
    assert found["TextQuoteSelector"]["prefix"].endswith("The ")
    assert found["TextQuoteSelector"]["suffix"].startswith(" 🙂 said")


def test_view_needs_a_reader_and_names_the_profile(client, viewer_client, editor, fact_checker):
    article = worked_article(editor, fact_checker)
    url = reverse("annotations:article-annotations", args=[article.pk])
    assert client.get(url).status_code == 302
    response = viewer_client.get(url)
    assert response.status_code == 200
    assert 'profile="http://www.w3.org/ns/anno.jsonld"' in response["Content-Type"]
    document = json.loads(b"".join(response.streaming_content))
    assert document["id"] == "http://testserver" + url
    assert document["type"] == "AnnotationCollection"


@pytest.mark.parametrize("n", [1, 5])
def test_queries_do_not_grow_with_articles(n, django_assert_max_num_queries):
    from tests.factories import article_with_sentences

    for _ in range(n):
        article_with_sentences(3)
    with django_assert_max_num_queries(10):
        collection()
