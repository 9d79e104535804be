"""Campaigns: my campaigns, starting one, its page, and managing its members."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods

from requests_app.audit import record_audit
from requests_app.models import (
    Campaign,
    FoiRequest,
    Membership,
    NonWorkingDay,
    Role,
    Visibility,
)
from requests_app.sharing.forms import AddMemberForm, CampaignForm, ChangeRoleForm, is_last_owner
from requests_app.views.access import owned_campaign, signed_in_user, visible_campaign_or_404
from requests_app.views.listing import (
    deadline_rows,
    paginate,
    table_rows,
    versioned_count_key,
)
from requests_app.views.page_cache import cached_page

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Slugs that would collide with the campaign URLs themselves.
RESERVED_SLUGS = {"new"}


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    my_role = Membership.objects.filter(campaign=OuterRef("pk"), user=user).values("role")
    visible_requests = Q(requests__owner=user) | Q(requests__visibility=Visibility.CAMPAIGN)
    campaigns = Campaign.objects.visible_to(user).annotate(
        my_role=Subquery(my_role[:1]),
        request_count=Count("requests", filter=visible_requests, distinct=True),
    )
    return render(request, "requests_app/campaign_list.html", {"campaigns": campaigns})


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = CampaignForm(data)
    if form.is_valid():
        campaign = create_campaign(form, signed_in_user(request))
        messages.success(request, f"Campaign “{campaign.name}” created; you are its owner.")
        return redirect(campaign)
    return render(request, "requests_app/campaign_form.html", {"form": form})


def create_campaign(form: CampaignForm, owner: User) -> Campaign:
    with transaction.atomic():
        campaign: Campaign = form.save(commit=False)
        campaign.slug = unique_campaign_slug(campaign.name)
        campaign.save()
        Membership.objects.create(campaign=campaign, user=owner, role=Role.OWNER)
    return campaign


def unique_campaign_slug(name: str) -> str:
    base = slugify(name)[:180] or "campaign"
    taken = set(Campaign.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    taken |= RESERVED_SLUGS
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


@login_required
@cached_page
def campaign_detail(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = visible_campaign_or_404(request, slug)
    memberships = list(campaign.memberships.select_related("user").order_by("user__username"))
    requests = FoiRequest.objects.visible_to(request.user).filter(campaign=campaign)
    rows = table_rows(requests.with_list_relations().by_next_deadline())
    # Every column the count reads (visibility and campaign) is one counts_version watches.
    page = paginate(request, rows, count_key=versioned_count_key(request, "campaign", campaign.pk))
    today = timezone.localdate()
    context = {
        "campaign": campaign,
        "memberships": memberships,
        "my_role": next((m.role for m in memberships if m.user_id == request.user.pk), None),
        "page": page,
        "rows": deadline_rows(page.object_list, today, NonWorkingDay.engine_days()),
    }
    return render(request, "requests_app/campaign_detail.html", context)


# --- members -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def campaign_members(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = owned_campaign(request, slug)
    add_form = AddMemberForm(campaign=campaign)
    errors: dict[int, list[str]] = {}
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "add":
        add_form = AddMemberForm(request.POST, campaign=campaign)
        if add_form.is_valid():
            return add_member(request, campaign, add_form)
    elif action in ("change", "remove"):
        membership = get_object_or_404(campaign.memberships, pk=request.POST.get("member"))
        change = remove_member if action == "remove" else change_role
        problems = change(request, membership)
        if not problems:
            return redirect_after_change(request, membership, removed=action == "remove")
        errors[membership.pk] = problems
    return render_members(request, campaign, add_form, errors)


def render_members(
    request: HttpRequest,
    campaign: Campaign,
    add_form: AddMemberForm,
    errors: dict[int, list[str]],
) -> HttpResponse:
    memberships = campaign.memberships.select_related("user").order_by("user__username")
    rows = [(membership, errors.get(membership.pk, [])) for membership in memberships]
    context = {"campaign": campaign, "rows": rows, "add_form": add_form, "roles": Role.choices}
    status = 400 if errors or add_form.errors else 200
    return render(request, "requests_app/campaign_members.html", context, status=status)


def add_member(request: HttpRequest, campaign: Campaign, form: AddMemberForm) -> HttpResponse:
    person, role = form.cleaned_data["person"], form.cleaned_data["role"]
    with transaction.atomic():
        membership = Membership.objects.create(campaign=campaign, user=person, role=role)
        record_audit(
            actor=request.user,
            action="membership.added",
            obj=membership,
            changes={"role": [None, role]},
            request=request,
        )
    messages.success(request, f"{person.get_username()} added as {Role(role).label.lower()}.")
    return redirect("campaign_members", slug=campaign.slug)


def remove_member(request: HttpRequest, membership: Membership) -> list[str]:
    if is_last_owner(membership):
        return ["A campaign needs at least one owner: make someone else owner first."]
    with transaction.atomic():
        record_audit(
            actor=request.user,
            action="membership.removed",
            obj=membership,
            changes={"role": [membership.role, None]},
            request=request,
        )
        membership.delete()
    messages.success(request, f"{membership.user.get_username()} removed from the campaign.")
    return []


def change_role(request: HttpRequest, membership: Membership) -> list[str]:
    form = ChangeRoleForm(request.POST, membership=membership)
    if not form.is_valid():
        return [str(error) for error in form.errors["role"]]
    old_role, membership.role = membership.role, form.cleaned_data["role"]
    with transaction.atomic():
        membership.save(update_fields=["role"])
        record_audit(
            actor=request.user,
            action="membership.role_changed",
            obj=membership,
            changes={"role": [old_role, membership.role]},
            request=request,
        )
    label = Role(membership.role).label.lower()
    messages.success(request, f"{membership.user.get_username()} is now {label}.")
    return []


def redirect_after_change(
    request: HttpRequest, membership: Membership, *, removed: bool
) -> HttpResponse:
    """Back to the members page, unless you just gave up the right to see it."""
    if membership.user_id == request.user.pk:
        if removed:
            return redirect("campaign_list")
        if membership.role != Role.OWNER:
            return redirect(membership.campaign)
    return redirect("campaign_members", slug=membership.campaign.slug)
