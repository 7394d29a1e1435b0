"""layout.parse: roles, offsets and datelines of scraped article text."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from newsroom.text.layout import parse, parse_dateline
from newsroom.text.spans import BlockRole, Layout

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_cfff4d70fc50ad02.txt"

TITLE, DATELINE, CAPTION, BODY, TRAILER = (
    BlockRole.TITLE,
    BlockRole.DATELINE,
    BlockRole.CAPTION,
    BlockRole.BODY,
    BlockRole.TRAILER,
)
LONG = "word " * 50  # 250 characters of prose, too long to be a title


def shape(layout: Layout) -> list[tuple[BlockRole, str]]:
    return [(block.role, block.text_in(layout.text)) for block in layout.blocks]


def assert_trimmed_and_ordered(layout: Layout) -> None:
    previous_end = 0
    for block in layout.blocks:
        piece = block.text_in(layout.text)
        assert piece and piece == piece.strip()
        assert block.start >= previous_end
        previous_end = block.end


@pytest.fixture(scope="module")
def seed() -> str:
    return SEED.read_text(encoding="utf-8")


def test_seed_roles(seed: str) -> None:
    roles = [block.role for block in parse(seed).blocks]
    assert roles == [TITLE, DATELINE, CAPTION, CAPTION, *[BODY] * 7, TRAILER, TRAILER]


def test_seed_title_and_published(seed: str) -> None:
    layout = parse(seed)
    assert layout.title == "Turkey calls on Russia to help stop Syrian 'aggression' in Idlib"
    assert layout.published == datetime(2020, 2, 4, 14, 32)


@pytest.mark.parametrize(
    ("index", "startswith", "endswith"),
    [
        (1, "February 04 2020 02:32 PM", "February 04 2020 02:32 PM"),
        (2, "Turkish Defence Minister Hulusi Akar (L)", "near Syrian bor"),
        (3, "Turkish Defence Minister Hulusi Akar (L)", "Press Service."),
        (4, "Turkish Foreign Minister Mevlut Cavusoglu", "province of Idlib."),
        (5, '"The [Syrian] regime', "Sergei Lavrov."),  # leading NBSP left out
        (10, "The Astana and Sochi processes", "end Syria's conflict."),
        (11, "There are no comments.", "There are no comments."),
        (12, "LEAVE A COMMENT", "Required fields are marked*"),
    ],
)
def test_seed_block_texts(seed: str, index: int, startswith: str, endswith: str) -> None:
    piece = parse(seed).blocks[index].text_in(seed)
    assert piece.startswith(startswith)
    assert piece.endswith(endswith)


def test_seed_with_crlf_keeps_raw_offsets(seed: str) -> None:
    crlf = seed.replace("\n", "\r\n")
    layout = parse(crlf)
    assert shape(layout) == shape(parse(seed))
    assert layout.published == datetime(2020, 2, 4, 14, 32)
    assert_trimmed_and_ordered(layout)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("   ", []),
        ("\n\n\n", []),
        ("\xa0\n \t\r\n\u2028", []),
        ("One line only.", [(BODY, "One line only.")]),
        ("A short headline", [(BODY, "A short headline")]),
        ("  \xa0Padded line\xa0 \n", [(BODY, "Padded line")]),
        (
            f"{LONG}first paragraph.\nSecond paragraph.",
            [(BODY, f"{LONG}first paragraph."), (BODY, "Second paragraph.")],
        ),
        (
            "A homeowner with a rifle killed two of four suspects on Wednesday night.\n"
            "Police said the others fled.",
            [
                (BODY, "A homeowner with a rifle killed two of four suspects on Wednesday night."),
                (BODY, "Police said the others fled."),
            ],
        ),
        (
            "Officials said the following:\nThe road is closed.",
            [(BODY, "Officials said the following:"), (BODY, "The road is closed.")],
        ),
        (
            "\n\n  Headline here\nThe body starts.",
            [(TITLE, "Headline here"), (BODY, "The body starts.")],
        ),
        (
            "Is this a headline?\n\xa0Body paragraph one.\xa0\n\xa0\xa0Body two.",
            [(TITLE, "Is this a headline?"), (BODY, "Body paragraph one."), (BODY, "Body two.")],
        ),
    ],
)
def test_shapes(text: str, expected: list[tuple[BlockRole, str]]) -> None:
    layout = parse(text)
    assert shape(layout) == expected
    assert_trimmed_and_ordered(layout)


def test_empty_text_has_no_title() -> None:
    layout = parse("")
    assert (layout.blocks, layout.title, layout.published) == ((), None, None)


def test_body_only_records_have_no_title() -> None:
    body = "A short first line\nThe second line.\nThe third line."
    layout = parse(body, title_in_text=False)
    assert layout.title is None
    assert [block.role for block in layout.blocks] == [BODY, BODY, BODY]


def test_body_only_records_still_find_a_dateline() -> None:
    body = "Published 10:02 AM EST Nov 19, 2019\nThe first paragraph.\nThe second."
    layout = parse(body, title_in_text=False)
    assert [block.role for block in layout.blocks] == [DATELINE, BODY, BODY]
    assert layout.published == datetime(2019, 11, 19, 10, 2)


def test_dateline_above_the_title() -> None:
    text = "Nov. 20, 2019 5:52 AM EST\nSenators face questions\nWASHINGTON (AP) - It began."
    layout = parse(text)
    assert [block.role for block in layout.blocks] == [DATELINE, TITLE, BODY]
    assert layout.title == "Senators face questions"


def test_dateline_after_a_byline() -> None:
    text = "Headline\nBy A. Writer\nUpdated: Nov 20 2019, 3:24 pm IST\nThe story."
    assert [block.role for block in parse(text).blocks] == [TITLE, BODY, DATELINE, BODY]


def test_captions_need_a_blank_line_below() -> None:
    # Without a blank line the lines under the dateline are the body itself.
    text = "Headline\nFebruary 4, 2020\nFirst paragraph.\nSecond paragraph."
    assert [block.role for block in parse(text).blocks] == [TITLE, DATELINE, BODY, BODY]


def test_blank_line_paragraphs_have_no_trailer() -> None:
    text = "Headline\n\nFirst paragraph is here.\n\nSecond paragraph.\n\nA short last one."
    assert [block.role for block in parse(text).blocks] == [TITLE, BODY, BODY, BODY]


def test_trailer_after_a_body_run() -> None:
    text = (
        "Headline\n"
        + "\n".join(f"Paragraph {n} of the story has some words in it." for n in range(4))
        + "\n\n\nComments\n\nShare this story!\n"
    )
    roles = [block.role for block in parse(text).blocks]
    assert roles == [TITLE, BODY, BODY, BODY, BODY, TRAILER, TRAILER]


def test_long_tail_after_a_gap_is_not_a_trailer() -> None:
    text = "Headline\nOne.\nTwo.\n\n" + LONG
    assert [block.role for block in parse(text).blocks] == [TITLE, BODY, BODY, BODY]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("February 04 2020 02:32 PM", datetime(2020, 2, 4, 14, 32)),
        ("February 4, 2020 2:32 PM", datetime(2020, 2, 4, 14, 32)),
        ("Feb 04 2020 14:32", datetime(2020, 2, 4, 14, 32)),
        ("Feb. 4, 2020, 12:05 a.m.", datetime(2020, 2, 4, 0, 5)),
        ("Sept. 3, 2021 at 2 p.m.", datetime(2021, 9, 3, 14, 0)),
        ("2020-02-04 14:32", datetime(2020, 2, 4, 14, 32)),
        ("2020-02-04T14:32:05+01:00", datetime(2020, 2, 4, 14, 32, 5)),
        ("04 February 2020", datetime(2020, 2, 4)),
        ("4th of February 2020", datetime(2020, 2, 4)),
        ("Tuesday 4 February 2020 14:32 GMT", datetime(2020, 2, 4, 14, 32)),
        ("Published 10:02 AM EST Nov 19, 2019", datetime(2019, 11, 19, 10, 2)),
        ("Updated: Nov 20 2019, 3:24pm ist", datetime(2019, 11, 20, 15, 24)),
        ("First Published: Tuesday, November 19, 2019 08:38 AM", datetime(2019, 11, 19, 8, 38)),
        ("Updated 5:27 am CST, Wednesday, November 20, 2019", datetime(2019, 11, 20, 5, 27)),
        ("November 19, 2019 / 12:21 AM / Updated 14 hours ago", datetime(2019, 11, 19, 0, 21)),
        ("11/19/19 06:56 AM EST", datetime(2019, 11, 19, 6, 56)),
        ("31/12/2020", datetime(2020, 12, 31)),
        ("5:45 AM PST 11/19/2019", datetime(2019, 11, 19, 5, 45)),
        ("\xa0February 4, 2020\xa0", datetime(2020, 2, 4)),
    ],
)
def test_datelines(line: str, expected: datetime) -> None:
    assert parse_dateline(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "",
        "February is a cold month",
        "May 2020 be a better year",
        "March 4 protests drew thousands",
        "Nov 19",
        "10:02 AM",
        "Updated 14 hours ago",
        "Feb 30 2020",
        "2020-13-04 10:00",
        "25:00 Feb 4 2020",
        "February 04 2020 02:32 PM and more",
        "5:45 AM PST 11/19/2019 by",
        "By Tess Bonn - 11/19/19 06:56 AM EST",
        "1 2 3",
        "Feb 4 " + "2020 " * 40,
    ],
)
def test_not_datelines(line: str) -> None:
    assert parse_dateline(line) is None


def test_a_near_date_line_is_not_a_dateline() -> None:
    text = "Headline\nMarch 4 protests drew thousands\nThe story."
    layout = parse(text)
    assert layout.published is None
    assert [block.role for block in layout.blocks] == [TITLE, BODY, BODY]


@pytest.mark.parametrize("line", ["\u017fep 5 2020", "Apr\u0131l 5 2020", "SEP 5 2020"])
def test_month_names_match_ascii_letters_only(line: str) -> None:
    # re's IGNORECASE folds long s to "s" and dotless i to "i", which str.lower() keeps: such a
    # month must simply not parse rather than crash the month lookup.
    expected = datetime(2020, 9, 5) if line.isascii() else None
    assert parse_dateline(line) == expected
    assert parse(f"Title\n{line}\nBody text.").blocks
