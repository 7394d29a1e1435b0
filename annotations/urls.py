from django.urls import path

from annotations.views import articles, dashboard, exports, flags, revisions

app_name = "annotations"

urlpatterns: list = [
    path("", dashboard.article_list, name="article-list"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("articles/<int:pk>/", articles.article_detail, name="article-detail"),
    path("sentences/<int:pk>/panel/", articles.sentence_panel, name="sentence-panel"),
    path("sentences/<int:pk>/status/", articles.sentence_status, name="sentence-status"),
    path("sentences/<int:pk>/assign/", articles.sentence_assign, name="sentence-assign"),
    path("sentences/<int:pk>/verdict/", articles.sentence_verdict, name="sentence-verdict"),
    path("sentences/<int:pk>/undo/", articles.sentence_undo, name="sentence-undo"),
    path("sentences/<int:pk>/claims/", articles.claim_add, name="claim-add"),
    path("claims/<int:pk>/edit/", articles.claim_edit, name="claim-edit"),
    path("claims/<int:pk>/delete/", articles.claim_delete, name="claim-delete"),
    path("sentences/<int:pk>/evidence/", articles.evidence_add, name="evidence-add"),
    path("evidence/<int:pk>/edit/", articles.evidence_edit, name="evidence-edit"),
    path("evidence/<int:pk>/delete/", articles.evidence_delete, name="evidence-delete"),
    path("articles/<int:pk>/review/", dashboard.article_review, name="article-review"),
    path("articles/<int:pk>/revisions/", revisions.article_revisions, name="article-revisions"),
    path("orphans/<int:pk>/place/", revisions.orphan_place, name="orphan-place"),
    path("orphans/<int:pk>/discard/", revisions.orphan_discard, name="orphan-discard"),
    path("flags/<int:pk>/decide/", flags.flag_decide, name="flag-decide"),
    path("flags/<int:pk>/undo/", flags.flag_undo, name="flag-undo"),
    path("articles/<int:pk>/flags/decide/", flags.flag_decide_kind, name="flag-decide-kind"),
    path("articles/<int:pk>/flags/add/", flags.flag_add, name="flag-add"),
    path("articles/<int:pk>/clean/", flags.article_clean, name="article-clean"),
    path("articles/<int:pk>/clean.txt", flags.article_clean_txt, name="article-clean-txt"),
    path(
        "articles/<int:pk>/claimreview.json",
        exports.article_claimreview_json,
        name="article-claimreview-json",
    ),
    path("articles/<int:pk>/claimreview/", exports.article_claimreview, name="article-claimreview"),
    path(
        "articles/<int:pk>/annotations.jsonld",
        exports.article_annotations,
        name="article-annotations",
    ),
    path("articles/<int:pk>/export.json", exports.article_export, name="article-export"),
    path("export/sentences.csv", exports.sentences_csv, name="sentences-csv"),
]
