"""ClaimReview JSON-LD: validated by expanding it (pyld) and checking the types and the
required and recommended properties of Google's fact-check markup; drafts are not public."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from annotations import services
from annotations.exports.claimreview import RATINGS, script_json
from annotations.models import FactCheck
from tests.annotations.export_data import approve_article, sentences_of, worked_article
from tests.annotations.jsonld import SCHEMA, expand, one, types

pytestmark = pytest.mark.django_db


def json_url(article) -> str:
    return reverse("annotations:article-claimreview-json", args=[article.pk])


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/ld+json; charset=utf-8"
    return json.loads(b"".join(response.streaming_content))


@pytest.fixture
def approved(editor, fact_checker, settings):
    settings.NEWSROOM_PUBLIC_BASE_URL = "https://factcheck.example"
    settings.NEWSROOM_PUBLISHER_NAME = "The Example Desk"
    settings.NEWSROOM_PUBLISHER_URL = "https://desk.example/"
    return worked_article(editor, fact_checker)


def test_approved_article_validates_as_claimreview(client, approved):
    document = fetch(client, json_url(approved))  # public: no login
    reviews = [n for n in expand(document) if SCHEMA + "ClaimReview" in types(n)]
    # false (one claim), accurate (one claim), opinion (no claim: the whole sentence)
    assert len(reviews) == 3
    ratings = {}
    for review in reviews:
        # Required by Google: claimReviewed, reviewRating (with alternateName), url.
        assert one(review, SCHEMA + "claimReviewed")
        url = one(review, SCHEMA + "url")["@id"]
        assert url.startswith(f"https://factcheck.example/articles/{approved.pk}/?s=")
        rating = one(review, SCHEMA + "reviewRating")
        assert SCHEMA + "Rating" in types(rating)
        label = one(rating, SCHEMA + "alternateName")
        # Recommended: author (the newsroom), datePublished, itemReviewed (a Claim).
        author = one(review, SCHEMA + "author")
        assert SCHEMA + "Organization" in types(author)
        assert one(author, SCHEMA + "name") == "The Example Desk"
        assert one(author, SCHEMA + "url")["@id"] == "https://desk.example/"
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", one(review, SCHEMA + "datePublished"))
        claim = one(review, SCHEMA + "itemReviewed")
        assert SCHEMA + "Claim" in types(claim)
        appearance = one(claim, SCHEMA + "appearance")
        assert one(appearance, SCHEMA + "url")["@id"] == "https://news.example/a"
        claim_author = one(claim, SCHEMA + "author")
        assert types(claim_author) and one(claim_author, SCHEMA + "name")
        if SCHEMA + "ratingValue" in rating:
            value = one(rating, SCHEMA + "ratingValue")
            assert (
                one(rating, SCHEMA + "worstRating") <= value <= one(rating, SCHEMA + "bestRating")
            )
        ratings[label] = (rating.get(SCHEMA + "ratingValue") or [{}])[0].get("@value"), review
    assert set(ratings) == {"False", "Accurate", "Opinion"}
    assert (
        ratings["False"][0] == 1 and ratings["Accurate"][0] == 3 and ratings["Opinion"][0] is None
    )
    false_review = ratings["False"][1]
    assert one(false_review, SCHEMA + "reviewBody") == "No: the ministry said six, not seven."
    claim = one(false_review, SCHEMA + "itemReviewed")
    assert one(one(claim, SCHEMA + "author"), SCHEMA + "name") == "Cavusoglu"


def test_rating_mapping_is_the_documented_one():
    assert {status: (r.value, r.label) for status, r in RATINGS.items()} == {
        "false": (1, "False"),
        "misleading": (2, "Misleading"),
        "accurate": (3, "Accurate"),
        "unverifiable": (None, "Unverifiable"),
        "opinion": (None, "Opinion"),
    }


def test_open_statuses_get_no_claimreview(client, approved):
    document = fetch(client, json_url(approved))
    texts = {item["claimReviewed"] for item in document["@graph"]}
    checked = set(FactCheck.objects.values_list("sentence_id", flat=True))
    unchecked = [s.text for s in sentences_of(approved) if s.pk not in checked]
    assert len(texts) == 3 and unchecked and not texts & set(unchecked)


def test_drafts_are_not_public(client, viewer_client, editor, fact_checker, make_user):
    draft = worked_article(editor, fact_checker, approve=False)
    assert client.get(json_url(draft)).status_code == 404
    assert viewer_client.get(json_url(draft)).status_code == 404
    asked = json_url(draft) + "?drafts=1"
    response = client.get(asked)
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    document = fetch(viewer_client, asked)
    assert len(document["@graph"]) == 3
    assert "no-store" in viewer_client.get(asked)["Cache-Control"]
    nobody = make_user(None, "nobody")
    client.force_login(nobody)
    assert client.get(asked).status_code == 403


def test_the_public_feed_can_be_closed(client, approved, settings):
    settings.NEWSROOM_CLAIMREVIEW_PUBLIC = False
    assert client.get(json_url(approved)).status_code == 302


def test_embed_page_holds_the_script_block_escaped(viewer_client, editor, fact_checker):
    approved = worked_article(editor, fact_checker, approve=False)
    sentence = next(s for s in sentences_of(approved) if s.position == 3)
    check = FactCheck.objects.get(sentence=sentence)
    services.save_verdict(
        sentence=sentence,
        verdict="</script><script>alert(1)</script> & <!--",
        note="",
        user=fact_checker,
        expected_version=check.version,
    )
    approve_article(approved, editor)
    page = viewer_client.get(reverse("annotations:article-claimreview", args=[approved.pk]))
    html = page.content.decode()
    assert "<script>alert(1)" not in html
    block = re.search(
        r'<script type="application/ld\+json" nonce="[^"]+">(.*?)</script>', html, re.S
    )
    assert block, "no JSON-LD block"
    embedded = json.loads(block.group(1))
    assert embedded == fetch(viewer_client, json_url(approved))
    assert any("alert(1)" in item.get("reviewBody", "") for item in embedded["@graph"])


def test_script_json_escapes_markup():
    assert script_json('{"a": "</script><!-- &"}') == (
        '{"a": "\\u003c/script\\u003e\\u003c!-- \\u0026"}'
    )
    assert json.loads(script_json('"</script>&"')) == "</script>&"


def test_embed_page_of_a_draft_offers_the_draft(viewer_client, editor, fact_checker):
    draft = worked_article(editor, fact_checker, approve=False)
    url = reverse("annotations:article-claimreview", args=[draft.pk])
    assert "application/ld+json" not in viewer_client.get(url).content.decode()
    assert "do not publish" in viewer_client.get(url + "?drafts=1").content.decode()


@pytest.mark.parametrize("n", [1, 4])
def test_queries_do_not_grow_with_verdicts(
    client, editor, fact_checker, n, django_assert_max_num_queries
):
    approved = worked_article(editor, fact_checker, approve=False)
    for sentence in sentences_of(approved)[6 : 6 + n]:
        services.set_status(
            sentence=sentence, status="misleading", user=fact_checker, expected_version=0
        )
    approve_article(approved, editor)
    with django_assert_max_num_queries(10):
        document = fetch(client, json_url(approved))
    assert len(document["@graph"]) == 3 + n
