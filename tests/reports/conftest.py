from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from requests_app.models import Direction, EventKind, Exemption, FoiRequest, MessageKind, Status
from tests.factories import FoiRequestFactory, PublicBodyFactory
from tests.reports.factories import (
    docx_bytes,
    image_bytes,
    make_attachment,
    message_on,
    simple_pdf,
)

TODAY = dt.date(2026, 5, 5)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=dt.UTC)


@pytest.fixture
def today() -> dt.date:
    return TODAY


@pytest.fixture
def refused_case(user: User) -> FoiRequest:
    """A FOIA request answered late with a refusal, then sent to internal review."""
    body = PublicBodyFactory(name="Department for Transport Test", short_name="DfT")
    foi_request = FoiRequestFactory.sent(
        dt.date(2026, 1, 5),
        owner=user,
        public_body=body,
        title="Cost of the Northern rail franchise review",
        their_reference="FOI-DFT-77812",
        text="Please provide the final report of the franchise review and its annexes.",
        notes="The refusal relies on s.43 without any public interest reasoning.",
    )
    message_on(
        foi_request,
        at(dt.date(2026, 1, 5)),
        direction=Direction.OUTGOING,
        sender="campaign@example.org",
        recipients="foi@dft.example.gov.uk",
        subject="Freedom of Information request: franchise review",
        body_text="Dear DfT,\n\nPlease provide the final report of the franchise review.\n\nYours,",
    )
    foi_request.record_event(EventKind.ACKNOWLEDGED, on=dt.date(2026, 1, 6))
    message_on(
        foi_request,
        at(dt.date(2026, 1, 6)),
        subject="Acknowledgement FOI-DFT-77812",
        kind=MessageKind.ACKNOWLEDGEMENT,
        body_text="We received your request on 5 January 2026.",
    )
    foi_request.record_event(EventKind.EXTENSION_CLAIMED, on=dt.date(2026, 1, 30))
    refusal = message_on(
        foi_request,
        at(dt.date(2026, 3, 16)),
        subject="Response FOI-DFT-77812",
        kind=MessageKind.REFUSAL,
        body_text="We hold the information but it is exempt under section 43(2).",
    )
    exemptions = Exemption.objects.filter(law="uk-foia", section__in=["43", "36"])
    foi_request.record_response(
        on=dt.date(2026, 3, 16), outcome=Status.REFUSED, exemptions=exemptions
    )
    make_attachment(
        refusal,
        filename="refusal-letter.pdf",
        content=simple_pdf(["Refusal notice page one", "Refusal notice page two"]),
        content_type="application/pdf",
        page_texts=["Refusal notice page one", "Refusal notice page two"],
    )
    make_attachment(
        refusal,
        filename="spending.csv",
        content=b"year,amount\n2024,1200000\n2025,1350000\n",
        content_type="text/csv",
        page_texts=["year,amount\n2024,1200000\n2025,1350000"],
    )
    make_attachment(
        refusal,
        filename="site-photo.png",
        content=image_bytes("PNG"),
        content_type="image/png",
    )
    make_attachment(
        refusal,
        filename="briefing.docx",
        content=docx_bytes(["Ministerial briefing", "Annex A: costs to date"]),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    message_on(
        foi_request,
        at(dt.date(2026, 3, 20)),
        direction=Direction.OUTGOING,
        subject="Internal review request FOI-DFT-77812",
        body_text="Please review the refusal: no public interest test was carried out.",
    )
    foi_request.record_event(EventKind.REVIEW_REQUESTED, on=dt.date(2026, 3, 20))
    foi_request.refresh_from_db()
    return foi_request
