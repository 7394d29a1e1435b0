"""The OpenAPI document, the docs page (no CDN, under the CSP) and a bounded fuzz run."""

from __future__ import annotations

import itertools
import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.specs.openapi.definitions import OPENAPI_31_VALIDATOR

from annotations import services
from annotations.api.models import ApiToken
from annotations.models import ArtifactFlag
from newsroom.text.artifacts import KINDS
from tests.factories import article_with_sentences

pytestmark = pytest.mark.django_db


def test_openapi_document_is_valid_openapi_3(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    OPENAPI_31_VALIDATOR.validate(document)
    schemes = document["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
    assert "/api/sentences/{sentence_id}/status" in document["paths"]


def test_docs_page_loads_swagger_from_our_static_files(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(s.endswith("swagger-ui-bundle.js") for s in sources)
    assert all(s.startswith("/") for s in sources), sources  # nothing from another host
    assert "<script>" not in html  # no inline script: the CSP would block it
    assert "script-src 'self'" in response["Content-Security-Policy"]


# The fuzz run: every operation, a few generated requests each, as an editor with a token,
# against Django's WSGI application in-process. The only check: no 5xx.
FUZZ_EXAMPLES = 5


@pytest.fixture
def fuzz_data(editor):
    """A token, and the ids of real objects for every path parameter (generated ids
    almost never exist, so the fuzz would test little beyond the 404)."""
    article = article_with_sentences(3)
    sentence = article.sentence_list[0]
    flag = ArtifactFlag.objects.create(
        article=article, kind=next(iter(KINDS)), start=sentence.start, end=sentence.end
    )
    claim = services.add_claim(sentence=sentence, user=editor)
    evidence = services.add_evidence(sentence=sentence, user=editor, url="https://e.example/")
    _, token = ApiToken.issue(user=editor, name="fuzz")
    ids = {
        "article_id": article.pk,
        "sentence_id": sentence.pk,
        "flag_id": flag.pk,
        "claim_id": claim.pk,
        "evidence_id": evidence.pk,
    }
    return token, ids


@pytest.fixture
def wsgi_app():
    """Django's WSGI application, keeping the test's connection open between requests as
    the test client does (the real handler closes it after each request when it is not in
    autocommit, which the test's transaction is not: PostgreSQL then fails every query)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_fuzz_finds_no_server_error(fuzz_data, wsgi_app):
    app = wsgi_app
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    token, ids = fuzz_data
    headers = {"Authorization": f"Bearer {token}"}
    calls = itertools.count()
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path == "/api/import/url":
            continue  # it fetches the web: tests/api/test_import_url.py, on a local server

        @settings(
            max_examples=FUZZ_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case):
            if case.path_parameters and next(calls) % 2:  # every other case: real objects
                case.path_parameters = {k: ids.get(k, v) for k, v in case.path_parameters.items()}
            response = case.call(headers=headers)

            if response.status_code >= 500:
                failures.append(
                    f"{case.operation.label}: {response.status_code} {case.as_curl_command()}"
                )

        run()
    assert not failures, "\n".join(failures[:10])
