"""Public bodies and the tags that group them and requests."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from requests_app.deadlines.regimes import REGIMES


def regime_choices() -> list[tuple[str, str]]:
    return [(code, f"{regime.short_name} — {regime.name}") for code, regime in REGIMES.items()]


class Tag(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Nation(models.TextChoices):
    ENGLAND = "ENG", "England"
    WALES = "WLS", "Wales"
    SCOTLAND = "SCT", "Scotland"
    NORTHERN_IRELAND = "NIR", "Northern Ireland"
    UNITED_STATES = "US", "United States"
    IRELAND = "IE", "Ireland"
    AUSTRALIA = "AU", "Australia"
    NEW_ZEALAND = "NZ", "New Zealand"
    CANADA = "CA", "Canada"


class PublicBodyQuerySet(models.QuerySet["PublicBody"]):
    def active(self) -> PublicBodyQuerySet:
        return self.filter(is_active=True)

    def matching(self, text: str) -> PublicBodyQuerySet:
        text = text.strip()
        return self.filter(models.Q(name__icontains=text) | models.Q(short_name__icontains=text))


class PublicBody(models.Model):
    name = models.CharField(max_length=255, unique=True)
    short_name = models.CharField(max_length=60, blank=True)
    slug = models.SlugField(max_length=255, unique=True)
    foi_email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    nation = models.CharField(max_length=3, choices=Nation.choices, default=Nation.ENGLAND)
    default_regime = models.CharField(max_length=20, choices=regime_choices, default="uk-foia")
    tags = models.ManyToManyField(Tag, blank=True, related_name="bodies")
    notes = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    email_failing = models.BooleanField(
        default=False, help_text="Mail to foi_email bounced; check the address."
    )

    objects = PublicBodyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "public bodies"
        indexes = [models.Index(fields=["short_name"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("body_detail", kwargs={"slug": self.slug})

    @property
    def label(self) -> str:
        return f"{self.name} ({self.short_name})" if self.short_name else self.name
