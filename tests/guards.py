"""A suite-wide guard: nothing the app sends may go to an address it invented.

Alerts and letters go to the confirmed address on an account; an account without one has
its alerts held. An email to `admin@localhost` would mean an address was made up
somewhere, and the mail went nowhere.
"""

from __future__ import annotations

import smtplib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.mail import EmailMessage

INVENTED_ADDRESSES = frozenset({"admin@localhost", "demo@localhost"})


def invented_in(addresses: Iterable[str]) -> list[str]:
    return sorted(
        {address for address in addresses if address.strip().lower() in INVENTED_ADDRESSES}
    )


def invented_in_outbox(outbox: Iterable[EmailMessage]) -> list[str]:
    return invented_in(address for message in outbox for address in message.recipients())


@contextmanager
def recording_smtp_recipients() -> Iterator[list[str]]:
    """Every envelope recipient given to smtplib while inside, whoever the server is."""
    recipients: list[str] = []
    original = smtplib.SMTP.sendmail

    def sendmail(
        self: smtplib.SMTP, from_addr: str, to_addrs: Any, *args: Any, **kwargs: Any
    ) -> Any:
        recipients.extend([to_addrs] if isinstance(to_addrs, str) else list(to_addrs))
        return original(self, from_addr, to_addrs, *args, **kwargs)

    smtplib.SMTP.sendmail = sendmail  # type: ignore[method-assign]
    try:
        yield recipients
    finally:
        smtplib.SMTP.sendmail = original  # type: ignore[method-assign]
