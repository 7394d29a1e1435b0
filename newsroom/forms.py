"""Forms of the newsroom app: the import upload."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

from newsroom.readers import FORMATS, format_for


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
    files = MultipleFileField(
        required=False,
        help_text="Plain-text layout (.txt), JSON (.json: one object or a list), JSON Lines "
        "(.jsonl) or HTML (.html). Each file at most "
        f"{filesizeformat(settings.NEWSROOM_MAX_FILE_BYTES)}.",
    )
    text = forms.CharField(
        label="Or paste an article",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="In the scraped layout: title line, dateline, captions, paragraphs.",
    )
    title = forms.CharField(
        required=False,
        max_length=500,
        help_text="For pasted text only: when given, the pasted text is the body alone.",
    )
    source = forms.CharField(required=False, max_length=200, help_text="For pasted text only.")

    def clean_files(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data["files"]
        limit = settings.NEWSROOM_MAX_FILE_BYTES
        for upload in files:
            if upload.size is not None and upload.size > limit:
                raise forms.ValidationError(
                    "%(name)s is larger than %(limit)s.",
                    code="too_large",
                    params={"name": upload.name, "limit": filesizeformat(limit)},
                )
            if format_for(upload.name or "") is None:
                raise forms.ValidationError(
                    "%(name)s: unknown file type; use one of %(extensions)s.",
                    code="format",
                    params={"name": upload.name, "extensions": ", ".join(sorted(FORMATS))},
                )
        return files

    def clean_text(self) -> str:
        text: str = self.cleaned_data["text"]  # NUL characters: refused by CharField itself
        if len(text) > settings.NEWSROOM_MAX_ARTICLE_CHARS:
            raise forms.ValidationError(
                "The text is longer than %(limit)s characters.",
                code="too_long",
                params={"limit": settings.NEWSROOM_MAX_ARTICLE_CHARS},
            )
        return _decoded("The text", text)

    def clean_title(self) -> str:
        return _decoded("The title", self.cleaned_data["title"])

    def clean_source(self) -> str:
        return _decoded("The source", self.cleaned_data["source"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors and not data.get("files") and not data.get("text", "").strip():
            raise forms.ValidationError("Choose at least one file or paste a text.", code="empty")
        return data


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
