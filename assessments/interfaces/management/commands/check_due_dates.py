"""Reminders for measures due within 14 days or overdue, and re-assessments due (daily)."""

import datetime

from django.core.management.base import BaseCommand, CommandParser

from assessments.domain import followup


class Command(BaseCommand):
    help = "Tell owners about measures due soon or overdue and re-assessments due (once each)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today", type=datetime.date.fromisoformat, help="check as if it were this date"
        )

    def handle(self, *args, **options) -> None:
        report = followup.check_due_dates(options.get("today"))
        self.stdout.write(f"measures: {report.measures}, re-assessments: {report.reassessments}")
