"""Role x endpoint x method on the article page and the sentence endpoints: forbidden
actions get 403 (unknown objects 404) and change nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from annotations import services
from annotations.models import Claim, Evidence, FactCheck
from annotations.roles import EDITOR, FACT_CHECKER, VIEWER
from tests.factories import article_with_sentences

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
UNKNOWN = 987654


def snapshot():
    return (
        list(FactCheck.objects.values_list("pk", "status", "assignee_id", "verdict", "version")),
        list(Claim.objects.values_list("pk", "claimant", "version")),
        list(Evidence.objects.values_list("pk", "url")),
        FactCheck.history.count(),
        Claim.history.count(),
        Evidence.history.count(),
    )


@pytest.fixture
def world(make_user):
    """An article whose first sentence has a fact check and a claim, plus one user per role
    and an extra fact-checker to assign to."""
    users = {role: make_user(role) for role in (VIEWER, FACT_CHECKER, EDITOR)}
    other = make_user(FACT_CHECKER, username="other_checker")
    article = article_with_sentences(3)
    sentence = article.sentence_list[0]
    services.set_status(
        sentence=sentence, status="to_check", user=users[EDITOR], expected_version=0
    )
    claim = services.add_claim(sentence=sentence, user=users[EDITOR])
    return {
        "users": users,
        "other": other,
        "article": article,
        "sentence": sentence,
        "claim": claim,
    }


def endpoint(world, name):
    """(url name, object pk, POST data) for each write endpoint; "{me}" is the poster."""
    s, claim = world["sentence"], world["claim"]
    data = {
        "status": ("sentence-status", s.pk, {"status": "false", "version": 1}),
        "assign-self": ("sentence-assign", s.pk, {"assignee": "{me}", "version": 1}),
        "assign-other": ("sentence-assign", s.pk, {"assignee": world["other"].pk, "version": 1}),
        "verdict": ("sentence-verdict", s.pk, {"verdict": "V", "note": "N", "version": 1}),
        "undo": ("sentence-undo", s.pk, {"version": 1}),
        "claim-add": ("claim-add", s.pk, {"claim-claimant": "X", "claim-claim_type": "other"}),
        "claim-edit": (
            "claim-edit",
            claim.pk,
            {
                f"claim-{claim.pk}-claimant": "Y",
                f"claim-{claim.pk}-claim_type": "quote",
                f"claim-{claim.pk}-version": 1,
            },
        ),
        "evidence-add": (
            "evidence-add",
            s.pk,
            {"evidence-url": "https://example.org", "evidence-stance": "refutes"},
        ),
    }[name]
    return data


WRITES = [
    "status", "assign-self", "assign-other", "verdict", "undo", "claim-add", "claim-edit",
    "evidence-add",
]  # fmt: skip
ALLOWED = {
    VIEWER: set(),
    # Only editors reassign; a claim is edited by its author or an editor, and the claim
    # here is the editor's (a checker editing their own: test_workflow_writes.py).
    FACT_CHECKER: set(WRITES) - {"assign-other", "claim-edit"},
    EDITOR: set(WRITES),
}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", [VIEWER, FACT_CHECKER, EDITOR])
@pytest.mark.parametrize("name", WRITES)
def test_post(world, role, name):
    user = world["users"][role]
    url_name, pk, data = endpoint(world, name)
    data = {k: (user.pk if v == "{me}" else v) for k, v in data.items()}
    before = snapshot()
    response = client_for(user).post(reverse(f"annotations:{url_name}", args=[pk]), data, **HX)
    if name in ALLOWED[role]:
        assert response.status_code == 200, response.content[:500]
        if name != "undo" or role == EDITOR:  # the checker has nothing of theirs to undo
            assert snapshot() != before
    else:
        assert response.status_code == 403
        assert snapshot() == before


@pytest.mark.parametrize("role", [VIEWER, FACT_CHECKER, EDITOR])
@pytest.mark.parametrize("name", WRITES)
def test_post_to_unknown_object(world, role, name):
    url_name, _, data = endpoint(world, name)
    before = snapshot()
    response = client_for(world["users"][role]).post(
        reverse(f"annotations:{url_name}", args=[UNKNOWN]), data, **HX
    )
    assert response.status_code == (403 if role == VIEWER else 404)
    assert snapshot() == before


@pytest.mark.parametrize("role", [VIEWER, FACT_CHECKER, EDITOR])
@pytest.mark.parametrize("name", WRITES)
def test_get_on_write_endpoint_is_not_allowed(world, role, name):
    url_name, pk, _ = endpoint(world, name)
    before = snapshot()
    response = client_for(world["users"][role]).get(reverse(f"annotations:{url_name}", args=[pk]))
    assert response.status_code == 405
    assert snapshot() == before


@pytest.mark.parametrize("role", [VIEWER, FACT_CHECKER, EDITOR])
def test_every_role_reads_the_page_and_panel(world, role):
    client = client_for(world["users"][role])
    article, sentence = world["article"], world["sentence"]
    assert client.get(article.get_absolute_url()).status_code == 200
    panel = reverse("annotations:sentence-panel", args=[sentence.pk])
    assert client.get(panel, **HX).status_code == 200
    assert client.get(reverse("annotations:article-detail", args=[UNKNOWN])).status_code == 404
    assert (
        client.get(reverse("annotations:sentence-panel", args=[UNKNOWN]), **HX).status_code == 404
    )
    assert client.post(article.get_absolute_url()).status_code == 405


@pytest.mark.parametrize("name", WRITES)
def test_anonymous_is_sent_to_login(world, client, name):
    url_name, pk, data = endpoint(world, name)
    before = snapshot()
    response = client.post(reverse(f"annotations:{url_name}", args=[pk]), data)
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert snapshot() == before
    page = client.get(world["article"].get_absolute_url())
    assert page.status_code == 302 and "/login/" in page["Location"]


@pytest.mark.parametrize(("role", "expected"), [(VIEWER, 403), (FACT_CHECKER, 409), (EDITOR, 200)])
def test_taking_a_sentence_assigned_to_someone_else(world, role, expected):
    """Only editors reassign: a fact-checker gets 409 (the panel says who holds it)."""
    sentence, user = world["sentence"], world["users"][role]
    services.assign_sentence(
        sentence=sentence, assignee=world["other"], user=world["other"], expected_version=1
    )
    before = snapshot()
    response = client_for(user).post(
        reverse("annotations:sentence-assign", args=[sentence.pk]),
        {"assignee": user.pk, "version": 2},
        **HX,
    )
    assert response.status_code == expected
    if expected == 200:
        assert FactCheck.objects.get(sentence=sentence).assignee == user
    else:
        assert snapshot() == before
