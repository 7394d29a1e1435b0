from django.apps import AppConfig


class AnnotationsConfig(AppConfig):
    name = "annotations"
    verbose_name = "Editorial work"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  connects newsroom's articles_imported and article_revised
