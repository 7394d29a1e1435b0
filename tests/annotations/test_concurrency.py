"""Two people change the same sentence at the same time: exactly one wins each round, the
other gets 409, and history holds exactly the successful writes."""

import threading
import time

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from annotations import services
from annotations.models import FactCheck
from tests.factories import article_with_sentences

ROUNDS = 6
HX = {"HTTP_HX_REQUEST": "true"}

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _postgres_only(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip(
            "row locks (select_for_update) are only real on PostgreSQL; "
            "run with DATABASE_URL=postgres://… to exercise concurrent writers"
        )


@pytest.fixture(autouse=True)
def _roles(_postgres_only):
    """Role groups: a flush by an earlier transactional test removes the migration's rows."""
    from django.apps import apps

    from annotations.roles import sync_roles

    sync_roles(apps)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def slow_writes(monkeypatch):
    """Widen the race: pause between the version check and the write, so that without the
    row lock both writers would pass the check and both "win"."""
    write = services._write_fact_check

    def slow(*args, **kwargs):
        time.sleep(0.3)
        return write(*args, **kwargs)

    monkeypatch.setattr(services, "_write_fact_check", slow)


def test_two_clients_same_sentence_one_wins_each_round(fact_checker, editor, slow_writes):
    sentence = article_with_sentences(2).sentence_list[0]
    url = reverse("annotations:sentence-status", args=[sentence.pk])
    clients = {"checker": _client(fact_checker), "editor": _client(editor)}
    # Each round both change the status to a new value (a write of the value already
    # there changes nothing, so it would merge rather than conflict).
    pairs = [("false", "accurate"), ("misleading", "opinion"), ("to_check", "no_claim")]
    wins = 0
    for round_number in range(ROUNDS):
        fact_check = FactCheck.objects.filter(sentence=sentence).first()
        seen = fact_check.version if fact_check else 0
        checker, editor_status = pairs[round_number % len(pairs)]
        statuses = {"checker": checker, "editor": editor_status}
        barrier = threading.Barrier(len(clients))
        results: dict[str, int] = {}

        def post(
            name: str,
            barrier: threading.Barrier = barrier,
            seen: int = seen,
            results=results,
            statuses=statuses,
        ) -> None:
            try:
                barrier.wait(timeout=10)
                response = clients[name].post(
                    url, {"status": statuses[name], "version": seen}, **HX
                )
                results[name] = response.status_code
            finally:
                connections.close_all()

        threads = [threading.Thread(target=post, args=(name,)) for name in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(results.values()) == [200, 409], f"round {round_number}: {results}"
        wins += 1
        fact_check = FactCheck.objects.get(sentence=sentence)
        winner = next(name for name, code in results.items() if code == 200)
        assert fact_check.version == seen + 1
        assert fact_check.status == statuses[winner]
    assert wins == ROUNDS
    assert FactCheck.history.filter(sentence_id=sentence.pk).count() == ROUNDS
