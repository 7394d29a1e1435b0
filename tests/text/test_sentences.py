"""sentences.split: exact sentence offsets inside layout blocks."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsroom.text.layout import parse
from newsroom.text.sentences import sentence_texts, split
from newsroom.text.spans import BlockRole

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "seeds" / "000_cfff4d70fc50ad02.txt"
SHARED = Path(os.environ.get("NEWSROOM_SHARED", REPO.parent / "shared"))
GOLDEN_RULES = SHARED / "eval" / "segmentation" / "golden_rules_en.json"
GOLDEN_RULES_MIN_PASSED = 46

SEED_BODY_SENTENCES = [
    "Turkish Foreign Minister Mevlut Cavusoglu said on Tuesday that Russia should help end the"
    ' Syrian government\'s "aggression," after Turkish and Syrian forces exchanged fire that'
    " killed several on both sides in north-western province of Idlib.",
    '"The [Syrian] regime needs to stop its aggression as soon as possible. That is the message'
    ' I shared with Lavrov yesterday," Cavusoglu told reporters in Ankara, referring to his phone'
    " call with his Russian counterpart Sergei Lavrov.",
    '"We need to do something urgently [with Russia]," Cavusoglu said, warning Turkey will'
    " retaliate further against any such future attack.",
    "Seven Turkish soldiers and one civilian died in Monday's shelling by Syrian government forces"
    " in the embattled rebel stronghold of Idlib, Cavusoglu confirmed.",
    'The escalation in Idlib is a "serious test" of the military ties between Russia and Turkey,'
    " Konstantin Kosachyov, who heads a Russian parliamentary committee on international affairs,"
    " said on Tuesday.",
    "Ankara is still committed to maintaining dialogue with Moscow for a political solution in"
    " Syria, Cavusoglu said, still charging that Russia needs to first contain Damascus.",
    "Russia backs Syrian President Bashar al-Assad, while Turkey supports rebels trying to oust"
    " him.",
    "Ankara and Moscow have nonetheless worked out a delicate cooperation to restore calm in the"
    " war-torn country.",
    "A ceasefire deal for Idlib struck between Moscow and Ankara in January, however, collapsed,"
    " leading Syrian army and allied forces to intensify attacks and make gains in the area.",
    'The Astana and Sochi processes "have not come to a complete standstill, but started to get'
    ' hurt and become less important," Cavusoglu said, referring to deals in 2017 and 2018 to help'
    " end Syria's conflict.",
]


def seed_body_sentences() -> list[str]:
    text = SEED.read_text(encoding="utf-8")
    layout = parse(text)
    return [
        s.text_in(text)
        for s in split(text, layout.blocks)
        if layout.blocks[s.block].role == BlockRole.BODY
    ]


def test_seed_body_has_ten_sentences() -> None:
    assert len(seed_body_sentences()) == 10


@pytest.mark.parametrize(("index", "expected"), list(enumerate(SEED_BODY_SENTENCES)))
def test_seed_body_sentence(index: int, expected: str) -> None:
    assert seed_body_sentences()[index] == expected


def test_every_seed_block_yields_a_sentence() -> None:
    text = SEED.read_text(encoding="utf-8")
    layout = parse(text)
    assert {s.block for s in split(text, layout.blocks)} == set(range(len(layout.blocks)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A quotation and its attribution stay one sentence, whatever the quote marks.
        (
            '"I am here. You are there," he said. Next one.',
            ['"I am here. You are there," he said.', "Next one."],
        ),
        (
            "“I am here! You are there?” he asked. Next one.",
            ["“I am here! You are there?” he asked.", "Next one."],
        ),
        (
            "«Je suis là. Tu es là,» dit-il. Next.",
            ["«Je suis là. Tu es là,» dit-il.", "Next."],
        ),
        # A stray inch mark pairs with nothing, so the real quotation still holds.
        (
            'He is 6" tall. She said "hi. there" to me. Then more.',
            ['He is 6" tall.', 'She said "hi. there" to me.', "Then more."],
        ),
        # An unclosed quote glues nothing.
        (
            'The so-called "experts. Then one. Then "two" of them. Three.',
            ['The so-called "experts.', "Then one.", 'Then "two" of them.', "Three."],
        ),
        # A cut after an opening quote moves before it; straight and curly quotes mix.
        (
            '“Prices fall," she said in a statement. "Buyers gain." Done.',
            ['“Prices fall," she said in a statement.', '"Buyers gain."', "Done."],
        ),
        (
            '"Quote one." "Quote two." Then.',
            ['"Quote one."', '"Quote two."', "Then."],
        ),
    ],
)
def test_quotations(text: str, expected: list[str]) -> None:
    assert sentence_texts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mr. Smith went to Washington D.C. He was there.",
            ["Mr. Smith went to Washington D.C.", "He was there."],
        ),
        ("The U.S. Army said it cost $3.5 million.", ["The U.S. Army said it cost $3.5 million."]),
        (
            "CHARLOTTESVILLE, Va. (Reuters) - A judge ruled. Fields, 22, appealed.",
            ["CHARLOTTESVILLE, Va. (Reuters) - A judge ruled.", "Fields, 22, appealed."],
        ),
        (
            "It happened on Nov. 19, 2019, at 5 a.m. in St. Louis. Dr. Jones left.",
            ["It happened on Nov. 19, 2019, at 5 a.m. in St. Louis.", "Dr. Jones left."],
        ),
        ("Sen. John McCain was held there.", ["Sen. John McCain was held there."]),
    ],
)
def test_abbreviations(text: str, expected: list[str]) -> None:
    assert sentence_texts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1. The first item.", ["1. The first item."]),
        ("a) First b) Second c) Third", ["a) First", "b) Second", "c) Third"]),
        # Markers out of sequence are ordinary text.
        ("1. The item costs 3. More text", ["1. The item costs 3.", "More text"]),
    ],
)
def test_lists(text: str, expected: list[str]) -> None:
    assert sentence_texts(text) == expected


def test_nbsp_stays_outside_sentences() -> None:
    text = "Title\n\xa0First sentence.\xa0 \xa0Second one.\xa0\n\xa0Third 😀 é.\xa0"
    got = [s.text_in(text) for s in split(text, parse(text).blocks)]
    assert got == ["Title", "First sentence.", "Second one.", "Third 😀 é."]


def test_offsets_are_into_the_raw_text_with_crlf() -> None:
    text = "Headline\r\n\r\nOne. Two.\r\nThree.\r\n"
    spans = split(text, parse(text).blocks)
    assert [(s.start, s.end, s.block) for s in spans] == [
        (0, 8, 0),
        (12, 16, 1),
        (17, 21, 1),
        (23, 29, 2),
    ]


# --- English Golden Rules ------------------------------------------------------------------


def golden_rules() -> list[dict]:
    if not GOLDEN_RULES.exists():
        return []
    return json.loads(GOLDEN_RULES.read_text(encoding="utf-8"))["rules"]


needs_golden_rules = pytest.mark.skipif(
    not GOLDEN_RULES.exists(), reason=f"no eval data at {GOLDEN_RULES} (set NEWSROOM_SHARED)"
)


@needs_golden_rules
@pytest.mark.parametrize("rule", golden_rules(), ids=lambda rule: f"rule-{rule['id']}")
def test_golden_rule(rule: dict) -> None:
    assert sentence_texts(rule["text"]) == rule["expected"]


@needs_golden_rules
def test_golden_rules_score() -> None:
    rules = golden_rules()
    passed = sum(sentence_texts(rule["text"]) == rule["expected"] for rule in rules)
    assert len(rules) == 48
    assert passed >= GOLDEN_RULES_MIN_PASSED


# --- Offset invariants ---------------------------------------------------------------------

_ALPHABET = st.sampled_from(
    [
        *"abcXYZ019",
        *".!?,;:-…",
        *"\"'“”«»()[]",
        "\N{LEFT SINGLE QUOTATION MARK}",
        "\N{RIGHT SINGLE QUOTATION MARK}",
        " ",
        " ",
        "\n",
        "\n",
        "\r\n",
        "\r",
        "\t",
        "\xa0",
        "\u2028",
        "\u200b",
        "é",
        "ß",
        "😀",
        "👍🏽",
        "中",
        "Mr.",
        "U.S.",
        "1. ",
        "a. ",
        " . . . ",
        "Feb 4, 2020",
        "10:02 AM",
    ]
)
TEXTS = st.one_of(st.lists(_ALPHABET, max_size=80).map("".join), st.text(max_size=200))


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.booleans())
def test_blocks_are_ordered_trimmed_and_round_trip(text: str, title_in_text: bool) -> None:
    layout = parse(text, title_in_text=title_in_text)
    previous_end = 0
    for block in layout.blocks:
        assert previous_end <= block.start < block.end <= len(text)
        piece = text[block.start : block.end]
        assert not piece[0].isspace() and not piece[-1].isspace()
        assert "\n" not in piece and "\r" not in piece
        previous_end = block.end
    if layout.title is not None:
        assert layout.blocks[0].role == BlockRole.TITLE or layout.blocks[1].role == BlockRole.TITLE


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_sentences_are_ordered_trimmed_and_inside_their_block(text: str) -> None:
    blocks = parse(text).blocks
    sentences = split(text, blocks)
    previous_end = 0
    for sentence in sentences:
        block = blocks[sentence.block]
        assert block.contains(sentence)
        assert previous_end <= sentence.start < sentence.end
        piece = text[sentence.start : sentence.end]
        assert piece == sentence.text_in(text)
        assert not piece[0].isspace() and not piece[-1].isspace()
        previous_end = sentence.end
    assert {s.block for s in sentences} == set(range(len(blocks)))
