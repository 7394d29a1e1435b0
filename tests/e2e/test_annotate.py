"""The annotation page in a real browser: keyboard walk, claim, status, evidence, reload."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from annotations.models import Claim, Evidence, FactCheck
from annotations.roles import FACT_CHECKER
from newsroom.models import Sentence
from tests.e2e.conftest import log_in
from tests.factories import imported_article

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_cfff4d70fc50ad02.txt"
SEVEN = "Seven Turkish soldiers and one civilian died"
EVIDENCE = "https://www.example.org/idlib-casualties"


@pytest.fixture
def checker(roles, make_user):
    return make_user(FACT_CHECKER, username="checker")


def selected_text(page) -> str:
    return page.locator("#article .sentence.selected").inner_text()


def test_fact_checker_annotates_the_seed_by_keyboard(page, live_server, checker, artifacts):
    article = imported_article(SEED.read_text(encoding="utf-8"))
    url = f"/articles/{article.pk}/"
    log_in(page, live_server.url, "checker", "pw", url)

    for _ in range(40):
        if selected_text(page).startswith(SEVEN):
            break
        page.keyboard.press("j")
        pk = page.locator("#article .sentence.selected").get_attribute("data-pk")
        page.wait_for_selector(f'#panel[data-sentence="{pk}"]')
    assert selected_text(page).startswith(SEVEN)
    seven = Sentence.objects.get(
        article=article,
        start=int(page.locator("#article .sentence.selected").get_attribute("data-start")),
    )

    page.keyboard.press("c")
    claimant = page.locator("#claim-form [name=claim-claimant]")
    assert claimant.evaluate("el => el === document.activeElement")
    assert claimant.input_value() == "Cavusoglu"  # the attribution suggestion
    page.select_option("#claim-form [name=claim-claim_type]", "statistic")
    page.click("#claim-form button")
    page.wait_for_selector('#panel[data-claims="1"]')

    page.locator("#article .sentence.selected").focus()
    page.keyboard.press("7")  # digits follow FactCheck.Status: 7 = false
    page.wait_for_selector('#panel[data-status="false"]')

    page.keyboard.press("e")
    page.keyboard.type(EVIDENCE)
    page.select_option("#evidence-form [name=evidence-stance]", "refutes")
    page.fill("#evidence-form [name=evidence-title]", "Casualty report")
    page.click("#evidence-form button")
    page.wait_for_selector(f'#panel a[href="{EVIDENCE}"]')

    page.reload()
    sentence = page.locator(f"#s-{seven.pk}")
    assert re.search(r"\bst-false\b", sentence.get_attribute("class"))
    assert "has-claim" in sentence.get_attribute("class")
    panel = page.locator("#panel")
    assert panel.get_attribute("data-sentence") == str(seven.pk)
    assert panel.locator("[data-claimant]").inner_text() == "Cavusoglu"
    assert panel.locator(f'a[href="{EVIDENCE}"]').inner_text() == "Casualty report"
    # History is loaded when opened (htmx), not with every panel.
    assert panel.locator(".timeline").count() == 0
    panel.locator("[data-history-details] summary").click()
    timeline = panel.locator(".timeline")
    timeline.wait_for()
    timeline = timeline.inner_text()
    assert "Status: Unchecked → False" in timeline
    assert "Claim “Seven Turkish soldiers" in timeline and "Evidence Casualty report" in timeline
    assert timeline.count("checker") == 3
    page.screenshot(path=str(artifacts / "annotate.png"), full_page=True)

    fact_check = FactCheck.objects.get(sentence=seven)
    assert (fact_check.status, fact_check.updated_by) == ("false", checker)
    claim = Claim.objects.get(sentence=seven)
    assert (claim.claimant, claim.claim_type, claim.quote) == ("Cavusoglu", "statistic", seven.text)
    assert Evidence.objects.get(fact_check=fact_check).stance == "refutes"


def test_question_mark_opens_the_help_and_escape_closes_it(page, live_server, checker):
    article = imported_article(SEED.read_text(encoding="utf-8"))
    log_in(page, live_server.url, "checker", "pw", f"/articles/{article.pk}/")
    help_overlay = page.locator("#help")
    assert help_overlay.is_hidden()
    page.keyboard.press("?")
    assert help_overlay.is_visible()
    for key in ["j", "k", "c", "e", "a", "u", "?", "Esc", "7"]:
        assert help_overlay.locator(f'kbd:text-is("{key}")').count() >= 1
    page.keyboard.press("Escape")
    assert help_overlay.is_hidden()


ACCENTED = "Le café 😀 à Zürich 👍🏽 a fermé. Déjà vu 🇹🇷 encore ici."


@pytest.mark.parametrize("fragment", ["Zürich", "a fermé", "Déjà vu", "encore"])
def test_selection_offsets_are_code_points(page, live_server, checker, fragment):
    article = imported_article(f"Accents\n\nIntro line here.\n{ACCENTED}")
    text = article.raw_text
    log_in(page, live_server.url, "checker", "pw", f"/articles/{article.pk}/")
    target = next(
        s
        for s in Sentence.objects.filter(article=article).select_related("article")
        if fragment in s.text
    )
    page.click(f"#s-{target.pk}")
    page.wait_for_selector(f'#panel[data-sentence="{target.pk}"]')
    offsets = page.evaluate(
        """([id, fragment]) => {
            const el = document.getElementById(id);
            const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode())) {
                const at = node.data.indexOf(fragment);
                if (at >= 0) {
                    const range = document.createRange();
                    range.setStart(node, at);
                    range.setEnd(node, at + fragment.length);
                    const sel = window.getSelection();
                    sel.removeAllRanges();
                    sel.addRange(range);
                    const o = window.annotate.selectionOffsets();
                    return [o.start, o.end];
                }
            }
            return null;
        }""",
        [f"s-{target.pk}", fragment],
    )
    start = text.index(fragment)
    assert offsets == [start, start + len(fragment)]
    # The same conversion fills the claim form: the stored quote is the selection.
    page.keyboard.press("c")
    page.click("#claim-form button")
    page.wait_for_selector('#panel[data-claims="1"]')
    assert Claim.objects.get().quote == fragment


ASSIGNEE_IS = "name => document.querySelector('#panel [data-assignee]').textContent.trim() === name"


def test_assign_to_me_and_undo_by_keyboard(page, live_server, checker):
    article = imported_article(SEED.read_text(encoding="utf-8"))
    log_in(page, live_server.url, "checker", "pw", f"/articles/{article.pk}/")
    page.keyboard.press("j")
    pk = page.locator("#article .sentence.selected").get_attribute("data-pk")
    page.wait_for_selector(f'#panel[data-sentence="{pk}"]')
    page.keyboard.press("a")
    page.wait_for_function(ASSIGNEE_IS, arg="checker")
    page.keyboard.press("3")  # to check
    page.wait_for_selector('#panel[data-status="to_check"]')
    assert "st-to_check" in page.locator(f"#s-{pk}").get_attribute("class")
    page.keyboard.press("u")
    page.wait_for_selector('#panel[data-status="unchecked"]')
    assert "st-unchecked" in page.locator(f"#s-{pk}").get_attribute("class")
    page.keyboard.press("u")
    page.wait_for_function(ASSIGNEE_IS, arg="nobody")
    fact_check = FactCheck.objects.get(sentence_id=pk)
    assert (fact_check.status, fact_check.assignee, fact_check.version) == ("unchecked", None, 4)
    assert fact_check.history.count() == 4
