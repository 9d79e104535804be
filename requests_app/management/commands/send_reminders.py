"""Run the alert sweep and send what is owed, in this process; safe to run again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from requests_app.alerts import delivery
from requests_app.alerts.sweep import sweep


def parse_day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date must be YYYY-MM-DD, not {value!r}") from None


class Command(BaseCommand):
    help = (
        "Work out which deadline alerts are owed as of a day (default: today) and send "
        "them now. Running it twice sends nothing new."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=parse_day, help="the day to sweep as (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["date"] or timezone.localdate()
        result = sweep(today=today)
        sent = delivery.deliver_due()
        digests = delivery.send_digests()
        self.stdout.write(
            f"Alerts as of {today.isoformat()}: {result.created} new, "
            f"{result.cancelled} cancelled, {result.recovered} recovered after a crash."
        )
        self.stdout.write(
            f"Emails: {sent[delivery.Outcome.SENT]} alerts sent, "
            f"{digests[delivery.Outcome.SENT]} digests sent, "
            f"{sent[delivery.Outcome.RETRY] + digests[delivery.Outcome.RETRY]} to retry, "
            f"{sent[delivery.Outcome.FAILED] + digests[delivery.Outcome.FAILED]} failed."
        )
        self.stdout.write(f"Chasers: {result.chasers} sent for requests that opted in.")
