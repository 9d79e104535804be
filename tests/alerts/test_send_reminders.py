"""`send_reminders`: the same sweep and delivery from the command line, safe to repeat."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from requests_app.models import Alert, AlertStatus, FoiRequest
from tests.alerts.conftest import DUE_ON, on_day


def send_reminders(*args: str) -> str:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_running_it_twice_sends_one_email(iapt_request: FoiRequest) -> None:
    with on_day(DUE_ON):
        first = send_reminders()
        second = send_reminders()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Due today: NAO — IAPT performance data, due today, Mon 2 Feb"
    assert "1 new" in first and "1 alerts sent" in first
    assert "0 new" in second and "0 alerts sent" in second


def test_date_sweeps_as_of_another_day(iapt_request: FoiRequest) -> None:
    with on_day(dt.date(2026, 1, 10)):
        output = send_reminders("--date", "2026-02-03")
    assert "as of 2026-02-03: 1 new" in output
    assert Alert.objects.get().kind == "overdue"


def test_a_bad_date_is_refused_clearly(db: None) -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date", "31/12/2025")


def test_the_embedded_default_writes_alerts_into_the_mail_folder(
    iapt_request: FoiRequest,
    settings,
    tmp_path: Path,
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "var" / "mail"
    with on_day(DUE_ON):
        send_reminders()
        send_reminders()
    [written] = list((tmp_path / "var" / "mail").iterdir())
    content = written.read_text()
    assert "To: alice@example.org" in content
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in content


def test_the_demo_sends_its_due_soon_due_today_and_overdue_alerts_once(db: None) -> None:
    call_command("ensure_first_user", email="organiser@campaign.example", stdout=StringIO())
    with on_day(dt.date(2026, 1, 14), hour=10):  # a Wednesday
        call_command("seed_demo", stdout=StringIO())
        send_reminders()
        send_reminders()
    kinds = sorted(Alert.objects.values_list("kind", flat=True))
    assert kinds == ["due_soon", "due_today", "overdue"]
    assert set(Alert.objects.values_list("status", flat=True)) == {AlertStatus.SENT}
    assert len(mail.outbox) == 3
    assert sorted(message.subject.split(":")[0] for message in mail.outbox) == [
        "Due soon",
        "Due today",
        "Overdue",
    ]
