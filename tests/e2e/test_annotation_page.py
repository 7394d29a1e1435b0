"""The annotation page in chromium (issue 11, items 11-16): selection → claim, selection →
flag (starting inside a flagged span), flag decisions in place, j/k skipping excluded
sentences, arrow keys left to the page outside the text."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations import flagging
from annotations.models import ArtifactFlag, Claim
from annotations.roles import EDITOR, FACT_CHECKER
from newsroom.models import Sentence
from tests.e2e.conftest import log_in
from tests.factories import imported_article

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_cfff4d70fc50ad02.txt"
# Set on the window when the test starts: still there only if the page never reloaded.
MARK = "window.__noReload = true"
NOT_RELOADED = "() => window.__noReload === true"


@pytest.fixture
def seed():
    return imported_article(SEED.read_text(encoding="utf-8"))


@pytest.fixture
def editor(roles, make_user):
    return make_user(EDITOR, username="editor")


@pytest.fixture
def checker(roles, make_user):
    return make_user(FACT_CHECKER, username="checker")


def drag(page, start, end) -> None:
    """A real mouse selection from point ``start`` to point ``end``."""
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move((start[0] + end[0]) / 2, (start[1] + end[1]) / 2, steps=4)
    page.mouse.move(*end, steps=4)
    page.mouse.up()


def inside(box, fx: float = 0.5, fy: float = 0.5) -> tuple[float, float]:
    return (box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)


def word_box(page, selector: str, word: str) -> dict:
    """The on-screen box of ``word`` inside the element ``selector``."""
    return page.evaluate(
        """([selector, word]) => {
            const el = document.querySelector(selector);
            const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode())) {
                const at = node.data.indexOf(word);
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + word.length);
                const r = range.getBoundingClientRect();
                return { x: r.x, y: r.y, width: r.width, height: r.height };
            }
            return null;
        }""",
        [selector, word],
    )


def test_selection_in_another_sentence_then_c_claims_that_sentence(
    page, live_server, seed, checker
):
    sentences = list(Sentence.objects.filter(article=seed).select_related("article"))
    target = next(s for s in sentences if s.text.startswith("Seven Turkish soldiers"))
    log_in(page, live_server.url, "checker", "pw", f"/articles/{seed.pk}/")
    first = page.locator("#panel").get_attribute("data-sentence")
    assert first != str(target.pk)
    page.evaluate(MARK)
    page.locator(f"#s-{target.pk}").scroll_into_view_if_needed()
    a, b = word_box(page, f"#s-{target.pk}", "Seven"), word_box(page, f"#s-{target.pk}", "soldiers")
    drag(page, inside(a, 0.05), inside(b, 0.98))
    menu = page.locator("#selection-menu")
    menu.wait_for(state="visible")
    assert menu.locator("[data-selection-quote]").inner_text() == "“Seven Turkish soldiers”"
    assert menu.locator("[data-selection-flag]").count() == 0  # checkers cannot flag
    page.keyboard.press("c")
    # The panel opens the sentence the text is in, and the claim form holds the span.
    page.wait_for_selector(f'#panel[data-sentence="{target.pk}"]')
    assert menu.is_hidden()
    page.wait_for_function(
        "() => document.querySelector('#claim-form [data-claim-span]').textContent"
        " === '“Seven Turkish soldiers”'"
    )
    claimant = page.locator("#claim-form [name=claim-claimant]")
    assert claimant.evaluate("el => el === document.activeElement")
    page.click("#claim-form button")
    page.wait_for_selector('#panel[data-claims="1"]')
    claim = Claim.objects.get()
    assert (claim.sentence_id, claim.quote) == (target.pk, "Seven Turkish soldiers")
    assert page.evaluate(NOT_RELOADED)


def test_selection_across_sentences_cannot_be_claimed(page, live_server, seed, checker):
    log_in(page, live_server.url, "checker", "pw", f"/articles/{seed.pk}/")
    seven = next(s for s in Sentence.objects.filter(article=seed) if s.text.startswith("Seven"))
    page.locator(f"#s-{seven.pk}").scroll_into_view_if_needed()
    a = word_box(page, f"#s-{seven.pk}", "Seven")
    nxt = page.locator(f"#s-{seven.pk} ~ .sentence").first
    drag(page, inside(a, 0.05), inside(nxt.bounding_box(), 0.5, 0.5))
    menu = page.locator("#selection-menu")
    menu.wait_for(state="visible")
    assert menu.locator("[data-selection-claim]").is_disabled()
    assert menu.locator("[data-selection-note]").is_visible()
    page.keyboard.press("c")
    assert Claim.objects.count() == 0
    page.keyboard.press("Escape")
    assert menu.is_hidden()


def test_editor_selects_from_inside_a_flag_and_flags_it_in_place(
    page, live_server, seed, editor, artifacts
):
    log_in(page, live_server.url, "editor", "pw", f"/articles/{seed.pk}/")
    page.evaluate(MARK)
    # No flag mark is a Tab stop.
    assert page.locator("#article .flag[tabindex]").count() == 0
    dateline = page.locator("#article .flag.kind-dateline").first
    start = word_box(page, "#article .block-dateline", "2020")
    assert start is not None
    end = word_box(page, "#article .block-dateline", "PM")
    drag(page, inside(start, 0.1), inside(end, 0.95))
    selected = page.evaluate("() => window.getSelection().toString()")
    assert selected.startswith("2020") and selected.endswith("PM")  # began inside the mark
    menu = page.locator("#selection-menu")
    menu.wait_for(state="visible")
    picker = page.locator("#flag-picker")
    assert picker.is_hidden()  # no kind asked for before the editor chooses to flag
    page.keyboard.press("f")
    kind = page.locator("#flag-kind")
    assert kind.evaluate("el => el === document.activeElement")
    assert kind.input_value() == ""  # no default kind
    page.screenshot(path=str(artifacts / "annotation-selection-menu.png"))
    kind.select_option("advert")
    picker.locator("button").click()
    page.wait_for_selector("#article .flag-confirmed.kind-advert")
    assert menu.is_hidden()
    assert page.evaluate(NOT_RELOADED)
    flag = ArtifactFlag.objects.get(kind="advert")
    text = seed.raw_text
    assert flag.text == text[text.index("2020") : text.index("PM") + 2]
    assert page.locator(f"#flag-{flag.pk}").is_visible()
    assert dateline.count() == 1


def test_a_refused_flag_from_the_selection_says_why_under_the_menu(page, live_server, seed, editor):
    dateline = seed.artifact_flags.get(kind="dateline")
    flagging.decide_flag(flag=dateline, user=editor, state="confirmed")
    log_in(page, live_server.url, "editor", "pw", f"/articles/{seed.pk}/")
    start = word_box(page, "#article .block-dateline", "04")
    end = word_box(page, "#article .block-dateline", "2020")
    drag(page, inside(start, 0.1), inside(end, 0.9))
    page.locator("#selection-menu").wait_for(state="visible")
    page.click("[data-selection-flag]")
    page.select_option("#flag-kind", "dateline")
    page.click("#flag-picker button")
    error = page.locator("#selection-error")
    error.wait_for(state="visible")
    assert "lies inside the confirmed “Dateline” flag" in error.inner_text()
    assert page.locator("#selection-menu").is_visible()
    assert ArtifactFlag.objects.filter(kind="dateline").count() == 1


def test_flag_decisions_happen_in_place_keeping_scroll_and_open_sentence(
    page, live_server, seed, editor
):
    log_in(page, live_server.url, "editor", "pw", f"/articles/{seed.pk}/")
    seven = next(s for s in Sentence.objects.filter(article=seed) if s.text.startswith("Seven"))
    page.click(f"#s-{seven.pk}")
    page.wait_for_selector(f'#panel[data-sentence="{seven.pk}"]')
    page.evaluate(MARK)
    flag = seed.artifact_flags.get(kind="comment_form")
    item = page.locator(f"#flag-{flag.pk}")
    item.scroll_into_view_if_needed()
    before = page.evaluate("() => window.scrollY")
    assert before > 0
    item.get_by_role("button", name="Confirm").click()
    page.wait_for_selector(f'#flag-{flag.pk}[data-state="confirmed"]')
    page.wait_for_selector("#article .flag-confirmed.kind-comment_form")
    assert page.evaluate(NOT_RELOADED)
    assert abs(page.evaluate("() => window.scrollY") - before) < 40
    assert page.locator("#panel").get_attribute("data-sentence") == str(seven.pk)
    assert "selected" in page.locator(f"#s-{seven.pk}").get_attribute("class")
    assert page.locator("#flag-pending-count").inner_text() == "8 pending"
    # Keyboard users stay on the flag they decided.
    assert page.evaluate("() => document.activeElement.closest('.flag-item')?.id") == (
        f"flag-{flag.pk}"
    )
    # Dismissing takes the mark out of the text; undo brings the suggestion back.
    item = page.locator(f"#flag-{flag.pk}")
    item.get_by_role("button", name="Dismiss").click()
    page.wait_for_selector(f'#flag-{flag.pk}[data-state="dismissed"]')
    page.wait_for_function("() => !document.querySelector('#article .kind-comment_form')")
    page.locator(f"#flag-{flag.pk}").get_by_role("button", name="Undo").click()
    page.wait_for_selector(f'#flag-{flag.pk}[data-state="confirmed"]')
    assert page.evaluate(NOT_RELOADED)
    flag.refresh_from_db()
    assert flag.state == "confirmed"


def test_j_and_k_skip_sentences_inside_confirmed_artifacts(page, live_server, seed, editor):
    for kind in ("image_caption", "comment_form"):
        flagging.decide_flag(
            flag=seed.artifact_flags.get(kind=kind), user=editor, state="confirmed"
        )
    excluded = {
        s.pk
        for s in Sentence.objects.filter(article=seed).filter(flagging.inside_confirmed_artifact())
    }
    assert len(excluded) >= 2
    log_in(page, live_server.url, "editor", "pw", f"/articles/{seed.pk}/")
    total = Sentence.objects.filter(article=seed).count()
    visited = []
    for _ in range(total):
        page.keyboard.press("j")
        pk = page.locator("#article .sentence.selected").get_attribute("data-pk")
        page.wait_for_selector(f'#panel[data-sentence="{pk}"]')
        if visited and visited[-1] == pk:
            break
        visited.append(pk)
    assert visited and not excluded & {int(pk) for pk in visited}
    assert len(visited) == total - 1 - len(excluded)  # every counted one after the first
    back = []
    for _ in range(total):
        page.keyboard.press("k")
        pk = page.locator("#article .sentence.selected").get_attribute("data-pk")
        page.wait_for_selector(f'#panel[data-sentence="{pk}"]')
        if back and back[-1] == pk:
            break
        back.append(pk)
    assert not excluded & {int(pk) for pk in back}


def test_arrow_keys_scroll_the_page_outside_the_text(page, live_server, seed, checker):
    log_in(page, live_server.url, "checker", "pw", f"/articles/{seed.pk}/")
    first = page.locator("#article .sentence.selected").get_attribute("data-pk")
    page.locator("#flag-panel-title").click()  # focus outside the text
    page.evaluate("() => document.activeElement.blur()")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.wait_for_function("() => window.scrollY > 0")
    assert page.locator("#article .sentence.selected").get_attribute("data-pk") == first
    # In the text the arrows move between sentences.
    page.locator(f"#s-{first}").focus()
    page.keyboard.press("ArrowDown")
    page.wait_for_function(
        "pk => document.querySelector('#article .sentence.selected').dataset.pk !== pk", arg=first
    )
