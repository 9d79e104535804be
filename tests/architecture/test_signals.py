"""Signals are connected in one place, `RequestsAppConfig.ready()`, where a reader finds them."""

from __future__ import annotations

from django.core.checks import registry

from requests_app.mail import checks
from tests.architecture.source import calls


def test_signals_are_connected_only_in_the_app_configs_ready() -> None:
    connecting = calls({"connect", "receiver"})
    assert {(call.module, call.function) for call in connecting} == {
        ("requests_app/apps.py", "ready")
    }


def test_ready_registers_the_deployment_checks() -> None:
    registered = registry.registry.get_checks(include_deployment_checks=True)
    assert any(check.__module__ == checks.__name__ for check in registered)
