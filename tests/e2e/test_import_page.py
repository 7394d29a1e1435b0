"""The import page in chromium: a multi-file upload with bad files among good ones."""

from __future__ import annotations

import pytest

from annotations.roles import EDITOR
from newsroom.models import Article
from tests.e2e.conftest import log_in
from tests.e2e.test_accessibility import axe_violations, serious

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

GOOD = b"Harbour reopens\nThe harbour reopened on Monday. Ferries run again."
CR_ONLY = (
    b"Budget passes\rBy Jane Doe\r"
    b"The council approved the new budget on Monday after a long debate about schools.\r"
    b"Officials said the plan would add teachers and repair buildings across the district.\r"
)


def payload(name: str, data: bytes) -> dict:
    return {"name": name, "mimeType": "application/octet-stream", "buffer": data}


@pytest.fixture
def desk(roles, make_user):
    return make_user(EDITOR, username="desk")


def test_bad_files_are_reported_one_by_one_and_the_good_ones_imported(
    page, live_server, desk
) -> None:
    log_in(page, live_server.url, "desk", "pw", "/articles/import/")
    page.set_input_files(
        "input[name=files]",
        [
            payload("good.txt", GOOD),
            payload("empty.txt", b""),  # chromium sends it: a part with no bytes
            payload("report.pdf", b"%PDF-1.7"),
            payload("random_binary.txt", b"GIF89a\n\x00\x01\x02"),
            payload("mac.txt", CR_ONLY),
            payload("feed.jsonl", b'{"title": "A", "text": "One."}\n{"text": }\n'),
        ],
    )
    page.fill("input[name=source]", "Wire Desk")
    page.click("form button[type=submit]")
    page.wait_for_selector("#import-report-heading")

    alerts = [" ".join(text.split()) for text in page.locator(".alert").all_inner_texts()]
    assert alerts == [
        "good.txt: imported 1 (“Harbour reopens”).",
        "empty.txt: not imported: empty file.",
        "report.pdf: not imported: unknown file type; use one of .htm, .html, .json, .jsonl,"
        " .ndjson, .text, .txt.",
        "random_binary.txt: not imported: binary file, not text (NUL byte at byte 7);"
        " save it as UTF-8 text.",
        "mac.txt: imported 1 (“Budget passes”).",
        "feed.jsonl: imported 1 (“A”), 1 failed. line 2: malformed JSON: Expecting value"
        " (column 10)",
    ]
    sources = dict(Article.objects.values_list("title", "source__name"))
    # The Source names the .txt files' source; a JSON record names its own (here none).
    assert sources == {"Harbour reopens": "Wire Desk", "Budget passes": "Wire Desk", "A": None}
    mac = Article.objects.get(title="Budget passes")
    flags = [(f.kind, mac.raw_text[f.start : f.end]) for f in mac.artifact_flags.all()]
    assert flags == [("byline", "By Jane Doe")]
    # The picker is empty again (browsers never keep files) and the page says what to do;
    # the source is kept for the files chosen again.
    assert page.locator("input[name=files]").evaluate("input => input.files.length") == 0
    assert page.get_by_text("choose only those files below").is_visible()
    assert page.input_value("input[name=source]") == "Wire Desk"
    # The report's green, amber and red alerts pass axe-core, as the page itself does.
    assert not serious(axe_violations(page))

    # Choosing only the fixed file again imports it and goes back to the list.
    page.set_input_files("input[name=files]", [payload("empty.txt", b"Fixed\nNow a body.")])
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert "empty.txt: imported 1 (“Fixed”)." in page.locator(".alert").all_inner_texts()[0]
    assert Article.objects.count() == 4
