"""Server time and query count of the article page for a 1,000-sentence article.

Builds the article in a temporary SQLite database (migrated from scratch), annotates part
of it (fact checks, claims, artifact flags, evidence on the selected sentence) and prints
the median and p95 of 30 requests through Django's test client, plus the query count.

    .venv/bin/python bench/annotation_page.py [--sentences 1000] [--requests 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="print the top N cProfile entries"
    )
    parser.add_argument(
        "--profile-post", action="store_true", help="profile the status POST, not the page"
    )
    parser.add_argument("--sort", default="cumulative", help="cProfile sort key (tottime, …)")
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    os.environ["NEWSROOM_SQLITE_PATH"] = str(Path(tmp.name) / "bench.sqlite3")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")  # development settings (the default is off)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from annotations import services
    from annotations.models import ArtifactFlag, FactCheck
    from annotations.roles import EDITOR
    from newsroom.models import Article, Block, Sentence

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    editor = User.objects.create_user("bench-editor", password="bench", is_staff=True)  # noqa: S106
    editor.groups.add(Group.objects.get(name=EDITOR))

    head = "A long article\n\n"
    sentences = [
        f"Sentence {i} says that {i * 3} people met in Ankara." for i in range(args.sentences)
    ]
    body = " ".join(sentences)
    article = Article.objects.create(
        title="A long article", raw_text=head + body, content_hash="bench" * 12
    )
    block = Block.objects.create(
        article=article,
        position=0,
        role=Block.Role.BODY,
        start=len(head),
        end=len(head) + len(body),
    )
    rows, offset = [], len(head)
    for i, text in enumerate(sentences):
        rows.append(
            Sentence(article=article, block=block, position=i, start=offset, end=offset + len(text))
        )
        offset += len(text) + 1
    rows = Sentence.objects.bulk_create(rows)
    for sentence in rows[::10]:
        sentence.article = article
        services.set_status(sentence=sentence, status="false", user=editor, expected_version=0)
        services.add_claim(sentence=sentence, user=editor)
    ArtifactFlag.objects.bulk_create(
        ArtifactFlag(article=article, kind="comment_form", start=s.start, end=s.end)
        for s in rows[::25]
    )
    selected = rows[0]
    services.add_evidence(sentence=selected, url="https://example.org", user=editor)

    client = Client()
    client.force_login(editor)
    url = f"/articles/{article.pk}/?s={selected.pk}"
    client.get(url)  # warm up templates and caches
    times, cpu = [], []
    for _ in range(args.requests):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    captured = list(queries.captured_queries)

    # The status change as the panel sends it (htmx): the answer is the panel re-rendered.
    status_url = f"/sentences/{selected.pk}/status/"
    statuses = iter(["accurate", "false"] * 1000)

    def post() -> Any:
        version = FactCheck.objects.get(sentence=selected).version
        response = client.post(
            status_url, {"status": next(statuses), "version": version}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 200, response.status_code
        return response

    post()
    post_cpu = []
    for _ in range(args.requests):
        cpu_started = time.process_time()
        post()
        post_cpu.append((time.process_time() - cpu_started) * 1000)
    with CaptureQueriesContext(connection) as post_queries:
        post()
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(10):
            post() if args.profile_post else client.get(url)
        profiler.disable()
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.profile)
        for query in captured:
            print(f"{query['time']:>6} s  {query['sql'][:160]}")
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(
        f"article page, {args.sentences} sentences ({len(rows[::10])} checked with claims, "
        f"{len(rows[::25])} flags), {args.requests} requests on SQLite:"
    )
    print(
        f"  median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, {len(captured)} queries, "
        f"{len(response.content) // 1024} KiB of HTML"
    )
    # CPU time of this process: what the page costs without the other tenants' load.
    print(f"  CPU time median {statistics.median(cpu):.1f} ms")
    print(
        f"status change (htmx POST, the panel back): CPU time median "
        f"{statistics.median(post_cpu):.1f} ms, {len(post_queries.captured_queries)} queries "
        "(the version lookup included)"
    )
    tmp.cleanup()


if __name__ == "__main__":
    main()
