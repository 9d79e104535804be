"""Where the law leaves the extended date to the body (OIA s.15A, ATIA s.9(1)), the app
records the date from the extension notice, shows it as the body's date, and alerts on it."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from requests_app import models
from tests.dates.conftest import on_day
from tests.factories import FoiRequestFactory, PublicBodyFactory

NOTICE_ON = dt.date(2026, 2, 20)
BODYS_DATE = dt.date(2026, 4, 15)


@pytest.fixture
def oia_request(user: Any) -> models.FoiRequest:
    """Sent Mon 2 Feb 2026 to a New Zealand ministry: 20 working days, skipping Waitangi
    Day (Fri 6 Feb) → due Tue 3 Mar 2026."""
    body = PublicBodyFactory(
        name="Ministry of Examples", short_name="MoE", nation="NZ", default_regime="nz-oia"
    )
    with on_day(dt.date(2026, 2, 2)):
        return FoiRequestFactory.sent(
            on=dt.date(2026, 2, 2), owner=user, public_body=body, regime="nz-oia"
        )


def extension_url(foi_request: models.FoiRequest) -> str:
    kwargs = {"reference": foi_request.reference, "kind": "extension_claimed"}
    return reverse("event_create", kwargs=kwargs)


def test_the_extension_form_asks_for_the_bodys_date_and_stores_it(
    client_for: Any, user: Any, oia_request: models.FoiRequest
) -> None:
    assert oia_request.due_on == dt.date(2026, 3, 3)
    with on_day(NOTICE_ON):
        alice_client = client_for(user)
        missing = alice_client.post(extension_url(oia_request), {"on": NOTICE_ON.isoformat()})
        assert missing.status_code == 200
        assert 'OIA s.15A(2): "a reasonable period' in missing.text
        assert "This field is required." in missing.text
        data = {"on": NOTICE_ON.isoformat(), "new_due_on": BODYS_DATE.isoformat()}
        recorded = alice_client.post(extension_url(oia_request), data, follow=True)
    oia_request.refresh_from_db()
    assert (oia_request.extended_due_on, oia_request.next_due_on) == (BODYS_DATE, BODYS_DATE)
    assert "Extended deadline — the body&#x27;s date" in recorded.text
    assert "Wednesday 15 April 2026" in recorded.text
    assert "the law sets no fixed period (OIA s.15A(2): &quot;a reasonable period" in recorded.text


def test_the_api_refuses_a_canadian_extension_without_the_bodys_date(
    alice_api: APIClient, user: Any
) -> None:
    body = PublicBodyFactory(nation="CA", default_regime="ca-ati")
    ati = FoiRequestFactory.sent(
        on=dt.date(2026, 1, 5), owner=user, public_body=body, regime="ca-ati"
    )
    url = f"/api/v1/requests/{ati.reference}/events/"
    refused = alice_api.post(url, {"kind": "extension_claimed", "on": "2026-01-14"}, format="json")
    assert refused.status_code == 400
    assert "new_due_on" in refused.json()
    given = {"kind": "extension_claimed", "on": "2026-01-14", "new_due_on": "2026-03-31"}
    assert alice_api.post(url, given, format="json").status_code == 201
    ati.refresh_from_db()
    assert ati.extended_due_on == dt.date(2026, 3, 31)


def test_no_date_is_invented_for_an_extension_recorded_without_one(
    client_for: Any, user: Any, oia_request: models.FoiRequest
) -> None:
    # An extension recorded before the date was asked for (an import, an old record).
    oia_request.record_event(models.EventKind.EXTENSION_CLAIMED, on=NOTICE_ON)
    oia_request.refresh_from_db()
    assert oia_request.extended_due_on is None
    assert oia_request.next_due_on is None
    with on_day(NOTICE_ON):
        html = client_for(user).get(oia_request.get_absolute_url()).text
    assert (
        "the law leaves the new date to the body (OIA s.15A(2): &quot;a reasonable period" in html
    )
    assert "Record the date it gave in its extension notice" in html


def test_alerts_use_the_bodys_date(oia_request: models.FoiRequest) -> None:
    oia_request.record_event(
        models.EventKind.EXTENSION_CLAIMED, on=NOTICE_ON, new_due_on=BODYS_DATE
    )
    with on_day(dt.date(2026, 3, 4)):  # the day after the statutory 20 working days
        call_command("send_reminders", stdout=StringIO())
    assert not models.Alert.objects.exists()
    with on_day(BODYS_DATE):
        call_command("send_reminders", stdout=StringIO())
    with on_day(BODYS_DATE + dt.timedelta(days=1)):
        call_command("send_reminders", stdout=StringIO())
    alerts = set(models.Alert.objects.values_list("kind", "deadline"))
    assert alerts == {("due_today", BODYS_DATE), ("extended_overdue", BODYS_DATE)}
