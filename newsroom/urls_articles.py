from django.urls import path

from newsroom import views
from newsroom.jobs import views as job_views

app_name = "newsroom"

urlpatterns: list = [
    path("import/", views.import_articles, name="import"),
    path("jobs/<int:pk>/", job_views.job_detail, name="job"),
    path("jobs/<int:pk>/cancel/", job_views.job_cancel, name="job-cancel"),
    path("jobs/<int:pk>/file/", job_views.job_output, name="job-output"),
]
