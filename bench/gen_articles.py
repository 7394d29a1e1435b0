"""Seeded generator of varied seed-layout articles, streamed to a JSON Lines file.

    .venv/bin/python bench/gen_articles.py 10000 bench/results/articles-10000.jsonl [--seed 1]

Each line is ``{"text": ..., "source": ..., "url": ...}`` whose text is the scraped
plain-text layout of ``seeds/`` (no ``title`` field, so the title is the first line):
title, dateline in one of several formats, a caption cut at 100 characters followed by
the full caption with its credit, blank lines, 12-30 sentences in paragraphs (some led by
NBSP), then trailers ("There are no comments.", "LEAVE A COMMENT ...", share prompts).
Articles are written one at a time, so memory stays flat whatever N is; the same seed
always gives the same file. Every title carries its number, so no two articles share a
content hash.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

NBSP = "\N{NO-BREAK SPACE}"

PLACES = [
    "Easthaven", "Ankara", "Lagos", "Valparaiso", "Tromso", "Hue", "Kisumu", "Bergamo",
    "Cork", "Daejeon", "Mendoza", "Arequipa", "Leuven", "Nagpur", "Bristol", "Tartu",
]  # fmt: skip
PEOPLE = [
    "Ilse Varga", "Hulusi Akar", "Dana Reyes", "Jo Martin", "Amara Okafor", "Lee Park",
    "Tomas Rivera", "Mei Lin", "Sergei Volkov", "Priya Nair", "Olu Adeyemi", "Sofia Russo",
]  # fmt: skip
ROLES = [
    "Mayor", "Finance Minister", "head nurse", "union leader", "spokeswoman", "councillor",
    "chief engineer", "police commissioner", "professor", "chief executive",
]  # fmt: skip
SUBJECTS = [
    "flood barrier", "rail strike", "olive harvest", "bus lanes", "children's ward",
    "water tariff", "port expansion", "school meals", "wind farm", "housing plan",
    "bridge repair", "fishing quota", "tram line", "heat wave", "teachers' pay",
]  # fmt: skip
VERBS = ["approves", "delays", "rejects", "backs", "questions", "announces", "cuts", "expands"]
BODIES = ["city council", "regional government", "parliament", "court", "board", "union"]
AGENCIES = ["AFP", "Reuters", "AP", "EPA", "Photo", "Handout"]
SOURCES = ["Valley Post", "Eastern Ledger", "Harbour Times", "Daily Courier", "", ""]
MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
TRAILERS = [
    ["There are no comments."],
    ["There are no comments.", "LEAVE A COMMENT Your email address will not be published. "
     "Required fields are marked*"],
    ["Share this article", "Follow us on Twitter"],
    ["Sign up for our newsletter to get the latest news in your inbox."],
    [],
]  # fmt: skip


def _dateline(rng: random.Random, when: datetime) -> str:
    month = MONTHS[when.month - 1]
    hour12 = when.hour % 12 or 12
    ampm = "AM" if when.hour < 12 else "PM"
    return rng.choice(
        [
            f"{month} {when.day:02d} {when.year} {hour12:02d}:{when.minute:02d} {ampm}",
            f"{month[:3]} {when.day}, {when.year} {when.hour}:{when.minute:02d}",
            f"{when:%Y-%m-%d %H:%M}",
            f"{when.day:02d} {month} {when.year}",
            f"Updated: {when:%A}, {month} {when.day}, {when.year} {hour12:02d}:{when.minute:02d}"
            f" {ampm}",
        ]
    )


def _sentence(rng: random.Random) -> str:
    person, role = rng.choice(PEOPLE), rng.choice(ROLES)
    place, subject, body = rng.choice(PLACES), rng.choice(SUBJECTS), rng.choice(BODIES)
    number = rng.choice([12, 48, 310, 1_200, 9, 75, 2023, 400])
    return rng.choice(
        [
            f"The {body} of {place} voted on the {subject} on {rng.choice(MONTHS)} {rng.randint(1, 28)}.",
            f'"We cannot keep waiting for the {subject}," {role} {person} told reporters.',
            f"The plan, estimated to cost {number} million euros, would take {rng.randint(2, 9)} years.",
            f"Opponents argued that the {subject} would harm residents of {place}.",
            f"{person}, who heads the {body}, said the vote would now take place in {rng.choice(MONTHS)}.",
            f"More than {number} people signed a petition against the {subject} last week.",
            f"According to the {body}, about {rng.randint(3, 90)} per cent of the cost is covered.",
            f"Mr. {person.split()[-1]} declined to comment on the {subject} on Tuesday.",
            f"Work on the {subject} is expected to start in {rng.randint(2024, 2030)}.",
            f"Critics in {place} say the {subject} was decided without consultation.",
        ]
    )


def article(rng: random.Random, number: int) -> dict[str, str]:
    """One article of the seed layout, with its JSON Lines fields."""
    place, subject = rng.choice(PLACES), rng.choice(SUBJECTS)
    title = f"{place} {rng.choice(VERBS)} {subject} #{number}"
    when = datetime(2019, 1, 1) + timedelta(minutes=rng.randint(0, 5 * 365 * 24 * 60))
    caption = (
        f"{rng.choice(ROLES).capitalize()} {rng.choice(PEOPLE)} at the site of the {subject} "
        f"near {place} on {rng.choice(MONTHS)} {rng.randint(1, 28)}, after a long meeting "
        f"with residents. {rng.choice(AGENCIES)}/{rng.choice(PEOPLE)}."
    )
    lines = [title, _dateline(rng, when)]
    if rng.random() < 0.8:
        lines += [caption[:100], caption]
    lines += ["", ""]
    remaining = rng.randint(12, 30)
    while remaining:
        count = min(remaining, rng.randint(1, 4))
        remaining -= count
        paragraph = " ".join(_sentence(rng) for _ in range(count))
        lead = rng.choice(["", "", NBSP, NBSP + NBSP, " "])
        lines.append(lead + paragraph)
    trailer = rng.choice(TRAILERS)
    if trailer:
        lines.append("")
        lines.extend(trailer)
    source = rng.choice(SOURCES)
    record = {"text": "\n".join(lines)}
    if source:
        record["source"] = source
        slug = "-".join(subject.replace("'", "").split())
        record["url"] = f"https://example.org/{when:%Y/%m}/{slug}-{number}"
    return record


def generate(count: int, *, seed: int = 1) -> Iterator[dict[str, str]]:
    """``count`` articles, deterministic for a given ``seed``, one at a time."""
    rng = random.Random(seed)
    for number in range(count):
        yield article(rng, number)


def write(path: Path, count: int, *, seed: int = 1) -> Path:
    """Write ``count`` articles to ``path`` (JSON Lines), streaming; returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for record in generate(count, seed=seed):
            out.write(json.dumps(record, ensure_ascii=False))
            out.write("\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("path", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    write(args.path, args.count, seed=args.seed)


if __name__ == "__main__":
    main()
