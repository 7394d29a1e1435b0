"""Fact-check, claim, evidence and flag writes: the page's services, versions in If-Match."""

from __future__ import annotations

import pytest

from annotations import services
from annotations.models import ArticleReview, ArtifactFlag, Claim, FactCheck
from tests.factories import article_with_sentences

pytestmark = pytest.mark.django_db

JSON = "application/json"


def put(client, url, body, version=None):
    headers = {} if version is None else {"if-match": f'"{version}"'}
    return client.put(url, body, content_type=JSON, headers=headers)


@pytest.fixture
def sentence():
    return article_with_sentences(2).sentence_list[0]


def test_status_write_returns_the_new_version_as_etag(checker_api, sentence):
    response = put(checker_api, f"/api/sentences/{sentence.pk}/status", {"status": "false"}, 0)
    assert response.status_code == 200
    assert response.json()["status"] == "false"
    assert response["ETag"] == '"1"'
    got = checker_api.get(f"/api/sentences/{sentence.pk}")
    assert got["ETag"] == '"1"' and got.json()["fact_check"]["status"] == "false"
    assert FactCheck.history.filter(sentence_id=sentence.pk).count() == 1


def test_missing_if_match_is_412_version_required(checker_api, sentence):
    response = put(checker_api, f"/api/sentences/{sentence.pk}/status", {"status": "false"})
    assert response.status_code == 412
    assert response.json()["code"] == "version_required"
    star = checker_api.put(
        f"/api/sentences/{sentence.pk}/status",
        {"status": "false"},
        content_type=JSON,
        headers={"if-match": "*"},
    )
    assert star.status_code == 412
    assert not FactCheck.objects.exists()


def test_stale_version_on_the_same_field_is_412_and_overwrites_nothing(
    checker_api, editor_api, sentence
):
    url = f"/api/sentences/{sentence.pk}/verdict"
    assert put(editor_api, url, {"verdict": "Theirs", "note": ""}, 0).status_code == 200
    response = put(checker_api, url, {"verdict": "Mine", "note": ""}, 0)
    assert response.status_code == 412
    body = response.json()
    assert body["code"] == "stale_version"
    assert body["fields"] == ["verdict"]
    assert body["current"]["verdict"] == "Theirs"
    assert response["ETag"] == '"1"'
    assert FactCheck.objects.get().verdict == "Theirs"


def test_stale_version_on_another_field_is_merged_like_the_page(checker_api, editor_api, sentence):
    assert (
        put(editor_api, f"/api/sentences/{sentence.pk}/status", {"status": "false"}, 0).status_code
        == 200
    )
    response = put(
        checker_api, f"/api/sentences/{sentence.pk}/verdict", {"verdict": "Wrong", "note": ""}, 0
    )
    assert response.status_code == 200
    check = FactCheck.objects.get()
    assert (check.status, check.verdict, check.version) == ("false", "Wrong", 2)


def test_assignment_rules_of_the_page(checker_api, editor_api, sentence, fact_checker, editor):
    url = f"/api/sentences/{sentence.pk}/assignee"
    taken = put(checker_api, url, {"assignee": fact_checker.username}, 0)
    assert taken.status_code == 200 and taken.json()["assignee"] == fact_checker.username
    to_editor = put(editor_api, url, {"assignee": editor.username}, 1)
    assert to_editor.status_code == 200
    refused = put(checker_api, url, {"assignee": None}, 2)
    assert refused.status_code == 409 and refused.json()["code"] == "assigned"
    unknown = put(editor_api, url, {"assignee": "nobody-here"}, 2)
    assert unknown.status_code == 422


def test_approved_article_is_409(editor_api, sentence, editor):
    ArticleReview.objects.create(
        article_id=sentence.article_id, state=ArticleReview.State.APPROVED, changed_by=editor
    )
    response = put(editor_api, f"/api/sentences/{sentence.pk}/status", {"status": "false"}, 0)
    assert response.status_code == 409 and response.json()["code"] == "article_approved"


def test_undo_reverts_my_last_change(checker_api, sentence):
    put(checker_api, f"/api/sentences/{sentence.pk}/status", {"status": "false"}, 0)
    url = f"/api/sentences/{sentence.pk}/undo"
    response = checker_api.post(url, headers={"if-match": '"1"'})
    assert response.status_code == 200, response.content
    assert response.json()["fact_check"]["status"] == "unchecked"
    again = checker_api.post(url, headers={"if-match": '"2"'})
    assert again.status_code == 409


