"""Peak memory of every export while it streams 10,000 to 100,000 sentences.

Builds articles of 100 sentences each in a temporary SQLite database (migrated from
scratch) with fact checks on every third sentence (verdicts, notes, history), a claim on
every tenth, two flags per article and the workflow approved, then consumes each export of
the first N sentences into a byte counter and prints the peak of Python allocations
(tracemalloc) and the time. Flat peaks in N mean the export streams.

    .venv/bin/python bench/export_memory.py [--sizes 10000,50000,100000] [--per-article 100]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000,100000")
    parser.add_argument("--per-article", type=int, default=100)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    tmp = tempfile.TemporaryDirectory()
    os.environ["NEWSROOM_SQLITE_PATH"] = str(Path(tmp.name) / "bench.sqlite3")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from annotations.exports.base import selected_articles
    from annotations.exports.formats import stream
    from annotations.models import ArticleReview, ArtifactFlag, Claim, FactCheck
    from newsroom.models import Article, Block, Sentence

    call_command("migrate", verbosity=0)
    user = User.objects.create_user("bench-checker")
    per = args.per_article
    total = max(sizes)
    started = time.perf_counter()
    statuses = ["false", "accurate", "misleading", "opinion", "to_check"]
    history = FactCheck.history.model
    with transaction.atomic():
        for a in range(total // per):
            sentences = [
                f"Sentence {i} of article {a} says {i * 7} people met." for i in range(per)
            ]
            head = f"Article {a}\n\n"
            body = " ".join(sentences)
            article = Article.objects.create(
                title=f"Article {a}", raw_text=head + body, content_hash=f"{a:064x}"
            )
            ArticleReview.objects.create(article=article, state="approved", changed_by=user)
            block = Block.objects.create(
                article=article, position=0, role="body", start=len(head), end=len(head + body)
            )
            rows, offset = [], len(head)
            for i, text in enumerate(sentences):
                rows.append(
                    Sentence(
                        article=article,
                        block=block,
                        position=i,
                        start=offset,
                        end=offset + len(text),
                    )
                )
                offset += len(text) + 1
            rows = Sentence.objects.bulk_create(rows)
            checks = FactCheck.objects.bulk_create(
                FactCheck(
                    sentence=s,
                    article=article,
                    status=statuses[i % 5],
                    assignee=user,
                    verdict="=The figure is wrong" if i % 2 else "",
                    note="Checked.",
                    updated_by=user,
                )
                for i, s in enumerate(rows[::3])
            )
            history.objects.bulk_create(
                history(
                    id=c.pk,
                    sentence_id=c.sentence_id,
                    article_id=article.pk,
                    status=c.status,
                    assignee_id=user.pk,
                    verdict=c.verdict,
                    note=c.note,
                    version=1,
                    updated_by_id=user.pk,
                    updated_at=timezone.now(),
                    history_date=timezone.now(),
                    history_type="+",
                    history_user_id=user.pk,
                )
                for c in checks
            )
            Claim.objects.bulk_create(
                Claim(
                    sentence=s,
                    article=article,
                    start=s.start,
                    end=s.end,
                    quote=article.raw_text[s.start : s.end],
                    claimant="A minister",
                )
                for s in rows[::10]
            )
            ArtifactFlag.objects.bulk_create(
                [
                    ArtifactFlag(
                        article=article,
                        kind="advert",
                        start=rows[1].start,
                        end=rows[2].end,
                        state="confirmed",
                    ),
                    ArtifactFlag(
                        article=article,
                        kind="related_links",
                        start=rows[-1].start,
                        end=rows[-1].end,
                    ),
                ]
            )
    print(
        f"built {total:,} sentences in {total // per:,} articles in "
        f"{time.perf_counter() - started:.0f} s\n"
    )

    # As in production: with DEBUG on, Django keeps the last 9,000 queries in memory, which
    # would show up here as growth with N.
    settings.DEBUG = False
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    print("| format | sentences | output | time | peak Python memory |")
    print("|---|---:|---:|---:|---:|")
    for name in ("json", "csv", "claimreview", "w3c"):
        for size in sizes:
            articles = selected_articles(ids[: size // per])
            tracemalloc.start()
            began = time.perf_counter()
            length = 0
            for chunk in stream(name, articles, base="https://desk.example"):
                length += len(chunk.encode("utf-8"))
            seconds = time.perf_counter() - began
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(
                f"| {name} | {size:,} | {length / 1e6:.1f} MB | {seconds:.1f} s "
                f"| {peak / 2**20:.1f} MiB |"
            )


if __name__ == "__main__":
    main()
