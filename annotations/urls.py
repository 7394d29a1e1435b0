from django.urls import path

from annotations.views import dashboard

app_name = "annotations"

urlpatterns: list = [
    path("", dashboard.article_list, name="article-list"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("articles/<int:pk>/review/", dashboard.article_review, name="article-review"),
]