def test_claims_add_edit_delete_with_versions(checker_api, editor_api, sentence):
    added = checker_api.post(
        f"/api/sentences/{sentence.pk}/claims", {"claimant": "X", "note": "n"}, content_type=JSON
    )
    assert added.status_code == 201, added.content
    claim = added.json()
    assert claim["quote"] == "Sentence 0 is here." and added["ETag"] == '"1"'
    url = f"/api/claims/{claim['id']}"
    edited = checker_api.patch(url, {"note": "new"}, content_type=JSON, headers={"if-match": '"1"'})
    assert edited.status_code == 200 and edited.json()["claimant"] == "X"
    assert edited.json()["note"] == "new" and edited.json()["version"] == 2
    stale = checker_api.delete(url, headers={"if-match": '"1"'})
    assert stale.status_code == 412
    listed = checker_api.get(f"/api/sentences/{sentence.pk}/claims")
    assert listed.json()["count"] == 1
    assert editor_api.delete(url, headers={"if-match": '"2"'}).status_code == 204
    assert not Claim.objects.exists()


def test_claim_outside_its_sentence_is_422(checker_api, sentence):
    response = checker_api.post(
        f"/api/sentences/{sentence.pk}/claims", {"start": 0, "end": 3}, content_type=JSON
    )
    assert response.status_code == 422
    assert "inside the sentence" in response.json()["detail"]


def test_someone_elses_claim_is_403(checker_api, editor, sentence):
    claim = services.add_claim(sentence=sentence, user=editor)
    response = checker_api.patch(
        f"/api/claims/{claim.pk}", {"note": "x"}, content_type=JSON, headers={"if-match": '"1"'}
    )
    assert response.status_code == 403 and response.json()["code"] == "not_yours"


def test_evidence_add_edit_delete(checker_api, sentence):
    url = f"/api/sentences/{sentence.pk}/evidence"
    refused = checker_api.post(url, {"url": "javascript:alert(1)"}, content_type=JSON)
    assert refused.status_code == 422
    added = checker_api.post(
        url, {"url": "https://example.org/a", "stance": "refutes"}, content_type=JSON
    )
    assert added.status_code == 201
    evidence = added.json()
    edit = checker_api.patch(
        f"/api/evidence/{evidence['id']}",
        {"title": "Source"},
        content_type=JSON,
        headers={"if-match": '"1"'},
    )
    assert edit.status_code == 200
    assert edit.json()["title"] == "Source" and edit.json()["stance"] == "refutes"
    assert checker_api.get(url).json()["items"][0]["title"] == "Source"
    gone = checker_api.delete(f"/api/evidence/{evidence['id']}", headers={"if-match": '"2"'})
    assert gone.status_code == 204


def test_flag_decision_and_undo_with_versions(editor_api, checker_api, sentence):
    flag = ArtifactFlag.objects.create(
        article_id=sentence.article_id, kind=_kind(), start=sentence.start, end=sentence.end
    )
    url = f"/api/flags/{flag.pk}/decision"
    assert put(checker_api, url, {"state": "confirmed"}, 1).status_code == 403
    decided = put(editor_api, url, {"state": "confirmed"}, 1)
    assert decided.status_code == 200 and decided.json()["state"] == "confirmed"
    stale = put(editor_api, url, {"state": "dismissed"}, 1)
    assert stale.status_code == 412 and stale.json()["current"]["state"] == "confirmed"
    undone = editor_api.post(f"/api/flags/{flag.pk}/undo", headers={"if-match": '"2"'})
    assert undone.status_code == 200 and undone.json()["state"] == "suggested"
    listed = editor_api.get(f"/api/articles/{sentence.article_id}/flags?state=suggested")
    assert [f["id"] for f in listed.json()["items"]] == [flag.pk]


def _kind() -> str:
    from newsroom.text.artifacts import KINDS

    return next(iter(KINDS))


def test_unknown_objects_are_404(editor_api):
    assert editor_api.get("/api/sentences/999999").status_code == 404
    assert (
        put(editor_api, "/api/flags/999999/decision", {"state": "confirmed"}, 1).status_code == 404
    )
