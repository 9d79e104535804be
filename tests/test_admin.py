from __future__ import annotations

import datetime as dt

import pytest

from requests_app.models import NonWorkingDay
from tests.factories import FoiRequestFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client_for):  # type: ignore[no-untyped-def]
    return client_for(UserFactory(username="root", is_staff=True, is_superuser=True))


def test_adding_a_non_working_day_in_the_admin_moves_open_deadlines(
    admin_client, django_capture_on_commit_callbacks
):
    foi_request = FoiRequestFactory.sent(dt.date(2026, 6, 1))
    assert foi_request.due_on == dt.date(2026, 6, 30)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/requests_app/nonworkingday/add/",
            {"on": "2026-06-29", "name": "Proclaimed bank holiday", "calendar": "gb-nir"},
            follow=True,
        )
    assert "Deadlines of 1 open request(s) are being recomputed" in response.text
    foi_request.refresh_from_db()
    assert foi_request.due_on == dt.date(2026, 7, 1)
    assert NonWorkingDay.objects.get().created_by.username == "root"


def test_removing_it_moves_them_back(admin_client, django_capture_on_commit_callbacks):
    day = NonWorkingDay.objects.create(on=dt.date(2026, 6, 29), name="Mistake", calendar="uk")
    foi_request = FoiRequestFactory.sent(dt.date(2026, 6, 1))
    assert foi_request.due_on == dt.date(2026, 7, 1)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(f"/admin/requests_app/nonworkingday/{day.pk}/delete/", {"post": "yes"})
    foi_request.refresh_from_db()
    assert foi_request.due_on == dt.date(2026, 6, 30)


@pytest.mark.parametrize(
    "model",
    [
        "publicbody",
        "campaign",
        "membership",
        "foirequest",
        "requestevent",
        "message",
        "attachment",
        "documentpage",
        "exemption",
        "nonworkingday",
        "alert",
        "tag",
    ],
)
def test_every_admin_list_opens_with_search(admin_client, model):
    FoiRequestFactory.sent(dt.date(2026, 6, 1))
    response = admin_client.get(f"/admin/requests_app/{model}/", {"q": "data"})
    assert response.status_code == 200
