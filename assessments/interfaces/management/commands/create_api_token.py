"""Make a personal API token for a user and print its secret (shown only this once).

manage.py create_api_token demo --scope write --name e2e --days 1
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from assessments.domain import tokens
from assessments.domain.models import TokenScope


class Command(BaseCommand):
    help = "Create a personal API token for a user and print it (it is shown only once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="command line")
        parser.add_argument("--scope", choices=TokenScope.values, default=TokenScope.READ)
        parser.add_argument("--days", type=int, default=None, help="Expires after this many days.")

    def handle(self, *args, username: str, name: str, scope: str, days: int | None, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        expires = timezone.now() + datetime.timedelta(days=days) if days else None
        _token, secret = tokens.issue(user, name=name, scope=scope, expires_at=expires)
        self.stdout.write(secret)
