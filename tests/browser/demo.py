"""The demo data the accessibility checks and the screenshots (scripts/screenshots.py) use."""

from __future__ import annotations

import io
from typing import Any


def demo_world(demo: Any) -> dict[str, str]:
    """The demo campaign owned by `demo`, a small batch, and the address of each main page.

    The browser tests' accessibility checks visit the same pages.
    """
    from django.core.management import call_command
    from django.utils import timezone

    from requests_app.batches.services import create_batch, record_sent_elsewhere
    from requests_app.models import Campaign, FoiRequest, PublicBody

    call_command("seed_demo", owner=demo.username, stdout=io.StringIO())
    campaign = Campaign.objects.get()
    bodies = list(PublicBody.objects.filter(tags__slug="icb").order_by("name")[:6])
    bodies = bodies or list(PublicBody.objects.order_by("name")[:6])
    batch = create_batch(
        title="Talking therapies waiting lists",
        text="{{ salutation }},\n\nHow many people waited over 18 weeks?\n\n{{ our_reference }}",
        owner=demo,
        bodies=bodies,
        campaign=campaign,
    )
    record_sent_elsewhere(batch=batch, on=timezone.localdate(), actor=demo)
    soon = FoiRequest.objects.filter(public_body__short_name="NAO").first()
    refused = FoiRequest.objects.filter(their_reference="FOI-1498765").first()
    first = FoiRequest.objects.filter(batch__isnull=True).order_by("reference").first()
    soon = soon or first
    refused = refused or first
    assert soon is not None and refused is not None
    body = soon.public_body
    return {
        "dashboard": "/",
        "requests": "/requests/",
        "request": soon.get_absolute_url(),
        "request-refused": refused.get_absolute_url(),
        "search": "/search/?q=IAPT",
        "batch-grid": f"/batches/{batch.pk}/",
        "insights": "/insights/",
        "calendar": "/calendar/",
        "campaign": f"/campaigns/{campaign.slug}/",
        "body": f"/bodies/{body.slug}/",
        "account": "/account/",
        "unmatched": "/mail/unmatched/",
        "api-docs": "/api/v1/docs/",
    }
