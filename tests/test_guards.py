"""The suite-wide guard sees mail to an invented address, in the outbox and over SMTP."""

from __future__ import annotations

import pytest
from django.core.mail import EmailMessage, get_connection

from tests.alerts.conftest import SmtpServer, free_port
from tests.guards import invented_in, invented_in_outbox, recording_smtp_recipients


def test_the_outbox_check_finds_an_invented_address_among_all_recipients() -> None:
    fine = EmailMessage("Overdue", "…", to=["alice@example.org"])
    invented = EmailMessage("Overdue", "…", to=["alice@example.org"], cc=["Admin@Localhost"])
    assert invented_in_outbox([fine]) == []
    assert invented_in_outbox([fine, invented]) == ["Admin@Localhost"]


@pytest.mark.mails_invented_address
def test_mail_sent_through_a_real_smtp_server_is_seen() -> None:
    server = SmtpServer("127.0.0.1", free_port())
    server.start()
    try:
        connection = get_connection(
            "django.core.mail.backends.smtp.EmailBackend", host=server.host, port=server.port
        )
        with recording_smtp_recipients() as recipients:
            EmailMessage("Test", "…", to=["admin@localhost"], connection=connection).send()
    finally:
        server.stop()
    assert invented_in(recipients) == ["admin@localhost"]
    assert server.received[0].rcpt_tos == ["admin@localhost"]
