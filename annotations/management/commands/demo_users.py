"""Make sure one demo user per role exists, and print their names and passwords."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from annotations.roles import ADMINISTRATOR, EDITOR, FACT_CHECKER, STAFF_ROLES, VIEWER

DEMO_USERS = [
    ("viewer", VIEWER),
    ("checker", FACT_CHECKER),
    ("editor", EDITOR),
    ("admin", ADMINISTRATOR),
]


def demo_password(username: str) -> str:
    return f"{username}-demo-pass"


class Command(BaseCommand):
    help = "Create (or reset) one demo user per role and print the logins. Never use in production."

    def handle(self, *args: Any, **options: Any) -> None:
        user_model = get_user_model()
        self.stdout.write("Demo logins (username / password / role):")
        for username, role in DEMO_USERS:
            user, _ = user_model.objects.get_or_create(username=username)
            user.set_password(demo_password(username))
            user.is_staff = role in STAFF_ROLES
            user.is_superuser = role == ADMINISTRATOR
            user.save()
            user.groups.set([Group.objects.get(name=role)])
            self.stdout.write(f"  {username:8} {demo_password(username):18} {role}")
