from django.urls import path

from annotations.views import dashboard, flags

app_name = "annotations"

urlpatterns: list = [
    path("", dashboard.article_list, name="article-list"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("articles/<int:pk>/review/", dashboard.article_review, name="article-review"),
    path("flags/<int:pk>/decide/", flags.flag_decide, name="flag-decide"),
    path("flags/<int:pk>/undo/", flags.flag_undo, name="flag-undo"),
    path("articles/<int:pk>/flags/decide/", flags.flag_decide_kind, name="flag-decide-kind"),
    path("articles/<int:pk>/flags/add/", flags.flag_add, name="flag-add"),
    path("articles/<int:pk>/clean/", flags.article_clean, name="article-clean"),
    path("articles/<int:pk>/clean.txt", flags.article_clean_txt, name="article-clean-txt"),
]
