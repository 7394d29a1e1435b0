"""The four editorial roles, as Django groups with model permissions.

The data migration ``0002_roles`` creates them; ``sync_roles`` is also what tests and the
``demo_users`` command rely on, so the matrix below is the single source of truth.
"""

from __future__ import annotations

from typing import Any

VIEWER = "viewer"
FACT_CHECKER = "fact-checker"
EDITOR = "editor"
ADMINISTRATOR = "administrator"

_VIEW = [
    "newsroom.view_source",
    "newsroom.view_article",
    "newsroom.view_block",
    "newsroom.view_sentence",
    "annotations.view_artifactflag",
    "annotations.view_factcheck",
    "annotations.view_claim",
    "annotations.view_evidence",
    "annotations.view_articlereview",
    "newsroom.view_articlerevision",
    "annotations.view_reanchor",
]
_CHECK = [
    "annotations.add_factcheck",
    "annotations.change_factcheck",
    "annotations.add_claim",
    "annotations.change_claim",
    "annotations.delete_claim",
    "annotations.add_evidence",
    "annotations.change_evidence",
    "annotations.delete_evidence",
    "annotations.add_articlereview",
    "annotations.change_articlereview",
]
_EDIT = [
    "newsroom.add_source",
    "newsroom.change_source",
    "newsroom.add_article",
    "newsroom.change_article",
    "annotations.add_artifactflag",
    "annotations.change_artifactflag",
    "annotations.approve_article",
    "annotations.override_review_guard",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    VIEWER: _VIEW,
    FACT_CHECKER: _VIEW + _CHECK,
    EDITOR: _VIEW + _CHECK + _EDIT,
    ADMINISTRATOR: ["*"],
}
# Roles whose members may use the Django admin (is_staff).
STAFF_ROLES = {EDITOR, ADMINISTRATOR}


def sync_roles(apps: Any) -> None:
    """Create or update the role groups; ``apps`` is a migration's or the live registry."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        if names == ["*"]:
            permissions = permission_model.objects.filter(
                content_type__app_label__in=["newsroom", "annotations", "auth"]
            )
        else:
            permissions = []
            for name in names:
                app_label, codename = name.split(".")
                # A permission of a model a later migration creates does not exist yet when
                # an earlier migration syncs; that later migration syncs again.
                permissions.extend(
                    permission_model.objects.filter(
                        content_type__app_label=app_label, codename=codename
                    )
                )
        group.permissions.set(permissions)
