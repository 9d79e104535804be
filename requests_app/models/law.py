"""The legal catalogue: exemptions that bodies cite, and extra non-working days."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from requests_app.deadlines.calendars import CALENDAR_CODES, ExtraNonWorkingDay
from requests_app.models.versions import kept_under_version

CALENDAR_LABELS = {
    "uk": "United Kingdom (any part: FOIA, EIR)",
    "gb-eng": "England",
    "gb-wls": "Wales",
    "gb-sct": "Scotland (FOISA)",
    "gb-nir": "Northern Ireland",
    "us": "United States (federal)",
    "nz": "New Zealand",
    "ie": "Ireland",
    "au": "Australia (Commonwealth)",
    "ca": "Canada (federal)",
}


class Exemption(models.Model):
    """One exemption or exception a body may cite, e.g. FOIA s.36 or EIR reg 12(4)(b)."""

    law = models.CharField(max_length=20)  # a regime code: uk-foia, uk-eir, scot-foisa
    section = models.CharField(max_length=30)  # as written in the Act: "36", "12(4)(b)"
    title = models.CharField(max_length=255)
    is_absolute = models.BooleanField(default=False)

    class Meta:
        ordering = ["law", "id"]
        constraints = [
            models.UniqueConstraint(fields=["law", "section"], name="unique_exemption_section")
        ]

    def __str__(self) -> str:
        return f"{self.citation} — {self.title}"

    @property
    def citation(self) -> str:
        if self.law == "uk-eir":
            return f"EIR reg {self.section}"
        prefix = "FOISA" if self.law == "scot-foisa" else "FOIA"
        return f"{prefix} s.{self.section}"


class NonWorkingDay(models.Model):
    """A non-working day the `holidays` package does not know yet (a new proclamation)."""

    on = models.DateField()
    name = models.CharField(max_length=120)
    calendar = models.CharField(
        max_length=10, choices=[(code, CALENDAR_LABELS[code]) for code in CALENDAR_CODES]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-on"]
        constraints = [
            models.UniqueConstraint(fields=["on", "calendar"], name="unique_non_working_day")
        ]

    def __str__(self) -> str:
        return f"{self.on:%d %b %Y} {self.name} ({self.calendar})"

    def as_engine_day(self) -> ExtraNonWorkingDay:
        return ExtraNonWorkingDay(on=self.on, name=self.name, calendar=self.calendar)

    @classmethod
    def engine_days(cls) -> tuple[ExtraNonWorkingDay, ...]:
        # The rows, the figures and the deadlines all ask, on nearly every page.
        return kept_under_version(
            "non_working_days", lambda: tuple(day.as_engine_day() for day in cls.objects.all())
        )
