"""Load a realistic demo campaign, dated relative to today. Idempotent."""

from __future__ import annotations

import datetime as dt
import io
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from requests_app.models import (
    Attachment,
    Campaign,
    Channel,
    Direction,
    EventKind,
    Exemption,
    FoiRequest,
    Membership,
    Message,
    MessageKind,
    NonWorkingDay,
    PublicBody,
    Role,
    Status,
    Tag,
)
from requests_app.models.documents import store_blob
from requests_app.models.requests import deadline_calendar
from requests_app.seed_data import seed_exemptions, seed_public_bodies

CAMPAIGN_SLUG = "iapt-performance-data"


def received_for_due(regime: str, nation: str, due: dt.date) -> dt.date:
    """The latest day of receipt whose response deadline falls on or before `due`."""
    calendar = deadline_calendar(regime, nation, NonWorkingDay.engine_days())
    received = due - dt.timedelta(days=70)
    while calendar.add_working_days(received + dt.timedelta(days=1), 20)[0] <= due:
        received += dt.timedelta(days=1)
    return received


class Command(BaseCommand):
    help = "Load a demo campaign on NHS Talking Therapies (IAPT) performance data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--owner", help="the username that owns the demo (default: first admin)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if Campaign.objects.filter(slug=CAMPAIGN_SLUG).exists():
            self.stdout.write("The demo campaign is already loaded; nothing to do.")
            return
        seed_public_bodies(PublicBody, Tag)
        seed_exemptions(Exemption)
        with transaction.atomic():
            owner = self._owner(options.get("owner"))
            campaign = Campaign.objects.create(
                name="IAPT performance data",
                slug=CAMPAIGN_SLUG,
                description=(
                    "What NHS England, the Department of Health and Social Care and the "
                    "National Audit Office know about the accuracy of the published "
                    "NHS Talking Therapies (IAPT) recovery and waiting-time figures."
                ),
            )
            Membership.objects.create(campaign=campaign, user=owner, role=Role.OWNER)
            DemoBuilder(owner=owner, campaign=campaign, today=timezone.localdate()).build()
        self.stdout.write(self.style.SUCCESS(f"Demo campaign loaded for user {owner.username}."))

    def _owner(self, username: str | None) -> Any:
        users = get_user_model()
        if username:
            return users.objects.get(username=username)
        owner = users.objects.filter(is_superuser=True).order_by("pk").first()
        if owner:
            return owner
        password = secrets.token_urlsafe(12)
        owner = users.objects.create_user("demo", "", password)
        self.stdout.write(f"Created user demo with password {password}")
        return owner


