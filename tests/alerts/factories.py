"""Factories for the alerts area."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import factory

from requests_app import models
from tests.factories import FoiRequestFactory, MessageFactory, UserFactory


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Profile
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)


class AlertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Alert

    user = factory.SubFactory(UserFactory)
    request = factory.SubFactory(FoiRequestFactory)
    kind = "overdue"
    deadline = dt.date(2026, 2, 2)


def make_alert(**kwargs: Any) -> models.Alert:
    return cast(models.Alert, AlertFactory(**kwargs))


def make_message(**kwargs: Any) -> models.Message:
    return cast(models.Message, MessageFactory(**kwargs))


def make_profile(**kwargs: Any) -> models.Profile:
    return cast(models.Profile, ProfileFactory(**kwargs))
