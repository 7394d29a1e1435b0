"""Who may assign a sentence: a fact-checker takes an unassigned sentence or unassigns
themselves, never takes one someone else holds (not even through undo); editors reassign
anything."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from annotations import services
from annotations.models import FactCheck
from annotations.roles import FACT_CHECKER
from tests.factories import article_with_sentences

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def sentence():
    return article_with_sentences(3).sentence_list[1]


@pytest.fixture
def alice(make_user):
    return make_user(FACT_CHECKER, username="alice")


@pytest.fixture
def bob(make_user):
    return make_user(FACT_CHECKER, username="bob")


def assign(sentence, assignee, user):
    fc = FactCheck.objects.filter(sentence=sentence).first()
    return services.assign_sentence(
        sentence=sentence,
        assignee=assignee,
        user=user,
        expected_version=services.fact_check_version(fc),
    )


def state():
    fc = FactCheck.objects.get()
    return fc.assignee_id, fc.version, FactCheck.history.count()


def test_checker_takes_an_unassigned_sentence_and_unassigns_themselves(sentence, alice):
    assert assign(sentence, alice, alice).assignee == alice
    assert assign(sentence, alice, alice).assignee == alice  # keeping it is allowed
    assert assign(sentence, None, alice).assignee is None
    assert assign(sentence, alice, alice).assignee == alice


def test_checker_cannot_take_a_sentence_assigned_to_someone_else(sentence, alice, bob):
    assign(sentence, bob, bob)
    before = state()
    with pytest.raises(services.AssignedToSomeoneElse) as refused:
        assign(sentence, alice, alice)
    assert "assigned to bob" in str(refused.value)
    assert "only an editor" in str(refused.value)
    with pytest.raises(services.AssignedToSomeoneElse):  # nor clear it
        assign(sentence, None, alice)
    assert state() == before


def test_checker_cannot_give_a_sentence_to_someone_else(sentence, alice, bob):
    with pytest.raises(PermissionDenied) as refused:
        assign(sentence, bob, alice)
    assert not isinstance(refused.value, services.AssignedToSomeoneElse)
    assert not FactCheck.objects.exists()


def test_editor_reassigns_anything(sentence, alice, bob, editor):
    assign(sentence, alice, alice)
    assert assign(sentence, bob, editor).assignee == bob
    assert assign(sentence, editor, editor).assignee == editor
    assert assign(sentence, None, editor).assignee is None
    assert FactCheck.objects.get().version == 4


def test_undo_does_not_take_the_sentence_back_from_the_new_assignee(sentence, alice, bob, editor):
    assign(sentence, alice, alice)
    assign(sentence, bob, editor)
    before = state()
    with pytest.raises(services.AssignedToSomeoneElse):
        services.undo_last_change(sentence=sentence, user=alice, expected_version=2)
    assert state() == before


def test_undo_of_taking_an_unassigned_sentence_still_works(sentence, alice):
    assign(sentence, alice, alice)
    services.undo_last_change(sentence=sentence, user=alice, expected_version=1)
    assert FactCheck.objects.get().assignee is None


def _client(client, user):
    client.force_login(user)
    return client


def test_panel_offers_no_assign_to_me_on_someone_elses_sentence(client, sentence, alice, bob):
    assign(sentence, bob, bob)
    panel = reverse("annotations:sentence-panel", args=[sentence.pk])
    body = _client(client, alice).get(panel, **HX).content.decode()
    assert "data-assign-me" not in body and "data-assigned-elsewhere" in body


@pytest.mark.parametrize("htmx", [True, False])
def test_http_take_from_someone_else_is_409_with_a_message(client, sentence, alice, bob, htmx):
    assign(sentence, bob, bob)
    before = state()
    url = reverse("annotations:sentence-assign", args=[sentence.pk])
    response = _client(client, alice).post(
        url, {"assignee": alice.pk, "version": 1}, **(HX if htmx else {})
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "This sentence is assigned to" in body and "only an editor can reassign it" in body
    assert 'id="panel"' in body
    assert state() == before


def test_http_editor_reassigns(client, sentence, alice, bob, editor):
    assign(sentence, bob, bob)
    url = reverse("annotations:sentence-assign", args=[sentence.pk])
    response = _client(client, editor).post(url, {"assignee": alice.pk, "version": 1}, **HX)
    assert response.status_code == 200
    assert FactCheck.objects.get().assignee == alice


def test_http_undo_refused_with_a_message(client, sentence, alice, bob, editor):
    assign(sentence, alice, alice)
    assign(sentence, bob, editor)
    before = state()
    url = reverse("annotations:sentence-undo", args=[sentence.pk])
    response = _client(client, alice).post(url, {"version": 2}, **HX)
    assert response.status_code == 409
    assert "Nothing undone." in response.content.decode()
    assert state() == before
