"""`manage.py ensure_first_user`: a first account with no invented address."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


def test_without_an_address_the_first_account_has_none_and_the_checklist_asks() -> None:
    out = StringIO()
    call_command("ensure_first_user", "--no-input", stdout=out)
    admin = get_user_model().objects.get()
    assert (admin.username, admin.email, admin.is_superuser) == ("admin", "", True)
    assert "It has no email address yet" in out.getvalue()
    assert "checklist asks for your address" in out.getvalue()


def test_an_address_given_is_used_and_a_second_run_changes_nothing() -> None:
    call_command("ensure_first_user", email="organiser@campaign.example", stdout=StringIO())
    call_command("ensure_first_user", email="other@campaign.example", stdout=StringIO())
    assert list(get_user_model().objects.values_list("email", flat=True)) == [
        "organiser@campaign.example"
    ]


def test_a_malformed_address_is_refused() -> None:
    with pytest.raises(CommandError, match="is not an email address"):
        call_command("ensure_first_user", email="admin@", stdout=StringIO())
    assert not get_user_model().objects.exists()
