"""``pipeline.scan``: the one parse-and-detect step of the importer and of re-detection."""

from __future__ import annotations

import pytest

from newsroom.readers import Record, analyse
from newsroom.text import artifacts, layout, lexicon, pipeline, sentences
from newsroom.text.spans import trim

TEXT = (
    "Storm closes schools\n"
    "February 04 2020 02:32 PM\n\n"
    "Schools closed on Tuesday, officials said.\u00a0\n"
    "Share this article\n"
    "The storm moved east. It weakened overnight.\n"
)


def test_scan_is_parse_split_and_detect() -> None:
    scanned = pipeline.scan(TEXT)
    parsed = layout.parse(TEXT)
    assert scanned.layout == parsed
    assert scanned.sentences == sentences.split(TEXT, parsed.blocks)
    assert scanned.findings == artifacts.detect(TEXT, parsed)
    assert {f.kind for f in scanned.findings} >= {"share_widget", "stray_whitespace"}


def test_scan_can_leave_out_sentences_and_findings() -> None:
    assert pipeline.scan(TEXT, segment=False).sentences == []
    assert pipeline.scan(TEXT, detect=False).findings == []
    assert pipeline.scan(TEXT, segment=False).findings == pipeline.scan(TEXT).findings


@pytest.mark.parametrize(
    ("limits", "what", "count"),
    [({"max_blocks": 2}, "blocks", 5), ({"max_sentences": 3}, "sentences", 6)],
)
def test_scan_refuses_more_blocks_or_sentences_than_allowed(limits, what, count) -> None:
    with pytest.raises(pipeline.TooLarge) as caught:
        pipeline.scan(TEXT, **limits)
    assert (caught.value.what, caught.value.count) == (what, count)
    pipeline.scan(TEXT, **{name: count for name in limits})  # at the limit: accepted


def test_the_importer_analysis_is_the_scan() -> None:
    analysis = analyse(Record(origin="t", format="text", text=TEXT))
    scanned = pipeline.scan(TEXT)
    assert (analysis.layout, analysis.sentences, analysis.findings) == (
        scanned.layout,
        scanned.sentences,
        scanned.findings,
    )


def test_trim() -> None:
    text = " \u00a0ab c\t\n"
    assert trim(text, 0, len(text)) == (2, 6)
    assert text[slice(*trim(text, 0, len(text)))] == "ab c"
    assert trim(text, 0, 2) == (2, 2)  # whitespace only: empty


def test_lexicon_patterns_match_exactly_their_words() -> None:
    import re

    months = [name for names in lexicon.MONTHS for name in names]
    pattern = re.compile(lexicon.trie_pattern(months, capitalise=True) + "$")
    assert all(pattern.match(name.capitalize()) for name in months)
    assert not any(pattern.match(w) for w in ("Ju", "Septe", "Janu", "Mayo", "january"))
    assert lexicon.MONTH_NUMBERS["sept"] == 9 and lexicon.month_abbreviations()[-1] == "dec"
