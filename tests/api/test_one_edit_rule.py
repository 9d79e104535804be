"""The web and the API ask the same question of who may change a request: the model's."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from requests_app import models


@pytest.fixture
def nobody_may_edit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Change the one rule so that not even the owner may edit."""
    monkeypatch.setattr(models.FoiRequest, "can_edit", lambda self, user: False)


@pytest.mark.usefixtures("nobody_may_edit")
def test_the_web_follows_the_models_edit_rule_even_for_the_owner(
    alice_client: Client, alice_request: models.FoiRequest
) -> None:
    response = alice_client.get(f"/requests/{alice_request.reference}/edit/")
    assert response.status_code == 403


@pytest.mark.usefixtures("nobody_may_edit")
def test_the_api_follows_the_models_edit_rule_even_for_the_owner(
    alice_api: APIClient, alice_request: models.FoiRequest
) -> None:
    url = f"/api/v1/requests/{alice_request.reference}/"
    response = alice_api.patch(url, {"title": "Renamed"}, format="json")
    assert response.status_code == 403
    alice_request.refresh_from_db()
    assert alice_request.title != "Renamed"


def test_the_owner_may_edit_without_asking_the_database(
    alice_request: models.FoiRequest, user: Any, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):
        assert alice_request.can_edit(user)
