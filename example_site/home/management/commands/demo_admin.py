"""``manage.py demo_admin``: make sure the demo's admin account exists, and print its password.

For the local demo only. The password is generated once and kept in
``example_site/.demo-admin-password`` (ignored by git), so every run prints the
same one. Never use this account, or this command, on a public server.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

USERNAME = "demo-admin"
PASSWORD_FILE = Path(__file__).resolve().parents[3] / ".demo-admin-password"


def demo_password(path: Path = PASSWORD_FILE) -> str:
    """The stored demo password, generated (readable by the owner only) on first use."""
    if path.exists():
        password = path.read_text(encoding="utf-8").strip()
        if password:
            return password
    password = secrets.token_urlsafe(12)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(password + "\n")
    return password


class Command(BaseCommand):
    help = "Create or refresh the demo's superuser 'demo-admin' (local demo only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("demo_admin is for the local demo only (DEBUG is off).")
        password = demo_password()
        user, created = get_user_model().objects.get_or_create(
            username=USERNAME, defaults={"is_staff": True, "is_superuser": True}
        )
        if created or not user.check_password(password):
            user.set_password(password)
            user.is_staff = user.is_superuser = user.is_active = True
            user.save()
        self.stdout.write(
            f"Demo admin (local demo only): user {USERNAME}, password {password}\n"
            f"  stored in {PASSWORD_FILE}; delete that file to get a new one."
        )
