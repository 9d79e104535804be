"""Alerts made by events: new correspondence and saved-search matches."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.core import mail

from requests_app.alerts import delivery, notify_new_correspondence, notify_saved_search_match
from requests_app.models import Alert, AlertStatus, Direction, FoiRequest
from tests.alerts.conftest import on_day
from tests.alerts.factories import make_message

DAY = dt.date(2026, 1, 20)


def test_five_messages_at_once_make_one_alert_and_one_email(
    iapt_request: FoiRequest,
    settings,
) -> None:
    settings.FOI_ALERT_COALESCE_SECONDS = 300
    with on_day(DAY, hour=10):
        messages = [make_message(request=iapt_request) for _ in range(5)]
        for message in messages:
            assert notify_new_correspondence(message_id=message.pk) == 1
        assert delivery.deliver_due() == {}  # held back while more may come
    alert = Alert.objects.get()
    assert alert.details["message_ids"] == [message.pk for message in messages]
    with on_day(DAY, hour=11):
        assert delivery.deliver_due() == {delivery.Outcome.SENT: 1}
    [email] = mail.outbox
    assert email.subject == "New correspondence: NAO — IAPT performance data, received Tue 20 Jan"
    assert all(message.subject in email.body for message in messages)


def test_a_message_after_the_alert_went_gets_an_alert_of_its_own(
    iapt_request: FoiRequest,
    settings,
) -> None:
    settings.FOI_ALERT_COALESCE_SECONDS = 0
    with on_day(DAY, hour=10):
        notify_new_correspondence(message_id=make_message(request=iapt_request).pk)
        delivery.deliver_due()
        later = make_message(request=iapt_request)
        notify_new_correspondence(message_id=later.pk)
        delivery.deliver_due()
    assert len(mail.outbox) == 2
    assert Alert.objects.filter(status=AlertStatus.SENT).count() == 2
    assert later.subject in mail.outbox[1].body


def test_our_own_letters_and_auto_replies_alert_nobody(iapt_request: FoiRequest) -> None:
    outgoing = make_message(request=iapt_request, direction=Direction.OUTGOING)
    auto_reply = make_message(request=iapt_request, is_auto_reply=True)
    assert notify_new_correspondence(message_id=outgoing.pk) == 0
    assert notify_new_correspondence(message_id=auto_reply.pk) == 0
    assert notify_new_correspondence(message_id=999_999) == 0
    assert not Alert.objects.exists()


def test_a_saved_search_match_alerts_a_user_who_may_see_the_request(
    iapt_request: FoiRequest, other_user: AbstractBaseUser
) -> None:
    with on_day(DAY):
        assert notify_saved_search_match(
            user_id=iapt_request.owner_id, request_id=iapt_request.pk, search_name="IAPT"
        )
        assert notify_saved_search_match(
            user_id=iapt_request.owner_id, request_id=iapt_request.pk, search_name="NAO"
        )
        assert not notify_saved_search_match(
            user_id=other_user.pk, request_id=iapt_request.pk, search_name="IAPT"
        )
    alert = Alert.objects.get()
    assert alert.details["searches"] == ["IAPT", "NAO"]
