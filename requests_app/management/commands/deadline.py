"""`deadline REGIME RECEIVED [--stage response|extended|review] [--json]`."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser

from requests_app.deadlines.clock import due_for_stage
from requests_app.deadlines.regimes import REGIMES
from requests_app.models import NonWorkingDay

STAGES = ("response", "extended", "review")


class Command(BaseCommand):
    help = "Print the statutory due date for a request received on a date, with the reasoning."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("regime", help=f"one of {', '.join(REGIMES)}")
        parser.add_argument("received", help="the date the body received it, YYYY-MM-DD")
        parser.add_argument("--stage", default="response", help=", ".join(STAGES))
        parser.add_argument("--nation", default=None, help="the body's nation (uk-sar)")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        regime, stage = options["regime"], options["stage"]
        if regime not in REGIMES:
            self._fail(f"unknown regime {regime!r}; choose one of {', '.join(REGIMES)}")
        if stage not in STAGES:
            self._fail(f"unknown stage {stage!r}; choose one of {', '.join(STAGES)}")
        try:
            received = dt.date.fromisoformat(options["received"])
        except ValueError:
            self._fail(f"not a date: {options['received']!r} (expected YYYY-MM-DD)")
        deadline = due_for_stage(
            regime, received, stage, nation=options["nation"], extra=NonWorkingDay.engine_days()
        )
        if options["json"]:
            payload = {
                "regime": regime,
                "stage": stage,
                "received": received.isoformat(),
                "due": deadline.due.isoformat(),
                "explanation": deadline.explanation.as_dict(),
            }
            self.stdout.write(json.dumps(payload, indent=2))
        else:
            self.stdout.write(f"{deadline.due:%a %d %b %Y}")
            self.stdout.write(deadline.explanation.summary)

    def _fail(self, message: str) -> NoReturn:
        self.stderr.write(f"deadline: {message}")
        sys.exit(2)
