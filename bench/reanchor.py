"""Re-anchoring time: a 1,000-sentence article with 500 annotations gets a new revision.

Builds the article through the importer in a temporary SQLite database (migrated from
scratch), annotates it (fact checks on every fourth sentence, one claim on every fourth
sentence, decided flags: 500 items in all), then edits the text the way re-scrapes do
(figures corrected, paragraphs inserted, removed and swapped) and re-imports it. Prints:

- the pure part (``anchoring.align`` + ``place`` for every item), median of ``--runs``;
- the whole ``reanchor_article`` on the database (moves, history rows, Reanchor rows,
  re-detection), timed inside the re-import, and the re-import as a whole;
- how the items were found (exact / fuzzy / lost).

    .venv/bin/python bench/reanchor.py [--sentences 1000] [--annotations 500] [--runs 20]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def article_text(n: int, rng: random.Random) -> tuple[str, list[list[str]]]:
    paragraphs = []
    for p in range(0, n, 5):
        paragraphs.append(
            [
                f"In district {i} the council counted {rng.randint(10, 9999)} residents, "
                f"{rng.randint(1, 99)}% of them over sixty, officials said on day {i % 28 + 1}."
                for i in range(p, min(n, p + 5))
            ]
        )
    return "Budget report\n\n" + "\n".join(" ".join(p) for p in paragraphs) + "\n", paragraphs


def edited(paragraphs: list[list[str]], rng: random.Random) -> str:
    paragraphs = [list(p) for p in paragraphs]
    for p in rng.sample(range(len(paragraphs)), 10):  # corrected figures
        s = rng.randrange(len(paragraphs[p]))
        paragraphs[p][s] = paragraphs[p][s].replace("%", ".5%", 1)
    for _ in range(5):  # paragraphs inserted
        at = rng.randrange(len(paragraphs))
        paragraphs.insert(at, [f"An update added on {rng.randint(1, 28)} March clarifies this."])
    for _ in range(3):  # paragraphs removed
        del paragraphs[rng.randrange(len(paragraphs))]
    a, b = rng.sample(range(len(paragraphs)), 2)  # two paragraphs swapped
    paragraphs[a], paragraphs[b] = paragraphs[b], paragraphs[a]
    return "Budget report\n\n" + "\n".join(" ".join(p) for p in paragraphs) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=1000)
    parser.add_argument("--annotations", type=int, default=500)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="print the top N cProfile entries"
    )
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    os.environ["NEWSROOM_SQLITE_PATH"] = str(Path(tmp.name) / "bench.sqlite3")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("NEWSROOM_MAX_SENTENCES_PER_ARTICLE", str(args.sentences * 2))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from annotations import reanchor, receivers
    from annotations.models import ArtifactFlag, Claim, FactCheck, Reanchor
    from newsroom.importing import Status, import_record
    from newsroom.readers import Record
    from newsroom.signals import article_revised
    from newsroom.text import anchoring

    call_command("migrate", verbosity=0)
    rng = random.Random(20261203)
    old_text, paragraphs = article_text(args.sentences, rng)
    new_text = edited(paragraphs, rng)
    url = "https://bench.example/budget"

    def record(text: str) -> Record:
        return Record(origin="bench", format="text", text=text, url=url)

    result = import_record(record(old_text))
    assert result.status == Status.IMPORTED, result
    article = result.article
    sentences = list(article.sentences.order_by("position"))
    checks = args.annotations * 2 // 5
    claims = args.annotations * 2 // 5
    flags = args.annotations - checks - claims
    for sentence in sentences[::4][:checks]:
        FactCheck(sentence=sentence, article=article, status="accurate").save()
    for sentence in sentences[2::4][:claims]:
        start = old_text.index("residents", sentence.start)
        end = start + len("residents")
        Claim(
            sentence=sentence,
            article=article,
            start=start,
            end=end,
            quote=old_text[start:end],
            prefix=old_text[start - 32 : start],
            suffix=old_text[end : end + 32],
        ).save()
    for sentence in sentences[1::7][:flags]:
        ArtifactFlag(
            article=article,
            kind="truncated_text",
            start=sentence.start,
            end=sentence.end,
            state="dismissed",
            origin="detector",
            decided_at=django.utils.timezone.now(),
        ).save()
    items = (
        FactCheck.objects.count() + Claim.objects.count() + ArtifactFlag.objects.decided().count()
    )

    anchors = []
    for check in FactCheck.objects.select_related("sentence"):
        anchors.append(reanchor._anchor(old_text, check.sentence.start, check.sentence.end))
    for claim in Claim.objects.all():
        anchors.append(
            anchoring.Anchor(claim.start, claim.end, claim.quote, claim.prefix, claim.suffix)
        )
    for flag in ArtifactFlag.objects.decided():
        anchors.append(reanchor._anchor(old_text, flag.start, flag.end))
    pure, pure_cpu = [], []
    for _ in range(args.runs):
        started, cpu = time.perf_counter(), time.process_time()
        anchoring.place_all(old_text, new_text, anchors)
        pure.append(time.perf_counter() - started)
        pure_cpu.append(time.process_time() - cpu)

    timed: list[float] = []

    def timed_receiver(sender, *, article, previous, findings, user=None, **kwargs) -> None:
        profiler = cProfile.Profile() if args.profile else None
        started, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        reanchor.reanchor_article(article=article, previous=previous, user=user, findings=findings)
        timed.append(time.perf_counter() - started)
        timed.append(time.process_time() - cpu)
        if profiler:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)

    article_revised.disconnect(dispatch_uid="annotations.reanchor_revision")
    article_revised.connect(timed_receiver, dispatch_uid="bench")
    started = time.perf_counter()
    result = import_record(record(new_text))
    whole = time.perf_counter() - started
    article_revised.disconnect(dispatch_uid="bench")
    article_revised.connect(
        receivers.reanchor_revision, dispatch_uid="annotations.reanchor_revision"
    )
    assert result.status == Status.REVISED, result
    methods = {m: Reanchor.objects.filter(method=m).count() for m in ("exact", "fuzzy", "lost")}
    print(f"article: {len(sentences)} sentences, {len(old_text):,} characters; {items} items")
    print(
        f"pure align + place: median {statistics.median(pure) * 1000:.1f} ms wall, "
        f"{statistics.median(pure_cpu) * 1000:.1f} ms CPU ({args.runs} runs)"
    )
    print(
        f"reanchor_article on SQLite: {timed[0] * 1000:.1f} ms wall, "
        f"{timed[1] * 1000:.1f} ms CPU of this process"
    )
    print(f"whole re-import (parse, detect, write, reanchor): {whole * 1000:.1f} ms")
    print(
        f"found: {methods}; needs re-check: {Reanchor.objects.filter(needs_recheck=True).count()}"
    )


if __name__ == "__main__":
    main()
