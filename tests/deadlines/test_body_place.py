"""A body's state, territory or province: set in the admin, used for its deadlines."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from requests_app.models import PublicBody
from tests.factories import FoiRequestFactory, PublicBodyFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client_for):  # type: ignore[no-untyped-def]
    return client_for(UserFactory(username="root", is_staff=True, is_superuser=True))


def _body_form(body: PublicBody, **changes: str) -> dict[str, str]:
    return {
        "name": body.name,
        "short_name": body.short_name,
        "slug": body.slug,
        "nation": body.nation,
        "subdivision": body.subdivision,
        "default_regime": body.default_regime,
        "is_active": "on",
        **changes,
    }


def test_setting_a_bodys_state_in_the_admin_moves_its_deadlines(
    admin_client: Client, django_capture_on_commit_callbacks
) -> None:
    body = PublicBodyFactory(nation="AU", default_regime="au-foi")
    foi_request = FoiRequestFactory.sent(dt.date(2026, 11, 28), public_body=body, regime="au-foi")
    # Without a state the ACT is assumed, where Boxing Day is observed on Mon 28 Dec too.
    assert foi_request.due_on == dt.date(2026, 12, 29)
    tasmanian = FoiRequestFactory.sent(dt.date(2026, 10, 4), public_body=body, regime="au-foi")
    assert tasmanian.due_on == dt.date(2026, 11, 3)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/requests_app/publicbody/{body.pk}/change/",
            _body_form(body, subdivision="VIC"),
            follow=True,
        )

    assert "open deadlines are being recomputed" in response.text
    body.refresh_from_db()
    assert body.subdivision == "VIC"
    tasmanian.refresh_from_db()
    # 30 days after Sun 4 Oct 2026 is Tue 3 Nov, Melbourne Cup Day in Victoria.
    assert tasmanian.due_on == dt.date(2026, 11, 4)
    assert "Melbourne Cup Day (Victoria)" in str(tasmanian.deadline_explanations["due_on"])


def test_the_admin_refuses_a_state_of_another_country(admin_client: Client) -> None:
    body = PublicBodyFactory(nation="ENG")

    response = admin_client.post(
        f"/admin/requests_app/publicbody/{body.pk}/change/", _body_form(body, subdivision="NSW")
    )

    assert response.status_code == 200
    assert "NSW is not a state or province of England." in response.text
    body.refresh_from_db()
    assert body.subdivision == ""


def test_the_admin_lists_and_offers_the_place(admin_client: Client) -> None:
    PublicBodyFactory(name="Ontario Ministry", nation="CA", subdivision="ON")

    listing = admin_client.get("/admin/requests_app/publicbody/")
    form = admin_client.get("/admin/requests_app/publicbody/add/")

    assert (
        "Ontario Ministry" in listing.text
        and '<td class="field-subdivision">Ontario</td>' in listing.text
    )
    assert '<optgroup label="Canada">' in form.text
    assert '<option value="QC">Quebec</option>' in form.text


def test_a_canadian_request_skips_the_provinces_holiday_only_there() -> None:
    ontario = PublicBodyFactory(nation="CA", subdivision="ON", default_regime="ca-ati")
    federal = PublicBodyFactory(nation="CA", default_regime="ca-ati")

    there = FoiRequestFactory.sent(dt.date(2026, 1, 17), public_body=ontario, regime="ca-ati")
    here = FoiRequestFactory.sent(dt.date(2026, 1, 17), public_body=federal, regime="ca-ati")

    # 30 days after Sat 17 Jan 2026 is Mon 16 Feb, Family Day in Ontario.
    assert there.due_on == dt.date(2026, 2, 17)
    assert here.due_on == dt.date(2026, 2, 16)


def test_a_reasonable_extension_stores_no_date_but_the_statutes_words() -> None:
    body = PublicBodyFactory(nation="NZ", default_regime="nz-oia")
    foi_request = FoiRequestFactory.sent(dt.date(2026, 3, 17), public_body=body, regime="nz-oia")

    foi_request.record_event("extension_claimed", on=dt.date(2026, 4, 1))

    foi_request.refresh_from_db()
    assert foi_request.extended_due_on is None
    summary = foi_request.deadline_explanations["extended_due_on"]["summary"]
    assert '"a reasonable period of time having regard to the circumstances"' in summary
    assert foi_request.due_on == dt.date(2026, 4, 16)


def test_the_date_the_body_gave_is_the_extended_date() -> None:
    body = PublicBodyFactory(nation="CA", default_regime="ca-ati")
    foi_request = FoiRequestFactory.sent(dt.date(2026, 3, 2), public_body=body, regime="ca-ati")

    foi_request.record_event(
        "extension_claimed", on=dt.date(2026, 3, 20), new_due_on=dt.date(2026, 6, 15)
    )

    foi_request.refresh_from_db()
    assert foi_request.extended_due_on == dt.date(2026, 6, 15)
    assert foi_request.next_due_on == dt.date(2026, 6, 15)
