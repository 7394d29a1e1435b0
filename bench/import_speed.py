"""Import speed: the seeds repeated N times into a fresh temporary SQLite database.

    .venv/bin/python bench/import_speed.py [--copies 50]

Each copy gets a counter in its title (and so in the text of plain-text seeds) so that
content hashes differ and every copy is really imported: layout, sentences, artifact
detection, the Article/Block/Sentence rows and the suggested flags of the receivers, one
transaction per batch of 100, as ``import_articles --jobs 0`` does (in this process, no
analysis workers). Prints articles/s and sentences/s.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=50, help="times the seeds are repeated")
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="newsroom-bench-")
    os.environ["NEWSROOM_SQLITE_PATH"] = str(Path(tmp.name) / "bench.sqlite3")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")  # development settings (the default is off)
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command

    from newsroom.importing import import_items
    from newsroom.models import Article, Sentence
    from newsroom.readers import Record, read_paths

    call_command("migrate", verbosity=0)
    seeds = [item for item in read_paths([ROOT / "seeds"]) if isinstance(item, Record)]

    def copies():
        for n in range(args.copies):
            for record in seeds:
                if record.title:
                    yield dataclasses.replace(record, title=f"{record.title} #{n}")
                else:
                    first, _, rest = record.text.partition("\n")
                    yield dataclasses.replace(record, text=f"{first} #{n}\n{rest}")

    started = time.perf_counter()
    summary = import_items(copies())
    elapsed = time.perf_counter() - started
    assert summary.failed == 0, summary.failures[:3]
    articles = Article.objects.count()
    sentences = Sentence.objects.count()
    assert articles == summary.imported == len(seeds) * args.copies
    print(
        f"{articles} articles ({len(seeds)} seeds x {args.copies}), {sentences} sentences "
        f"in {elapsed:.2f} s: {articles / elapsed:.0f} articles/s, "
        f"{sentences / elapsed:.0f} sentences/s (SQLite, {django.get_version()})"
    )
    tmp.cleanup()


if __name__ == "__main__":
    main()
