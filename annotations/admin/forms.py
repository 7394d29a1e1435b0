"""Change forms that write through ``annotations.services`` (never ``instance.save()``)."""

from __future__ import annotations

from typing import Any

from django import forms
from simple_history.admin import SimpleHistoryAdmin

from annotations import services
from annotations.models import (
    Claim,
    Evidence,
    FactCheck,
)
from newsroom.admin_input import SafeInputAdmin


class ServiceWriteForm(forms.ModelForm):
    """An admin change form that writes through ``annotations.services``, never by saving
    the instance: it carries the version the user saw (``seen_version``), and its
    ``clean`` runs the service's write as a dry run, so that a conflict (someone changed
    the same field meanwhile) or an approved article is a form error before anything is
    saved. ``save_model`` then makes the same call for real. The admin sets ``user``."""

    seen_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    user: Any = None
    write: Any = None  # the service function

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["seen_version"].initial = self.instance.version

    def write_arguments(self) -> dict[str, Any]:
        raise NotImplementedError

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors or data.get("seen_version") is None:
            return data
        try:
            stale = services.dry_run(type(self).write, **self.write_arguments())
        except (services.ArticleApproved, services.NotYours) as error:
            raise forms.ValidationError(str(error), code="refused") from error
        if stale is not None:
            raise forms.ValidationError(self.stale_message(stale), code="stale")
        return data

    def stale_message(self, stale: services.StaleVersion) -> str:
        if not stale.fields:
            return "Not saved: this was changed or deleted since you opened this page. Reload it."
        current = stale.current
        values = "; ".join(
            f"{name.removesuffix('_id').replace('_', ' ')} is now "
            f"“{getattr(current, name.removesuffix('_id'), '') or '—'}”"
            for name in stale.fields
        )
        return (
            f"Not saved: someone changed the same field{'s' if len(stale.fields) > 1 else ''} "
            f"since you opened this page ({values}). Reload the page to see their change."
        )


class FactCheckAdminForm(ServiceWriteForm):
    write = staticmethod(services.update_fact_check)

    class Meta:
        model = FactCheck
        fields = ("status", "assignee", "verdict", "note")

    def write_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "sentence": self.instance.sentence,
            "user": self.user,
            "expected_version": data["seen_version"],
            "status": data["status"],
            "assignee": data["assignee"],
            "verdict": data["verdict"],
            "note": data["note"],
        }


class ClaimAdminForm(ServiceWriteForm):
    write = staticmethod(services.edit_claim)

    class Meta:
        model = Claim
        fields = ("claimant", "claim_type", "note")

    def write_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "claim": self.instance,
            "user": self.user,
            "expected_version": data["seen_version"],
            "claimant": data["claimant"],
            "claim_type": data["claim_type"],
            "note": data["note"],
        }


class EvidenceAdminForm(ServiceWriteForm):
    write = staticmethod(services.edit_evidence)

    class Meta:
        model = Evidence
        fields = ("url", "title", "stance", "note")

    def write_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "evidence": self.instance,
            "user": self.user,
            "expected_version": data["seen_version"],
            "url": data["url"],
            "title": data["title"],
            "stance": data["stance"],
            "note": data["note"],
        }


class ServiceWriteAdmin(SafeInputAdmin, SimpleHistoryAdmin):
    """Change and delete through the services (see ``ServiceWriteForm``)."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        return form

    def save_model(self, request, obj, form, change):
        type(form).write(**form.write_arguments())

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