class DemoBuilder:
    def __init__(self, *, owner: Any, campaign: Campaign, today: dt.date) -> None:
        self.owner, self.campaign, self.today = owner, campaign, today

    def body(self, name: str) -> PublicBody:
        return PublicBody.objects.get(name=name)

    def request(self, body: PublicBody, title: str, text: str, *, due: dt.date) -> FoiRequest:
        received = received_for_due(body.default_regime, body.nation, due)
        foi_request = FoiRequest.objects.create(
            title=title,
            public_body=body,
            regime=body.default_regime,
            campaign=self.campaign,
            owner=self.owner,
            text=text,
        )
        self.letter(
            foi_request,
            Direction.OUTGOING,
            received,
            f"Freedom of Information request - {title}",
            text,
        )
        foi_request.mark_sent(on=received, actor=self.owner)
        return foi_request

    def letter(
        self,
        foi_request: FoiRequest,
        direction: str,
        on: dt.date,
        subject: str,
        body: str,
        *,
        kind: str = MessageKind.OTHER,
        attachment: tuple[str, str, bytes] | None = None,
    ) -> Message:
        sent_at = timezone.make_aware(dt.datetime.combine(on, dt.time(10, 30)))
        body_email = foi_request.public_body.foi_email or "foi@example.gov.uk"
        ours = "campaign@example.org"
        message = Message.objects.create(
            request=foi_request,
            direction=direction,
            channel=Channel.EMAIL,
            sent_at=sent_at,
            sender=ours if direction == Direction.OUTGOING else body_email,
            recipients=body_email if direction == Direction.OUTGOING else ours,
            subject=subject,
            body_text=body,
            kind=kind,
            reviewed_at=timezone.now(),
        )
        if attachment:
            filename, content_type, content = attachment
            name, sha256, size = store_blob(io.BytesIO(content))
            Attachment.objects.create(
                message=message,
                filename=filename,
                content_type=content_type,
                size=size,
                sha256=sha256,
                file=name,
            )
        return message

    def received(self, foi_request: FoiRequest) -> dt.date:
        assert foi_request.received_on is not None
        return foi_request.received_on

    def working_days_from_today(self, n: int) -> dt.date:
        """The working day n working days after today (before it when n is negative)."""
        calendar = deadline_calendar("uk-foia", "ENG", NonWorkingDay.engine_days())
        if n > 0:
            return calendar.add_working_days(self.today, n)[0]
        if n == 0:
            return calendar.next_working_day(self.today)
        day = self.today
        while calendar.working_days_between(day, self.today) < -n:
            day -= dt.timedelta(days=1)
        while not calendar.is_working_day(day):
            day -= dt.timedelta(days=1)
        return day

    def build(self) -> None:
        self.nao_due_soon()
        self.nhse_due_today()
        self.nhse_overdue()
        self.dhsc_refused_and_with_ico()
        self.nhse_answered()

    def nao_due_soon(self) -> None:
        nao = self.body("National Audit Office")
        foi_request = self.request(
            nao,
            "NAO correspondence with DHSC on IAPT performance data",
            "Please provide all correspondence between the National Audit Office and the "
            "Department of Health and Social Care between 1 January 2024 and 31 March 2025 "
            "about the accuracy of Improving Access to Psychological Therapies (IAPT) "
            "performance data, including any scoping papers for the inquiry the NAO began "
            "but did not publish.",
            due=self.working_days_from_today(3),
        )
        ack_on = self.received(foi_request) + dt.timedelta(days=2)
        self.letter(
            foi_request,
            Direction.INCOMING,
            ack_on,
            "Acknowledgement: your information request",
            "We acknowledge receipt of your request, which we are handling under the "
            "Freedom of Information Act 2000. We will respond within 20 working days.",
            kind=MessageKind.ACKNOWLEDGEMENT,
        )
        foi_request.record_event(EventKind.ACKNOWLEDGED, on=ack_on, actor=self.owner)

    def nhse_due_today(self) -> None:
        self.request(
            self.body("NHS England"),
            "NHS Talking Therapies recovery-rate data quality reviews",
            "Please provide any data quality reviews or audits of the NHS Talking Therapies "
            "(formerly IAPT) recovery-rate measure carried out since April 2022.",
            due=self.working_days_from_today(0),
        )

    def nhse_overdue(self) -> None:
        self.request(
            self.body("NHS England"),
            "IAPT waiting-time exclusions by provider",
            "For each provider of NHS Talking Therapies services, please state for each "
            "month of 2024-25 the number of referrals excluded from the six-week and "
            "18-week waiting-time measures, and the reason for exclusion.",
            due=self.working_days_from_today(-6),
        )

    def dhsc_refused_and_with_ico(self) -> None:
        dhsc = self.body("Department of Health and Social Care")
        foi_request = self.request(
            dhsc,
            "Ministerial submissions on IAPT performance figures",
            "Please provide ministerial submissions from 2024 that discuss the reliability "
            "of IAPT performance figures or the National Audit Office's interest in them.",
            due=self.working_days_from_today(-55),
        )
        foi_request.their_reference = "FOI-1498765"
        foi_request.save(update_fields=["their_reference"])
        received = self.received(foi_request)
        refused_on = received + dt.timedelta(days=26)
        s36 = Exemption.objects.filter(law="uk-foia", section="36").first()
        self.letter(
            foi_request,
            Direction.INCOMING,
            refused_on,
            "FOI-1498765 - your request",
            "We hold the information you requested. It is being withheld under section "
            "36(2)(b)(i) and (ii) of the Freedom of Information Act (prejudice to the "
            "effective conduct of public affairs). The qualified person's opinion was "
            "given by the Minister of State. The public interest favours withholding.",
            kind=MessageKind.REFUSAL,
            attachment=(
                "FOI-1498765 response letter.txt",
                "text/plain",
                b"Department of Health and Social Care\nFOI-1498765\n"
                b"Exemption applied: section 36(2)(b).\n",
            ),
        )
        foi_request.record_response(
            on=refused_on, outcome=Status.REFUSED, actor=self.owner, exemptions=[s36] if s36 else []
        )
        review_on = refused_on + dt.timedelta(days=3)
        self.letter(
            foi_request,
            Direction.OUTGOING,
            review_on,
            "Internal review - FOI-1498765",
            "Please conduct an internal review. Section 36 requires the reasonable "
            "opinion of a qualified person; please provide the date and the "
            "information put to the Minister.",
        )
        foi_request.record_event(EventKind.REVIEW_REQUESTED, on=review_on, actor=self.owner)
        decided_on = review_on + dt.timedelta(days=27)
        self.letter(
            foi_request,
            Direction.INCOMING,
            decided_on,
            "Internal review outcome - FOI-1498765",
            "The internal review has upheld the original decision to withhold the "
            "information under section 36(2)(b).",
            kind=MessageKind.REVIEW_OUTCOME,
        )
        foi_request.record_event(
            EventKind.REVIEW_DECIDED,
            on=decided_on,
            actor=self.owner,
            status=Status.REFUSED,
            details={"outcome": "upheld"},
        )
        lodged_on = decided_on + dt.timedelta(days=10)
        foi_request.record_event(
            EventKind.COMPLAINT_LODGED,
            on=lodged_on,
            actor=self.owner,
            note="Complaint to the ICO, case reference IC-345678-A1B2.",
        )

    def nhse_answered(self) -> None:
        foi_request = self.request(
            self.body("NHS England"),
            "Number of IAPT referrals by ICB, 2024-25",
            "Please provide the number of referrals to NHS Talking Therapies by Integrated "
            "Care Board for each quarter of 2024-25.",
            due=self.working_days_from_today(-20),
        )
        assert foi_request.due_on is not None
        answered_on = foi_request.due_on - dt.timedelta(days=5)
        csv = b"icb,q1,q2,q3,q4\nNHS Greater Manchester ICB,31250,30410,29877,32001\n"
        self.letter(
            foi_request,
            Direction.INCOMING,
            answered_on,
            "Your request for information - referrals by ICB",
            "Please find attached the number of referrals by Integrated Care Board.",
            kind=MessageKind.RESPONSE,
            attachment=("referrals-by-icb-2024-25.csv", "text/csv", csv),
        )
        foi_request.record_response(on=answered_on, outcome=Status.SUCCESSFUL, actor=self.owner)
