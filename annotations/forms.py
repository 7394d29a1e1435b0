"""Forms of the article page's side panel. Each write form carries the version the user saw
(a hidden field) so that the service can refuse a stale change."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from annotations import flagging
from annotations.models import ArticleReview, Claim, Evidence, FactCheck, artifact_kind_choices
from newsroom.models import Article


class VersionMixin(forms.Form):
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class StatusForm(VersionMixin):
    status = forms.ChoiceField(choices=FactCheck.Status.choices)


def assignable_users() -> QuerySet:
    """Users who may work on fact checks (fact-checkers, editors, administrators)."""
    return (
        get_user_model()
        .objects.filter(
            Q(groups__permissions__codename="change_factcheck") | Q(is_superuser=True),
            is_active=True,
        )
        .distinct()
        .order_by("username")
    )


class AssignForm(VersionMixin):
    assignee = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), required=False, empty_label="Nobody"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable_users()


class VerdictForm(VersionMixin):
    verdict = forms.CharField(
        label="Verdict summary",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ClaimForm(forms.ModelForm):
    """A new claim. ``start``/``end`` are code-point offsets into the article's raw text
    (empty: the whole sentence); the service checks they lie inside the sentence."""

    start = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)
    end = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)

    class Meta:
        model = Claim
        fields = ["claimant", "claim_type", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"claimant": "Who made the claim."}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (data.get("start") is None) != (data.get("end") is None):
            raise forms.ValidationError("Give both ends of the span or neither.", code="span")
        return data


class ClaimEditForm(VersionMixin, forms.ModelForm):
    class Meta:
        model = Claim
        fields = ["claimant", "claim_type", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}


class EvidenceForm(forms.ModelForm):
    """An evidence link; the model's validator accepts only http and https URLs."""

    class Meta:
        model = Evidence
        fields = ["url", "title", "stance", "note"]
        labels = {"url": "URL"}
        widgets = {
            "url": forms.URLInput(attrs={"placeholder": "https://…"}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }


class EvidenceEditForm(VersionMixin, forms.ModelForm):
    """A change to an existing evidence link, with the version the user saw."""

    class Meta:
        model = Evidence
        fields = ["url", "title", "stance", "note"]
        labels = {"url": "URL"}
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}


class ArticleFilterForm(forms.Form):
    # Bounded: a LIKE pattern of 50,000+ characters is a 500 on SQLite ("pattern too complex").
    q = forms.CharField(required=False, label="Search", max_length=2000)
    state = forms.ChoiceField(
        required=False, choices=[("", "Any state"), *ArticleReview.State.choices]
    )
    false = forms.BooleanField(required=False, label="Has false/misleading")
    unchecked = forms.BooleanField(required=False, label="Unchecked remaining")
    mine = forms.BooleanField(required=False, label="Assigned to me")


# Artifact flags (views/flags.py).
DECISION_CHOICES = [(s.value, s.label) for s in flagging.DECISIONS]


class DecideForm(forms.Form):
    state = forms.ChoiceField(choices=DECISION_CHOICES)


class DecideKindForm(DecideForm):
    kind = forms.ChoiceField(choices=artifact_kind_choices)
    # Only the suggestions the detector is confident of (NEWSROOM_CONFIDENT_FLAG).
    confident_only = forms.BooleanField(required=False)


class AddFlagForm(forms.Form):
    """A span by code-point offsets (the page's selection), or by its exact text (no JS)."""

    start = forms.IntegerField(min_value=0, required=False)
    end = forms.IntegerField(min_value=1, required=False)
    quote = forms.CharField(required=False, strip=False, max_length=20_000)
    kind = forms.ChoiceField(choices=artifact_kind_choices)

    def __init__(self, *args, article: Article, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.article = article

    def clean(self) -> dict:
        data = super().clean()
        start, end, quote = data.get("start"), data.get("end"), data.get("quote")
        if start is not None and end is not None:
            return data
        if not quote or not quote.strip():
            raise ValidationError("Give the start and end offsets, or the text to flag.")
        text = self.article.raw_text
        count = text.count(quote)
        if count != 1:
            raise ValidationError(
                "That text appears %(count)d times in the article; select it on the page.",
                params={"count": count},
                code="ambiguous_quote" if count else "quote_not_found",
            )
        data["start"] = text.index(quote)
        data["end"] = data["start"] + len(quote)
        return data


# Orphans of a revision (views/revisions.py).
class OrphanPlaceForm(forms.Form):
    sentence = forms.IntegerField(
        required=False, min_value=1, max_value=10**9, label="Sentence number"
    )
    text = forms.CharField(
        required=False,
        max_length=5000,
        strip=False,
        label="Exact text",
        help_text="For a claim: the part of the sentence it quotes (else the whole "
        "sentence). For a flag: the text to flag.",
    )
