"""Forms of the newsroom app: the import upload."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

from newsroom.fetch import FetchError, check_url
from newsroom.limits import configured as configured_limits
from newsroom.readers.checks import extension_refusal, length_refusal, nul_refusal, size_refusal


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that accepts several files and cleans to a list (maybe empty)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        items = data if isinstance(data, list | tuple) else [data]
        return [f for f in (super(MultipleFileField, self).clean(d, initial) for d in items) if f]


class ImportForm(forms.Form):
    """Files and/or a pasted article.

    A file the importer cannot take (unknown type, too large) is not an error of the
    form: it is refused alone (``refusals``), and the other files are still imported.
    Empty files reach the importer, which names them in its report.
    """

    files = MultipleFileField(
        required=False,
        allow_empty_file=True,
        help_text="Plain-text layout (.txt), JSON (.json: one object or a list), JSON Lines "
        "(.jsonl) or HTML (.html). Each file at most "
        f"{filesizeformat(settings.NEWSROOM_MAX_FILE_BYTES)}; each is imported on its own.",
    )
    text = forms.CharField(
        label="Or paste an article",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="In the scraped layout: title line, dateline, captions, paragraphs.",
        # Django's CharField refuses NUL itself; it says so in the importer's words.
        error_messages={"null_characters_not_allowed": nul_refusal("\x00", "the text")},
    )
    title = forms.CharField(
        required=False,
        max_length=500,
        help_text="For pasted text only: when given, the pasted text is the body alone.",
    )
    source = forms.CharField(
        required=False,
        max_length=200,
        help_text="For pasted text and .txt files (JSON and HTML records name their own).",
    )
    url = forms.URLField(
        label="Or import a web page",
        required=False,
        max_length=2000,
        assume_scheme="https",
        help_text="The address of one article's page (http or https); it is fetched and "
        "imported in the background. Internal and private addresses are refused.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Per chosen file, in order: None when it goes to the importer, else why not.
        self.refusals: list[tuple[UploadedFile, str | None]] = []

    def clean_files(self) -> list[UploadedFile]:
        """The files to import; the others are kept in ``refusals`` with the reason."""
        files: list[UploadedFile] = self.cleaned_data["files"]
        self.refusals = [(upload, _refusal(upload)) for upload in files]
        return [upload for upload, reason in self.refusals if reason is None]

    def clean_text(self) -> str:
        text: str = self.cleaned_data["text"]  # NUL: refused by the field (nul_refusal's words)
        if (refusal := length_refusal(len(text), configured_limits())) is not None:
            raise forms.ValidationError(_sentence(refusal), code="too_long")
        return _decoded("The text", text)

    def clean_title(self) -> str:
        return _decoded("The title", self.cleaned_data["title"])

    def clean_source(self) -> str:
        return _decoded("The source", self.cleaned_data["source"])

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        if url:
            try:
                check_url(url)  # scheme, credentials, and an internal address by number
            except FetchError as error:
                raise forms.ValidationError(
                    "%(error)s.", code="url", params={"error": error}
                ) from None
        return url

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            not self.errors
            and not self.refusals
            and not data.get("text", "").strip()
            and not data.get("url")
        ):
            raise forms.ValidationError(
                "Choose at least one file or paste a text. Or give the URL of a web page.",
                code="empty",
            )
        return data


def _refusal(upload: UploadedFile) -> str | None:
    """Why the importer would not take this file, in plain words, or ``None``."""
    if upload.size is not None and (refusal := size_refusal(upload.size, configured_limits())):
        return refusal
    return extension_refusal(upload.name or "")


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:].rstrip(".") + "."


def _decoded(what: str, value: str) -> str:
    """Refuse U+FFFD: what Django puts in place of bytes that are not UTF-8.

    Django decodes form fields with ``errors="replace"``, so invalid bytes arrive as
    U+FFFD and cannot be told from a U+FFFD that was typed; either way the text was
    damaged before it got here. Files with such bytes are refused, and so is this.
    """
    if (offset := value.find("\ufffd")) >= 0:
        raise forms.ValidationError(
            "%(what)s holds U+FFFD replacement characters (the first at character "
            "%(offset)s): it was sent as bytes that are not valid UTF-8, or damaged by a wrong "
            "decoding before. Paste it again from the original, or upload it as a UTF-8 file.",
            code="encoding",
            params={"what": what, "offset": offset + 1},
        )
    return value
