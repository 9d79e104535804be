"""`deadline REGIME RECEIVED [--stage response|extended|review] [--nation N]
[--subdivision S] [--json]`."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from requests_app.deadlines.clock import STAGES, StageDeadline, due_for_stage
from requests_app.deadlines.errors import DeadlineInputError
from requests_app.deadlines.regimes import REGIMES, get_regime
from requests_app.models import NonWorkingDay

# Bad input exits with status 2, as argparse does for a bad option.
BAD_INPUT = 2


class Command(BaseCommand):
    help = "Print the statutory due date for a request received on a date, with the reasoning."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("regime", help=f"one of {', '.join(REGIMES)}")
        parser.add_argument("received", help="the date the body received it, YYYY-MM-DD")
        parser.add_argument("--stage", default="response", help=", ".join(STAGES))
        parser.add_argument("--nation", default=None, help="the body's nation (uk-sar)")
        parser.add_argument(
            "--subdivision",
            default=None,
            help="the body's state or territory (au-foi: NSW, VIC ...) or province (ca-ati)",
        )
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        regime, stage = options["regime"], options["stage"]
        received = _date(options["received"])
        try:
            _check_subdivision(regime, options["subdivision"])
            deadline = due_for_stage(
                regime,
                received,
                stage,
                nation=options["nation"],
                subdivision=options["subdivision"],
                extra=NonWorkingDay.engine_days(),
            )
        except DeadlineInputError as error:
            raise CommandError(str(error), returncode=BAD_INPUT) from None
        if options["json"]:
            self.stdout.write(json.dumps(_payload(regime, stage, received, deadline), indent=2))
        elif deadline.due is None:
            self.stdout.write("Set by the body")
            self.stdout.write(deadline.explanation.summary)
        else:
            self.stdout.write(f"{deadline.due:%a %d %b %Y}")
            self.stdout.write(deadline.explanation.summary)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"not a date: {text!r} (expected YYYY-MM-DD)", returncode=BAD_INPUT
        ) from None


def _check_subdivision(regime: str, subdivision: str | None) -> None:
    """A place given to a regime that never looks at one is a mistake worth saying."""
    if subdivision and not get_regime(regime).calendar_rule.subdivisions:
        raise DeadlineInputError(
            f"{regime} does not look at a state, territory or province; leave out --subdivision"
        )


def _payload(
    regime: str, stage: str, received: dt.date, deadline: StageDeadline
) -> dict[str, object]:
    # "due" is null where the statute leaves the date to the body; the explanation quotes
    # the statute's words.
    return {
        "regime": regime,
        "stage": stage,
        "received": received.isoformat(),
        "due": deadline.due.isoformat() if deadline.due else None,
        "explanation": deadline.explanation.as_dict(),
    }
