"""Who may see and change what: the lookups every object view starts with."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from requests_app.models import Batch, Campaign, FoiRequest, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def signed_in_user(request: HttpRequest) -> User:
    """The user of a view behind login_required, typed as a real account."""
    user = request.user
    if isinstance(user, AnonymousUser):
        raise PermissionDenied
    return user


def visible_request_or_404(request: HttpRequest, reference: str) -> FoiRequest:
    """The request if the user may see it; 404 otherwise, so nothing leaks."""
    requests = FoiRequest.objects.visible_to(request.user)
    return get_object_or_404(requests.select_related("public_body"), reference=reference)


def editable_request(request: HttpRequest, reference: str) -> FoiRequest:
    """404 for people who cannot see the request, 403 for those who may only look."""
    foi_request = visible_request_or_404(request, reference)
    if not can_edit_request(request, foi_request):
        raise PermissionDenied("You may look at this request but not change it.")
    return foi_request


def can_edit_request(request: HttpRequest, foi_request: FoiRequest) -> bool:
    return foi_request.can_edit(request.user)


def visible_campaign_or_404(request: HttpRequest, slug: str) -> Campaign:
    return get_object_or_404(Campaign.objects.visible_to(request.user), slug=slug)


def owned_campaign(request: HttpRequest, slug: str) -> Campaign:
    """404 for non-members, 403 for members who are not owners."""
    campaign = visible_campaign_or_404(request, slug)
    if campaign.role_of(request.user) != Role.OWNER:
        raise PermissionDenied("Only the campaign's owners manage its members.")
    return campaign


def visible_batch_or_404(request: HttpRequest, pk: int) -> Batch:
    batches = Batch.objects.visible_to(request.user).select_related("campaign", "owner")
    return get_object_or_404(batches, pk=pk)


def editable_batch(request: HttpRequest, pk: int) -> Batch:
    """404 for people who cannot see the batch, 403 for those who may only look."""
    batch = visible_batch_or_404(request, pk)
    if not batch.can_edit(request.user):
        raise PermissionDenied("You may look at this batch but not change it.")
    return batch
