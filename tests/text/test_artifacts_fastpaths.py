# ruff: noqa: RUF001
"""The artifact detector's fast paths answer exactly as the slow tests they skip.

Each speed-up is a cheap prefilter (a substring, a byte test, a word count) in front of
a regex; these properties check that the prefilter never rules out a line or text the
regex would have matched, including the two characters ``re.IGNORECASE`` folds to ASCII
(U+0131 dotless i and U+017F long s) that ``str.lower`` keeps.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsroom.text.artifacts import Document, boilerplate, characters, detect, media, meta
from newsroom.text.artifacts.repetition import _key

_DATE_ALPHABET = "0123456789 /.:-,apmAPMJanFebSepNovDecstndrhyesterdaytodayagothanjustowſıK"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_DATE_ALPHABET, max_size=40))
def test_has_date_equals_the_full_search(text):
    assert meta.has_date(text) == (meta._HAS_DATE_RE.search(text) is not None)


def test_has_date_sees_dates_spelled_with_folding_characters():
    for text in ("ſep 5", "yeſterday", "juſt now", "Sep 5", "3 days ago", "10:30 pm"):
        assert meta.has_date(text), text
    assert not meta.has_date("the 3 things we learned")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=" \t\xa0\u2028\u200bab CİK.ſ", max_size=12), max_size=6))
def test_line_words_and_repetition_key_match_split(rows):
    doc = Document.parse("\n".join(rows))
    for line in doc.lines:
        if line.blank:
            continue
        assert line.words == len(line.text.split())
        assert _key(line) == " ".join(line.lower.split())


# Lines each keyword-anywhere family matches (found by the pattern alone, not a phrase).
_ANYWHERE_EXAMPLES = {
    "newsletter_prompt": [
        "Sign up for our daily email alerts",
        "Our newsletter, straight to your inbox: subscribe",
        "Top stories delivered to your inbox",
        "Click here to join",
        "Just $1 a week for full access",
        "Only 99p a month trial",
    ],
    "cookie_notice": [
        "We use cookies to improve this site",
        "Manage preferences",
        "By continuing to use this site you agree",
        "Privacy settings",
        "Do not sell my personal information",
    ],
    "copyright_footer": [
        "All rights reserved.",
        "2021 Acme Media. All rights",
        "Published from a syndicated feed",
        "Transcripts are provided by the network",
    ],
    "comment_form": [
        "Leave a reply",
        "Your email address will not be published.",
        "Required fields are marked *",
        "Let us know in the comments",
        "You must be logged in to post a comment",
        "Login to join the discussion",
        "Signin to reply",
        "Commenting guidelines",
        "We'd love to hear from you",
        "Send us a letter to the editor",
    ],
    "navigation": ["AP 4th Ld-Writethru"],
}


def test_needed_words_cover_every_anywhere_match():
    families = {boilerplate.PHRASES[n].kind: boilerplate.PHRASES[n] for n in boilerplate._LOOSE}
    assert set(families) == set(_ANYWHERE_EXAMPLES)
    for kind, lines in _ANYWHERE_EXAMPLES.items():
        phrase = families[kind]
        for text in lines:
            assert phrase.anywhere.match(text), (kind, text)
            assert any(w in text.lower() for w in phrase.needs), (kind, text)
            # Through the detector too: the gated lookup still finds the family.
            doc = Document.parse(f"Headline\n{text}")
            found = boilerplate.phrase_for(doc, doc.lines[1])
            assert found is not None, (kind, text)


def test_folding_characters_switch_the_word_gates_off():
    text = "Headline\nLoggeđ ın to comment"
    assert Document.parse(text).folds
    assert not Document.parse("Headline\nPlain ASCII").folds


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="0123456789/ x.", max_size=30))
def test_gallery_slash_gate_never_drops_two_counters(text):
    if len(media._GALLERY_COUNTER_RE.findall(text)) >= 2:
        assert len(media._COUNTER_SLASH_RE.findall(text)) >= 2


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=30))
def test_byte_gates_never_drop_cjk_or_mojibake(text):
    data = text.encode("utf-8", "surrogatepass")
    if boilerplate._CJK_RE.search(text):
        assert data.translate(None, boilerplate._NOT_CJK_LEAD)
    if characters._MOJIBAKE_RUN_RE.search(text):
        assert b"\xc3" in data


def test_detect_survives_lone_surrogates_and_still_finds_mojibake():
    findings = detect("Title\nIt\u00e2\u20ac\u2122s here \ud800 now.\n")
    assert [f.kind for f in findings] == ["mojibake"]


def test_role_and_affiliation_fast_paths_keep_bylines():
    doc = Document.parse("Headline\nRobert Burns, Staff Writer\nJane Roe, University of Leeds")
    assert meta.byline_kind(doc, doc.lines[1], doc.lines[1].text) == ("author role", 0.75)
    found = meta.byline_kind(doc, doc.lines[2], doc.lines[2].text)
    assert found == ("author and affiliation", 0.7)
