"""Public bodies and the tags that group them and requests."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from requests_app.deadlines.calendars import CALENDAR_RULES, subdivision_name
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


# The nations whose law looks at the body's state, territory or province, and the places
# it may name: Acts Interpretation Act 1901 (Cth) s.36(2) counts the holidays "in the
# place"; the Interpretation Act (Canada) s.35 adds a province's holidays.
SUBDIVISION_CALENDARS = {"AU": "au", "CA": "ca"}


SUBDIVISION_CHOICES: list[tuple[str, list[tuple[str, str]]]] = [
    (label, [(sub, subdivision_name(code, sub)) for sub in CALENDAR_RULES[code].subdivisions])
    for code, label in (("au", "Australia"), ("ca", "Canada"))
]


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
    subdivision = models.CharField(
        "state, territory or province",
        max_length=3,
        blank=True,
        choices=SUBDIVISION_CHOICES,
        help_text=(
            "Australia: the state or territory; Canada: the province or territory. Their "
            "holidays move deadlines. Blank elsewhere."
        ),
    )
    default_regime = models.CharField(max_length=20, choices=regime_choices, default="uk-foia")
    tags = models.ManyToManyField(Tag, blank=True, related_name="bodies")
    notes = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    email_failing = models.BooleanField(
        default=False, help_text="Mail to foi_email bounced; check the address."
    )
    # Where to send when there is no address: the body's own request form (or post).
    foi_web_form = models.URLField("FOI web form", max_length=500, blank=True)
    # Who set the address (or web form) and when: an address nobody checked is never shipped.
    foi_email_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    foi_email_set_at = models.DateTimeField(null=True, blank=True)

    objects = PublicBodyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "public bodies"
        indexes = [models.Index(fields=["short_name"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("body_detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        code = SUBDIVISION_CALENDARS.get(self.nation)
        places = CALENDAR_RULES[code].subdivisions if code else ()
        if self.subdivision and self.subdivision not in places:
            where = Nation(self.nation).label if self.nation in Nation.values else self.nation
            raise ValidationError(
                {"subdivision": f"{self.subdivision} is not a state or province of {where}."}
            )

    @property
    def label(self) -> str:
        return f"{self.name} ({self.short_name})" if self.short_name else self.name


class PersonalBodyAddress(models.Model):
    """An address a user (not staff) gave for a body: used for their own letters only.

    A stranger's guess must not redirect everyone's sensitive requests, so only staff
    change the body's own address; anyone else's is kept here, for them.
    """

    body = models.ForeignKey(PublicBody, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    foi_email = models.EmailField(blank=True)
    foi_web_form = models.URLField("FOI web form", max_length=500, blank=True)
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["body", "user"], name="one_personal_address_per_body")
        ]

    def __str__(self) -> str:
        return f"{self.body}: {self.foi_email or self.foi_web_form}"
