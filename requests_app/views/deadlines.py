"""Deadline pages: the public calculator, the month calendar and the iCalendar feeds."""

from __future__ import annotations

import calendar as month_grid
import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from icalendar import Calendar as ICalendar
from icalendar import Event as IEvent

from requests_app.casework.deadline_dates import CalendarEntry, calendar_entries, month_entries
from requests_app.deadlines.clock import StageDeadline, due_for_stage
from requests_app.deadlines.errors import (
    DateOutOfRange,
    DeadlineInputError,
    StageNotInRegime,
    UnknownPlace,
)
from requests_app.models import Campaign, FoiRequest, Nation, NonWorkingDay, Profile
from requests_app.models.bodies import SUBDIVISION_CHOICES, regime_choices
from requests_app.views.access import owned_campaign, signed_in_user
from requests_app.views.page_cache import cached_page

FEED_DAYS_BACK = 30
FEED_DAYS_AHEAD = 400
# A large archive has hundreds of dates on a busy day: the grid shows the first few of
# each day and the list those of the month's days (at most a few hundred), and both say
# how many more there are.
CALENDAR_DAY_LIMIT = 6
CALENDAR_LIST_LIMIT = 300


class CalculatorForm(forms.Form):
    regime = forms.ChoiceField(label="Law", choices=regime_choices)
    received = forms.DateField(
        label="Date the body received it", widget=forms.DateInput(attrs={"type": "date"})
    )
    stage = forms.ChoiceField(
        label="Deadline",
        choices=[
            ("response", "Response"),
            ("extended", "Response with the standard extension"),
            ("review", "Internal review (date = when the review was asked for)"),
        ],
    )
    nation = forms.ChoiceField(
        label="Where the body is",
        choices=Nation.choices,
        required=False,
        help_text="Matters for subject access requests, which follow the body's bank holidays.",
    )
    subdivision = forms.ChoiceField(
        label="State, territory or province",
        choices=[("", "—"), *SUBDIVISION_CHOICES],
        required=False,
        help_text=(
            "Australia and Canada count the holidays of the body's state, territory or province."
        ),
    )

    def deadline(self) -> StageDeadline | None:
        """The stage's deadline, or None with the engine's message as a form error."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        try:
            return due_for_stage(
                data["regime"],
                data["received"],
                data["stage"],
                nation=data["nation"] or None,
                subdivision=data["subdivision"] or None,
                extra=NonWorkingDay.engine_days(),
            )
        except DeadlineInputError as error:
            self.add_error(_field_for(error), str(error))
            return None


def _field_for(error: DeadlineInputError) -> str | None:
    """The field a message belongs next to; None puts it above the form."""
    if isinstance(error, DateOutOfRange):
        return "received"
    if isinstance(error, StageNotInRegime):
        return "stage"
    if isinstance(error, UnknownPlace):
        return "subdivision" if "province" in str(error) else "nation"
    return None


def deadline_calculator(request: HttpRequest) -> HttpResponse:
    form = CalculatorForm(request.GET or None)
    deadline = form.deadline() if request.GET else None
    return render(
        request, "requests_app/deadlines/calculator.html", {"form": form, "deadline": deadline}
    )


def _month_from(value: str | None, today: dt.date) -> dt.date:
    if not value:
        return today.replace(day=1)
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError as error:
        raise Http404("No such month") from error


@login_required
@cached_page
def deadline_calendar(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    month = _month_from(request.GET.get("month"), today)
    requests = FoiRequest.objects.visible_to(request.user)
    campaigns = Campaign.objects.visible_to(request.user)
    campaign = None
    if slug := request.GET.get("campaign"):
        campaign = get_object_or_404(campaigns, slug=slug)
        requests = requests.filter(campaign=campaign)
    weeks = month_grid.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    next_month = (month + dt.timedelta(days=32)).replace(day=1)
    shown = month_entries(
        requests,
        grid=(weeks[0][0], weeks[-1][-1]),
        month=(month, next_month - dt.timedelta(days=1)),
        today=today,
        per_day=CALENDAR_DAY_LIMIT,
        listed=CALENDAR_LIST_LIMIT,
    )
    context = {
        "month": month,
        "previous_month": (month - dt.timedelta(days=1)).replace(day=1),
        "next_month": next_month,
        "weeks": [
            [(day, shown.by_day.get(day, []), shown.day_counts.get(day, 0)) for day in week]
            for week in weeks
        ],
        "today": today,
        "campaign": campaign,
        "campaigns": campaigns,
        "feed_url": _feed_url(request),
        "entries": shown.listed,
        "entry_count": shown.month_count,
        "day_counts": shown.day_counts,
    }
    return render(request, "requests_app/deadlines/calendar.html", context)


def _feed_url(request: HttpRequest) -> str:
    token = Profile.for_user(signed_in_user(request)).calendar_token
    return request.build_absolute_uri(reverse("calendar_feed", args=[token]))


@login_required
@require_POST
def calendar_token_reset(request: HttpRequest) -> HttpResponse:
    Profile.for_user(signed_in_user(request)).reset_calendar_token()
    messages.success(request, "Your calendar address was changed; the old one no longer works.")
    return redirect("deadline_calendar")


@login_required
def campaign_calendar_token_reset(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = owned_campaign(request, slug)  # before the method check: outsiders get 404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    campaign.calendar_token = Campaign._meta.get_field("calendar_token").get_default()
    campaign.save(update_fields=["calendar_token"])
    messages.success(request, "The campaign's calendar address was changed.")
    return redirect(campaign.get_absolute_url())


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    profile = get_object_or_404(Profile.objects.select_related("user"), calendar_token=token)
    requests = FoiRequest.objects.visible_to(profile.user)
    return _feed_response(requests, name="FOI Tracker deadlines", request=request)


def campaign_calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    campaign = get_object_or_404(Campaign, calendar_token=token)
    requests = FoiRequest.objects.shared_with_campaign(campaign)
    return _feed_response(requests, name=f"FOI Tracker — {campaign.name}", request=request)


def _feed_response(
    requests: QuerySet[FoiRequest], *, name: str, request: HttpRequest
) -> HttpResponse:
    today = timezone.localdate()
    entries = calendar_entries(
        requests,
        first=today - dt.timedelta(days=FEED_DAYS_BACK),
        last=today + dt.timedelta(days=FEED_DAYS_AHEAD),
        today=today,
    )
    feed = ICalendar()
    feed.add("prodid", "-//FOI Tracker//deadlines//EN")
    feed.add("version", "2.0")
    feed.add("x-wr-calname", name)
    for entry in entries:
        feed.add_component(_feed_event(entry, request))
    response = HttpResponse(feed.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response


def _feed_event(entry: CalendarEntry, request: HttpRequest) -> IEvent:
    event = IEvent()
    reference = entry.foi_request.reference
    event.add("uid", f"{reference}-{entry.kind}@foi-tracker")
    event.add("summary", ("OVERDUE — " if entry.is_overdue else "") + entry.summary)
    event.add("dtstart", entry.on)
    event.add("dtend", entry.on + dt.timedelta(days=1))
    event.add("dtstamp", timezone.now())
    event.add("url", request.build_absolute_uri(entry.foi_request.get_absolute_url()))
    event.add("categories", [entry.kind])
    return event
