"""Requests with known dates, built through the real model methods so the deadline engine
computes every stored date; and a quick bulk builder for query-count tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import User

from requests_app import models
from requests_app.models import EventKind, Status
from tests.factories import (
    CampaignFactory,
    FoiRequestFactory,
    MembershipFactory,
    PublicBodyFactory,
    UserFactory,
)

D = dt.date


def exemption(law: str, section: str) -> models.Exemption:
    return models.Exemption.objects.get(law=law, section=section)


def send(
    body: models.PublicBody,
    received: dt.date,
    *,
    owner: User,
    campaign: models.Campaign | None = None,
    regime: str | None = None,
    visibility: str = models.Visibility.CAMPAIGN,
) -> models.FoiRequest:
    return FoiRequestFactory.sent(
        on=received,
        owner=owner,
        public_body=body,
        campaign=campaign,
        regime=regime or body.default_regime,
        visibility=visibility,
    )


def answer(
    foi_request: models.FoiRequest, on: dt.date, outcome: str, *cited: tuple[str, str]
) -> None:
    foi_request.record_response(
        on=on, outcome=outcome, exemptions=[exemption(law, section) for law, section in cited]
    )


def event(foi_request: models.FoiRequest, kind: str, on: dt.date, **kwargs: object) -> None:
    foi_request.record_event(kind, on=on, **kwargs)  # type: ignore[arg-type]


S36 = ("uk-foia", "36")
S35 = ("uk-foia", "35")
S40 = ("uk-foia", "40")
S43 = ("uk-foia", "43")
EIR_12_4_B = ("uk-eir", "12(4)(b)")
FOISA_30 = ("scot-foisa", "30")
FOISA_38 = ("scot-foisa", "38")


@dataclass
class KnownRequests:
    """The fixture of tests/insights/test_statistics.py; see its docstring for the dates."""

    alice: User
    mallory: User
    victor: User
    campaign: models.Campaign
    doe: models.PublicBody
    nht: models.PublicBody
    gec: models.PublicBody
    requests: dict[str, models.FoiRequest] = field(default_factory=dict)


def build_known_requests(alice: User, mallory: User) -> KnownRequests:
    victor = UserFactory.create(username="victor")
    campaign = CampaignFactory.create(name="Open Hospitals", slug="open-hospitals")
    MembershipFactory.create(campaign=campaign, user=alice, role=models.Role.OWNER)
    MembershipFactory.create(campaign=campaign, user=victor, role=models.Role.EDITOR)
    world = KnownRequests(
        alice=alice,
        mallory=mallory,
        victor=victor,
        campaign=campaign,
        doe=PublicBodyFactory.create(
            name="Department of Examples", short_name="DoE", slug="department-of-examples"
        ),
        nht=PublicBodyFactory.create(
            name="Northern Health Trust", short_name="NHT", slug="northern-health-trust"
        ),
        gec=PublicBodyFactory.create(
            name="Glasgow Example Council",
            short_name="GEC",
            slug="glasgow-example-council",
            nation=models.Nation.SCOTLAND,
            default_regime="scot-foisa",
        ),
    )
    _department(world)
    _trust(world)
    _council(world)
    _other_people(world)
    return world


def _department(w: KnownRequests) -> None:
    r, body, alice, camp = w.requests, w.doe, w.alice, w.campaign
    r["A1"] = send(body, D(2025, 11, 24), owner=alice, campaign=camp)
    answer(r["A1"], D(2025, 12, 24), Status.REFUSED, S36)
    r["A2"] = send(body, D(2025, 12, 1), owner=alice, campaign=camp)
    answer(r["A2"], D(2025, 12, 31), Status.SUCCESSFUL)
    r["A3"] = send(body, D(2025, 12, 8), owner=alice, campaign=camp)
    event(r["A3"], EventKind.EXTENSION_CLAIMED, D(2026, 1, 9))
    answer(r["A3"], D(2026, 2, 4), Status.PARTIALLY_SUCCESSFUL, S40, S43)
    r["A4"] = send(body, D(2026, 1, 15), owner=alice, campaign=camp)
    r["A5"] = send(body, D(2026, 3, 2), owner=alice, campaign=camp)
    answer(r["A5"], D(2026, 3, 10), Status.REFUSED, S36)
    event(r["A5"], EventKind.REVIEW_REQUESTED, D(2026, 3, 12))
    event(
        r["A5"], EventKind.REVIEW_DECIDED, D(2026, 4, 2),
        status=Status.REFUSED, details={"outcome": "upheld"},
    )  # fmt: skip
    event(r["A5"], EventKind.COMPLAINT_LODGED, D(2026, 4, 8))
    r["A6"] = send(body, D(2026, 3, 30), owner=alice, campaign=camp)
    r["A7"] = FoiRequestFactory.create(owner=alice, public_body=body, campaign=camp)  # a draft
    r["A8"] = send(body, D(2026, 1, 5), owner=alice, visibility=models.Visibility.PRIVATE)
    answer(r["A8"], D(2026, 1, 5), Status.SUCCESSFUL)
    r["A9"] = send(body, D(2026, 1, 12), owner=alice, campaign=camp)
    answer(r["A9"], D(2026, 2, 6), Status.REFUSED, S35, S36)
    event(r["A9"], EventKind.REVIEW_REQUESTED, D(2026, 2, 9))
    event(
        r["A9"], EventKind.REVIEW_DECIDED, D(2026, 3, 2),
        status=Status.PARTIALLY_SUCCESSFUL, details={"outcome": "partly"},
    )  # fmt: skip
    event(r["A9"], EventKind.COMPLAINT_LODGED, D(2026, 3, 16))
    event(
        r["A9"], EventKind.DECISION_NOTICE, D(2026, 4, 14),
        status=Status.REFUSED, details={"outcome": "not_upheld"},
    )  # fmt: skip
    r["A10"] = send(body, D(2026, 2, 2), owner=alice, visibility=models.Visibility.PRIVATE)
    answer(r["A10"], D(2026, 2, 16), Status.SUCCESSFUL)
    r["A11"] = send(body, D(2026, 2, 2), owner=alice, campaign=camp)
    answer(r["A11"], D(2026, 3, 3), Status.SUCCESSFUL)
    r["A12"] = send(body, D(2026, 3, 9), owner=alice, campaign=camp)
    event(r["A12"], EventKind.WITHDRAWN, D(2026, 3, 11))


def _trust(w: KnownRequests) -> None:
    r, body, alice, camp = w.requests, w.nht, w.alice, w.campaign
    r["B1"] = send(body, D(2025, 11, 3), owner=alice, campaign=camp)
    answer(r["B1"], D(2025, 11, 28), Status.NOT_HELD)
    r["B2"] = send(body, D(2025, 11, 10), owner=alice, campaign=camp)
    answer(r["B2"], D(2025, 12, 11), Status.REFUSED, S40)
    event(r["B2"], EventKind.REVIEW_REQUESTED, D(2025, 12, 15))
    event(
        r["B2"], EventKind.REVIEW_DECIDED, D(2026, 1, 20),
        status=Status.SUCCESSFUL, details={"outcome": "overturned"},
    )  # fmt: skip
    r["B3"] = send(body, D(2026, 1, 12), owner=alice, campaign=camp)
    answer(r["B3"], D(2026, 1, 26), Status.SUCCESSFUL)
    r["B4"] = send(body, D(2026, 2, 2), owner=alice, campaign=camp, regime="uk-eir")
    answer(r["B4"], D(2026, 3, 2), Status.PARTIALLY_SUCCESSFUL, EIR_12_4_B)
    r["B5"] = send(body, D(2026, 2, 9), owner=alice, campaign=camp)
    event(r["B5"], EventKind.EXTENSION_CLAIMED, D(2026, 3, 5))
    r["B6"] = send(body, D(2026, 4, 14), owner=alice, campaign=camp)
    answer(r["B6"], D(2026, 4, 17), Status.SUCCESSFUL)
    r["B7"] = send(body, D(2026, 3, 23), owner=alice, campaign=camp)
    event(r["B7"], EventKind.EXTENSION_CLAIMED, D(2026, 4, 13), new_due_on=D(2026, 4, 30))
    r["B8"] = send(body, D(2025, 12, 1), owner=alice, campaign=camp)
    answer(r["B8"], D(2026, 1, 14), Status.REFUSED, S40)
    event(r["B8"], EventKind.COMPLAINT_LODGED, D(2026, 1, 20))
    event(r["B8"], EventKind.DECISION_NOTICE, D(2026, 4, 10))  # outcome not recorded
    r["B9"] = send(body, D(2026, 1, 19), owner=alice, campaign=camp)
    event(r["B9"], EventKind.EXTENSION_CLAIMED, D(2026, 2, 10))
    answer(r["B9"], D(2026, 3, 23), Status.SUCCESSFUL)


def _council(w: KnownRequests) -> None:
    r, body, alice, camp = w.requests, w.gec, w.alice, w.campaign
    r["C1"] = send(body, D(2026, 3, 16), owner=alice, campaign=camp)
    answer(r["C1"], D(2026, 4, 16), Status.REFUSED, FOISA_30)
    event(r["C1"], EventKind.REVIEW_REQUESTED, D(2026, 4, 17))
    r["C2"] = send(body, D(2025, 11, 24), owner=alice, campaign=camp)
    answer(r["C2"], D(2025, 12, 23), Status.SUCCESSFUL)
    r["C3"] = send(body, D(2026, 1, 5), owner=alice, campaign=camp)
    answer(r["C3"], D(2026, 2, 9), Status.REFUSED, FOISA_38)
    event(r["C3"], EventKind.REVIEW_REQUESTED, D(2026, 2, 10))
    event(
        r["C3"], EventKind.REVIEW_DECIDED, D(2026, 3, 5),
        status=Status.REFUSED, details={"outcome": "partly"},
    )  # fmt: skip
    event(r["C3"], EventKind.COMPLAINT_LODGED, D(2026, 3, 9))
    event(
        r["C3"], EventKind.DECISION_NOTICE, D(2026, 4, 15),
        status=Status.SUCCESSFUL, details={"outcome": "upheld"},
    )  # fmt: skip
    r["C4"] = send(body, D(2026, 2, 2), owner=alice, campaign=camp)
    event(r["C4"], EventKind.CLARIFICATION_REQUESTED, D(2026, 2, 4))
    r["C5"] = send(body, D(2026, 3, 9), owner=alice, visibility=models.Visibility.PRIVATE)
    answer(r["C5"], D(2026, 3, 13), Status.SUCCESSFUL)


def _other_people(w: KnownRequests) -> None:
    """Requests alice must never see counted: mallory's own, and victor's private one."""
    r = w.requests
    r["M1"] = send(w.doe, D(2026, 1, 5), owner=w.mallory, visibility=models.Visibility.PRIVATE)
    answer(r["M1"], D(2026, 3, 2), Status.REFUSED, S36)
    event(r["M1"], EventKind.REVIEW_REQUESTED, D(2026, 3, 4))
    r["M2"] = send(w.doe, D(2026, 3, 2), owner=w.mallory, visibility=models.Visibility.PRIVATE)
    r["V1"] = send(
        w.doe, D(2026, 1, 5), owner=w.victor, campaign=w.campaign,
        visibility=models.Visibility.PRIVATE,
    )  # fmt: skip
    answer(r["V1"], D(2026, 1, 12), Status.REFUSED, S36)


def bulk_answered_requests(
    count: int,
    *,
    owner: User,
    body: models.PublicBody,
    start: int = 0,
    **fields: object,
) -> list[models.FoiRequest]:
    """`count` answered requests with a review each, created in a few bulk queries."""
    requests = models.FoiRequest.objects.bulk_create(
        models.FoiRequest(
            title=f"Bulk request {n}",
            reference=f"FOI-BULK-{body.pk}-{n:05d}",
            public_body=body,
            owner=owner,
            status=Status.REFUSED,
            sent_on=D(2026, 1, 5),
            received_on=D(2026, 1, 5),
            due_on=D(2026, 2, 2),
            next_due_on=None,
            **fields,
        )
        for n in range(start, start + count)
    )
    s36 = exemption(*S36)
    models.FoiRequest.exemptions.through.objects.bulk_create(
        models.FoiRequest.exemptions.through(foirequest=req, exemption=s36) for req in requests
    )
    models.RequestEvent.objects.bulk_create(
        item
        for req in requests
        for item in (
            models.RequestEvent(request=req, kind=EventKind.SENT, on=D(2026, 1, 5)),
            models.RequestEvent(
                request=req,
                kind=EventKind.RESPONSE,
                on=D(2026, 1, 20),
                details={"outcome": Status.REFUSED},
            ),
            models.RequestEvent(request=req, kind=EventKind.REVIEW_REQUESTED, on=D(2026, 1, 22)),
        )
    )
    return requests
