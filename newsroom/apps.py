from django.apps import AppConfig
from django.core import checks

from newsroom.checks import check_allowed_hosts


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Articles"

    def ready(self) -> None:
        checks.register(check_allowed_hosts, checks.Tags.security, deploy=True)
