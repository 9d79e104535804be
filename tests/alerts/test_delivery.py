"""Delivery: claim, send through a real SMTP server, record; retries and digests."""

from __future__ import annotations

import datetime as dt

from django.core import mail

from requests_app.alerts import delivery
from requests_app.alerts.delivery import MAX_ATTEMPTS, Outcome
from requests_app.alerts.sweep import sweep
from requests_app.models import Alert, AlertDelivery, AlertStatus, FoiRequest
from tests.alerts.conftest import DUE_ON, SmtpServer, on_day
from tests.alerts.factories import make_profile

OVERDUE_DAY = DUE_ON + dt.timedelta(days=1)


def swept_alert(day: dt.date = OVERDUE_DAY) -> Alert:
    with on_day(day):
        sweep(today=day)
    return Alert.objects.get()


def test_an_alert_arrives_at_a_real_smtp_server_with_both_parts_and_headers(
    iapt_request: FoiRequest, smtp_server: SmtpServer
) -> None:
    alert = swept_alert()
    with on_day(OVERDUE_DAY, hour=10):
        assert delivery.deliver(alert_id=alert.pk) == Outcome.SENT
    [received] = smtp_server.received
    assert received.rcpt_tos == ["alice@example.org"]
    message = received.message
    assert message["Subject"].strip() == "Overdue: NAO — IAPT performance data, due Mon 2 Feb"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert (
        message["List-Unsubscribe"].strip().startswith("<http://127.0.0.1:8000/alerts/unsubscribe/")
    )
    assert message["Auto-Submitted"] == "auto-generated"
    types = [part.get_content_type() for part in message.walk() if not part.is_multipart()]
    assert types == ["text/plain", "text/html"]
    alert.refresh_from_db()
    assert alert.status == AlertStatus.SENT
    assert alert.sent_at is not None


def test_delivering_twice_sends_one_email(iapt_request: FoiRequest) -> None:
    alert = swept_alert()
    assert delivery.deliver(alert_id=alert.pk) == Outcome.SENT
    assert delivery.deliver(alert_id=alert.pk) == Outcome.SKIPPED
    assert delivery.deliver_due() == {}
    assert len(mail.outbox) == 1


def test_an_alert_claimed_by_another_sender_is_left_to_it(iapt_request: FoiRequest) -> None:
    alert = swept_alert()
    assert alert.claim()
    assert delivery.deliver(alert_id=alert.pk) == Outcome.SKIPPED
    assert mail.outbox == []


def test_with_the_smtp_server_down_alerts_wait_and_go_when_it_is_back(
    iapt_request: FoiRequest, smtp_server: SmtpServer
) -> None:
    alert = swept_alert()
    smtp_server.stop()
    with on_day(OVERDUE_DAY, hour=10):
        assert delivery.deliver_due() == {Outcome.RETRY: 1}
    alert.refresh_from_db()
    assert alert.status == AlertStatus.PENDING
    assert alert.attempts == 1
    assert alert.next_attempt_at is not None
    assert "Connection refused" in alert.last_error or "Errno" in alert.last_error
    smtp_server.start()
    with on_day(OVERDUE_DAY, hour=10):  # the back-off has not passed yet
        assert delivery.deliver_due() == {}
    with on_day(OVERDUE_DAY, hour=11):
        assert delivery.deliver_due() == {Outcome.SENT: 1}
        assert delivery.deliver_due() == {}
    assert len(smtp_server.received) == 1
    alert.refresh_from_db()
    assert (alert.status, alert.attempts) == (AlertStatus.SENT, 2)


def test_it_gives_up_after_the_last_attempt(
    iapt_request: FoiRequest, smtp_server: SmtpServer
) -> None:
    alert = swept_alert()
    smtp_server.stop()
    Alert.objects.filter(pk=alert.pk).update(attempts=MAX_ATTEMPTS - 1)
    assert delivery.deliver(alert_id=alert.pk) == Outcome.FAILED
    alert.refresh_from_db()
    assert alert.status == AlertStatus.FAILED


