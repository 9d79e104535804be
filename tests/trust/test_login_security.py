"""Logging in safely: throttled password guessing and the optional second factor (TOTP)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from time_machine import Traveller

from tests.factories import TEST_PASSWORD
from tests.trust.conftest import make_user

START = dt.datetime(2026, 1, 15, 12, tzinfo=dt.UTC)


@pytest.fixture
def clock() -> Iterator[Traveller]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def alice(db: None) -> User:
    return make_user(username="alice")


def log_in(client: Client, password: str, address: str = "198.51.100.7") -> int:
    data = {"username": "alice", "password": password}
    return client.post(reverse("login"), data, REMOTE_ADDR=address).status_code


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- throttling ------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_from_that_address(
    alice: User, clock: Traveller
) -> None:
    guesser = Client()
    assert [log_in(guesser, f"guess {n}") for n in range(4)] == [200] * 4
    assert log_in(guesser, "guess 5") == 429
    assert log_in(guesser, TEST_PASSWORD) == 429  # even the right password, while locked
    assert not signed_in(guesser)
    elsewhere = Client()
    assert log_in(elsewhere, TEST_PASSWORD, address="203.0.113.50") == 302  # alice herself
    clock.shift(dt.timedelta(minutes=16))
    assert log_in(guesser, TEST_PASSWORD) == 302
    assert signed_in(guesser)


def test_a_successful_login_clears_the_earlier_failures(alice: User, clock: Traveller) -> None:
    client = Client()
    for n in range(4):
        log_in(client, f"typo {n}")
    assert log_in(client, TEST_PASSWORD) == 302
    client.post(reverse("logout"))
    assert [log_in(client, f"typo again {n}") for n in range(4)] == [200] * 4


def test_the_lockout_page_says_what_happened(alice: User, clock: Traveller) -> None:
    client = Client()
    for n in range(5):
        log_in(client, f"guess {n}")
    page = client.post(reverse("login"), {"username": "alice", "password": "x"},
                       REMOTE_ADDR="198.51.100.7")  # fmt: skip
    assert page.status_code == 429
    assert "Too many attempts" in page.text


# --- two-factor login ------------------------------------------------------------------------


def code_for(device: TOTPDevice, at: float | None = None) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = at if at is not None else time.time()
    return f"{totp.token():06d}"


def turn_on_two_factor(client: Client) -> TOTPDevice:
    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post(reverse("two_factor_setup"), {"code": code_for(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_the_setup_page_draws_the_qr_code_itself(alice: User, client_for: object) -> None:
    page = client_for(alice).get(reverse("two_factor_setup")).text  # type: ignore[operator]
    assert '<svg role="img" aria-label="QR code' in page
    assert "<img" not in page.split('id="main"')[1]  # no image fetched from anywhere
    device = TOTPDevice.objects.get(user=alice)
    assert device.config_url.split("secret=")[1][:4] in page.replace(" ", "")
    reloaded = client_for(alice).get(reverse("two_factor_setup"))  # type: ignore[operator]
    assert TOTPDevice.objects.filter(user=alice).count() == 1  # the same secret on reload
    assert reloaded.status_code == 200


def test_a_wrong_code_does_not_switch_it_on(alice: User, client_for: object) -> None:
    client = client_for(alice)  # type: ignore[operator]
    client.get(reverse("two_factor_setup"))
    response = client.post(reverse("two_factor_setup"), {"code": "000000"})
    assert response.status_code == 200
    assert "That code is not right" in response.text
    assert not TOTPDevice.objects.filter(confirmed=True).exists()


def test_with_two_factor_on_a_password_alone_does_not_get_in(
    alice: User, client_for: object, clock: Traveller
) -> None:
    device = turn_on_two_factor(client_for(alice))  # type: ignore[operator]
    client = Client()
    assert log_in(client, TEST_PASSWORD) == 302
    response = client.get(reverse("request_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))
    assert "next=/requests/" in response["Location"]
    clock.shift(dt.timedelta(seconds=60))  # a new code: a used one is never accepted again
    verify = f"{reverse('two_factor_verify')}?next=/requests/"
    assert client.post(verify, {"code": "123456"}).status_code == 200
    device.refresh_from_db()
    clock.shift(dt.timedelta(seconds=30))  # past the wait a wrong code imposes
    response = client.post(verify, {"code": code_for(device), "next": "/requests/"})
    assert response.status_code == 302 and response["Location"] == "/requests/"
    assert client.get(reverse("request_list")).status_code == 200


def test_the_code_page_never_sends_you_to_another_site(
    alice: User, client_for: object, clock: Traveller
) -> None:
    device = turn_on_two_factor(client_for(alice))  # type: ignore[operator]
    client = Client()
    log_in(client, TEST_PASSWORD)
    clock.shift(dt.timedelta(seconds=60))
    response = client.post(
        reverse("two_factor_verify"), {"code": code_for(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("dashboard")


def test_switching_it_off_needs_a_code(alice: User, client_for: object, clock: Traveller) -> None:
    client = client_for(alice)  # type: ignore[operator]
    device = turn_on_two_factor(client)
    assert client.post(reverse("two_factor_setup"), {"code": "000000"}).status_code == 200
    assert TOTPDevice.objects.filter(confirmed=True).exists()
    clock.shift(dt.timedelta(seconds=90))
    device.refresh_from_db()
    assert client.post(reverse("two_factor_setup"), {"code": code_for(device)}).status_code == 302
    assert not TOTPDevice.objects.exists()
    fresh = Client()
    log_in(fresh, TEST_PASSWORD)
    assert fresh.get(reverse("request_list")).status_code == 200


def test_accounts_without_two_factor_are_never_asked(alice: User) -> None:
    client = Client()
    assert log_in(client, TEST_PASSWORD) == 302
    assert client.get(reverse("dashboard")).status_code == 200


def test_a_weak_new_password_is_refused(alice: User, client_for: object) -> None:
    client = client_for(alice)  # type: ignore[operator]
    data = {"old_password": TEST_PASSWORD, "new_password1": "password", "new_password2": "password"}
    response = client.post(reverse("password_change"), data)
    assert response.status_code == 200
    assert "This password is too common." in response.text
    alice.refresh_from_db()
    assert alice.check_password(TEST_PASSWORD)
