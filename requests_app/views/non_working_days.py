"""Staff add a newly proclaimed non-working day, seeing first which deadlines it moves."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from requests_app.casework.date_checks import long, uncountable
from requests_app.casework.non_working_days import (
    Added,
    AlreadyAdded,
    DateMove,
    add_non_working_day,
    preview_moves,
)
from requests_app.deadlines.calendars import ExtraNonWorkingDay
from requests_app.forms import DATE_INPUT
from requests_app.models import NonWorkingDay
from requests_app.views.access import signed_in_user

# How many moved dates the confirmation message lists before "and N more".
LISTED_MOVES = 10


class NonWorkingDayForm(forms.ModelForm[NonWorkingDay]):
    class Meta:
        model = NonWorkingDay
        fields = ["on", "calendar", "name"]
        labels = {"on": "Date", "calendar": "Calendar (where it is a holiday)"}
        widgets = {"on": DATE_INPUT}
        help_texts = {"name": "As proclaimed, e.g. “Bank holiday for the State Funeral”."}

    def clean_on(self) -> Any:
        on = self.cleaned_data["on"]
        if problem := uncountable(on):
            raise forms.ValidationError(problem)
        return on

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        on, calendar = cleaned.get("on"), cleaned.get("calendar")
        if on and calendar and NonWorkingDay.objects.filter(on=on, calendar=calendar).exists():
            self.add_error("on", f"{long(on)} is already a non-working day in that calendar.")
        return cleaned

    def engine_day(self) -> ExtraNonWorkingDay:
        data = self.cleaned_data
        return ExtraNonWorkingDay(on=data["on"], name=data["name"], calendar=data["calendar"])


def staff_user(request: HttpRequest) -> Any:
    user = signed_in_user(request)
    if not user.is_staff:
        raise PermissionDenied("Only staff add non-working days.")
    return user


@login_required
@require_http_methods(["GET", "POST"])
def non_working_days(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = NonWorkingDayForm(request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {"form": form, "days": NonWorkingDay.objects.all()[:50]}
    if form.is_valid():
        day = form.engine_day()
        if "confirm" not in request.POST:
            context["moves"] = preview_moves(day)
            context["previewing"] = True
        else:
            try:
                added = add_non_working_day(day=day, actor=user, http_request=request)
            except AlreadyAdded as error:
                messages.error(request, str(error))
            else:
                messages.success(request, confirmation(added))
            return redirect("non_working_days")
    return render(request, "requests_app/deadlines/non_working_days.html", context)


def confirmation(added: Added) -> str:
    day = added.day
    if not added.moves:
        return f"{day.name} on {long(day.on)} added. No open request's dates moved."
    listed = "; ".join(described(move) for move in added.moves[:LISTED_MOVES])
    more = len(added.moves) - LISTED_MOVES
    tail = f"; and {more} more" if more > 0 else ""
    return (
        f"{day.name} on {long(day.on)} added. {len(added.moves)} date(s) of "
        f"{added.requests_moved} open request(s) moved: {listed}{tail}. "
        f"{added.alerts} person(s) will be told."
    )


def described(move: DateMove) -> str:
    moved = f"{long(move.before)} → {long(move.after)}"
    return f"{move.foi_request.reference} {move.label.lower()} {moved}"