def test_the_back_off_grows_and_is_capped() -> None:
    delays = [delivery.retry_delay(attempt) for attempt in (1, 2, 3, 10)]
    assert delays == [
        dt.timedelta(minutes=1),
        dt.timedelta(minutes=2),
        dt.timedelta(minutes=4),
        dt.timedelta(hours=1),
    ]


def test_an_alert_muted_after_it_was_owed_is_cancelled_not_sent(
    iapt_request: FoiRequest,
) -> None:
    alert = swept_alert()
    make_profile(user=iapt_request.owner, muted_alert_kinds=["overdue"])
    assert delivery.deliver(alert_id=alert.pk) == Outcome.CANCELLED
    assert mail.outbox == []


def test_an_alert_to_a_user_without_an_address_is_held_until_they_confirm_one(
    iapt_request: FoiRequest, django_capture_on_commit_callbacks
) -> None:
    owner = iapt_request.owner
    owner.email = ""
    owner.save()
    alert = swept_alert()
    assert delivery.deliver(alert_id=alert.pk) == Outcome.HELD
    assert delivery.deliver_due() == {}
    alert.refresh_from_db()
    assert (alert.status, alert.last_error) == (AlertStatus.PENDING, delivery.HELD_NO_ADDRESS)
    profile = make_profile(user=owner)
    profile.request_email_change("alice@campaign.example")
    assert profile.confirm_email("alice@campaign.example")
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery.release_held(user_id=owner.pk) == 1
    alert.refresh_from_db()
    assert alert.status == AlertStatus.SENT
    [email] = mail.outbox
    assert email.to == ["alice@campaign.example"]


def test_a_digest_user_without_an_address_has_the_digest_held(
    iapt_request: FoiRequest,
) -> None:
    owner = iapt_request.owner
    owner.email = ""
    owner.save()
    make_profile(user=owner, alert_delivery=AlertDelivery.DIGEST, digest_hour=8)
    alert = swept_alert()
    now = dt.datetime(2026, 2, 3, 9, tzinfo=dt.UTC)
    assert delivery.send_digest(user_id=owner.pk, now=now) == Outcome.HELD
    alert.refresh_from_db()
    assert (alert.status, alert.last_error) == (AlertStatus.PENDING, delivery.HELD_NO_ADDRESS)
    assert mail.outbox == []


def test_digest_users_get_one_email_a_day_at_their_hour(
    make_request: object, iapt_request: FoiRequest
) -> None:
    make_request(on=dt.date(2026, 1, 6), title="IAPT waiting times")  # type: ignore[operator]
    make_profile(user=iapt_request.owner, alert_delivery=AlertDelivery.DIGEST, digest_hour=8)
    with on_day(DUE_ON, hour=6):
        sweep(today=DUE_ON)
        assert delivery.deliver_due() == {}
        assert delivery.send_digests() == {}
    with on_day(DUE_ON, hour=8):
        assert delivery.send_digests() == {Outcome.SENT: 1}
    with on_day(DUE_ON, hour=9):
        assert delivery.send_digests() == {}
    [digest] = mail.outbox
    assert digest.subject == "FOI Tracker digest: 2 alerts, Mon 2 Feb"
    assert "Due today: NAO — IAPT performance data, due today, Mon 2 Feb" in digest.body
    assert "Due soon: NAO — IAPT waiting times, due Tue 3 Feb" in digest.body
    next_day = DUE_ON + dt.timedelta(days=1)
    with on_day(next_day, hour=9):
        sweep(today=next_day)
        assert delivery.send_digests() == {Outcome.SENT: 1}
    assert len(mail.outbox) == 2
    assert Alert.objects.filter(status=AlertStatus.SENT).count() == 4


def test_a_digest_missed_at_its_hour_goes_at_the_next_run(iapt_request: FoiRequest) -> None:
    make_profile(user=iapt_request.owner, alert_delivery=AlertDelivery.DIGEST, digest_hour=7)
    with on_day(DUE_ON, hour=6):
        sweep(today=DUE_ON)
    with on_day(DUE_ON, hour=15):
        assert delivery.send_digests() == {Outcome.SENT: 1}
