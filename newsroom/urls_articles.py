from django.urls import path

from newsroom import views

app_name = "newsroom"

urlpatterns: list = [
    path("import/", views.import_articles, name="import"),
]
