from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import Browser
from pytest_django import plugin as pytest_django_plugin

from tests.factories import TEST_PASSWORD, UserFactory
from tests.guards import invented_in, invented_in_outbox, recording_smtp_recipients


@pytest.fixture(autouse=True)
def _isolated_storage(tmp_path, settings) -> None:  # type: ignore[no-untyped-def]
    """Every test writes files and mail into its own folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "files"), "base_url": None},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Figures kept between page views never outlive a test (ids repeat between tests)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _tasks_run_inline() -> Iterator[None]:
    """Queued tasks run in the test process unless a test starts a real worker."""
    from foi_tracker.celery import app

    # Creating another Celery app (a test worker's) makes it current, and shared tasks
    # follow the current app: put ours back first.
    app.set_current()
    app.set_default()
    before = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = before


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that flush the database run after every test that reads what the data
    migrations loaded (the exemptions, the public bodies), as Django runs them.

    pytest-django puts them in that order first; pytest then moves the tests that share
    Playwright's session-wide `browser_name` parameter next to the first of them, which
    brought the browser tests, which flush, in front of database tests that came later.
    Sorting again, last, keeps that grouping within each kind of test."""
    pytest_django_plugin.pytest_collection_modifyitems(items)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "mails_invented_address: the test of the guard below, which sends one on purpose"
    )


@pytest.fixture(autouse=True)
def _no_mail_to_invented_addresses(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail any test in which an email (locmem outbox or real SMTP) goes to admin@localhost."""
    from django.core import mail

    with recording_smtp_recipients() as smtp_recipients:
        yield
    found = invented_in_outbox(getattr(mail, "outbox", [])) + invented_in(smtp_recipients)
    if found and request.node.get_closest_marker("mails_invented_address") is None:
        pytest.fail(f"Mail was sent to an invented address: {', '.join(sorted(set(found)))}")


@pytest.fixture
def user(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="alice")


@pytest.fixture
def other_user(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="mallory")


@pytest.fixture
def client_for():  # type: ignore[no-untyped-def]
    def make(user) -> Client:  # type: ignore[no-untyped-def]
        client = Client()
        assert client.login(username=user.username, password=TEST_PASSWORD)
        return client

    return make


@pytest.fixture
def alice_client(user, client_for) -> Client:  # type: ignore[no-untyped-def]
    return client_for(user)


# --- the browser tests' Chromium --------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, object]) -> dict[str, object]:
    """Debian's chromium, headless. A container's /dev/shm can be too small for a page
    image at 200 dpi: Chromium keeps its shared memory in /tmp instead."""
    return {
        **browser_type_launch_args,
        "executable_path": shutil.which("chromium"),
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def _launched_browsers(launch_browser: Callable[..., Any]) -> Iterator[list[Browser]]:
    # Asks for launch_browser so that Playwright stops after these browsers are closed.
    launched: list[Browser] = [launch_browser()]
    yield launched
    for browser in launched:
        if browser.is_connected():
            browser.close()


@pytest.fixture
def browser(_launched_browsers: list[Browser], launch_browser: Callable[..., Any]) -> Browser:
    """One browser for the session, launched again if a test crashed it: a crash fails
    that test, not every browser test after it on the same worker."""
    if not _launched_browsers[-1].is_connected():
        _launched_browsers.append(launch_browser())
    return _launched_browsers[-1]
