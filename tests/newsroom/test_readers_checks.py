"""The shared refusals (``newsroom/readers/checks.py``): one message each, wherever met."""

from __future__ import annotations

import io

from newsroom.readers import Limits, RecordError, Skipped, read_paths, read_stream
from newsroom.readers.checks import (
    extension_refusal,
    length_refusal,
    nul_refusal,
    size_refusal,
)

LIMITS = Limits(max_file_bytes=100, max_article_chars=20)


def test_each_check_accepts_up_to_its_limit() -> None:
    assert size_refusal(100, LIMITS) is None
    assert size_refusal(101, LIMITS) == "file is larger than 100 bytes (NEWSROOM_MAX_FILE_BYTES)"
    assert length_refusal(20, LIMITS) is None
    assert length_refusal(21, LIMITS) == (
        "article is 21 characters, over the limit of 20 (NEWSROOM_MAX_ARTICLE_CHARS)"
    )
    assert nul_refusal("clean", "the text") is None
    assert nul_refusal("a\x00b", "'title'") == "NUL character in 'title'"
    assert extension_refusal("a.JSONL") is None
    assert extension_refusal("a.md") == (
        "unknown file type; use one of .htm, .html, .json, .jsonl, .ndjson, .text, .txt"
    )


def test_the_readers_give_the_same_messages(tmp_path) -> None:
    [big] = read_stream(io.BytesIO(b"T\n" + b"x" * 200), origin="big.txt", format="text",
                        limits=LIMITS)  # fmt: skip
    [long] = read_stream(io.BytesIO(b"T\n" + b"x" * 50), origin="long.txt", format="text",
                         limits=LIMITS)  # fmt: skip
    assert isinstance(big, RecordError) and big.message == size_refusal(202, LIMITS)
    assert isinstance(long, RecordError) and long.message == length_refusal(52, LIMITS)
    (tmp_path / "notes.md").write_text("x", encoding="utf-8")
    [skipped] = read_paths([tmp_path])
    assert skipped == Skipped(str(tmp_path / "notes.md"), extension_refusal("notes.md"))
