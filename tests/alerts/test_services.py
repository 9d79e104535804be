"""Alerts made by events: new correspondence and saved-search matches."""

from __future__ import annotations

import datetime as dt

from django.core import mail

from requests_app.alerts import delivery, notify_new_correspondence
from requests_app.alerts.services import SearchMatch, notify_saved_search_matches
from requests_app.models import Alert, AlertStatus, Direction, FoiRequest, Profile
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


def test_the_same_message_told_twice_alerts_nobody_twice(
    iapt_request: FoiRequest, settings
) -> None:
    settings.FOI_ALERT_COALESCE_SECONDS = 0
    with on_day(DAY, hour=10):
        message = make_message(request=iapt_request)
        assert notify_new_correspondence(message_id=message.pk) == 1
        delivery.deliver_due()
        assert notify_new_correspondence(message_id=message.pk) == 0
        delivery.deliver_due()
    assert len(mail.outbox) == 1
    assert Alert.objects.count() == 1


def match(foi_request: FoiRequest, search: str, item: tuple[str, int]) -> SearchMatch:
    return SearchMatch(foi_request.owner_id, foi_request.pk, search, item)


def test_saved_search_matches_gather_in_one_alert_per_user_and_request(
    iapt_request: FoiRequest, settings
) -> None:
    settings.FOI_ALERT_COALESCE_SECONDS = 300
    with on_day(DAY, hour=10):
        found = [
            match(iapt_request, "IAPT", ("message", 1)),
            match(iapt_request, "NAO", ("page", 2)),
        ]
        assert notify_saved_search_matches(matches=found) == 1
        assert notify_saved_search_matches(matches=[match(iapt_request, "IAPT", ("page", 3))]) == 1
    alert = Alert.objects.get()
    assert alert.details == {
        "searches": ["IAPT", "NAO"],
        "items": [["message", 1], ["page", 2], ["page", 3]],
    }
    assert alert.status == AlertStatus.PENDING


def test_a_match_after_the_alert_went_opens_the_next_one_instead_of_being_lost(
    iapt_request: FoiRequest, settings
) -> None:
    settings.FOI_ALERT_COALESCE_SECONDS = 0
    with on_day(DAY, hour=10):
        notify_saved_search_matches(matches=[match(iapt_request, "IAPT", ("message", 1))])
        assert delivery.deliver_due() == {delivery.Outcome.SENT: 1}
        notify_saved_search_matches(matches=[match(iapt_request, "IAPT", ("message", 2))])
        assert delivery.deliver_due() == {delivery.Outcome.SENT: 1}
    first, second = Alert.objects.order_by("deadline")
    assert (first.deadline, second.deadline) == (DAY, DAY + dt.timedelta(days=1))
    assert second.details["items"] == [["message", 2]]
    assert len(mail.outbox) == 2


def test_a_user_who_switched_search_alerts_off_gets_no_match_alert(
    iapt_request: FoiRequest,
) -> None:
    Profile.objects.create(user_id=iapt_request.owner_id, muted_alert_kinds=["saved_search_match"])
    assert notify_saved_search_matches(matches=[match(iapt_request, "IAPT", ("message", 1))]) == 0
    assert not Alert.objects.exists()
