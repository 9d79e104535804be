"""Who and what `benchmarks.pages` measures on the archive in DATABASE_URL: prints JSON.

The archivist is a member of every campaign (most of the archive in view); the campaigner
is the bench user with the most requests of their own (two campaigns' worth in view).
A request with 100 letters is added once for the detail page.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any

from benchmarks.common import setup_django

LONG_CORRESPONDENCE = "Benchmark: a long correspondence"


def campaigner() -> Any:
    from django.contrib.auth.models import User
    from django.db.models import Count

    from benchmarks.seed import ARCHIVIST

    return (
        User.objects.filter(username__startswith="bench")
        .exclude(username=ARCHIVIST)
        .annotate(n=Count("foi_requests"))
        .order_by("-n", "username")
        .first()
    )


def request_with_letters(user: Any, count: int = 100) -> Any:
    """A campaign request of the user's with `count` letters (made once, then reused)."""
    from django.utils import timezone

    from requests_app.casework.services import refresh_planner_statistics
    from requests_app.models import Direction, FoiRequest, Message

    foi_request = FoiRequest.objects.filter(title=LONG_CORRESPONDENCE, owner=user).first()
    if foi_request:
        return foi_request
    template = FoiRequest.objects.filter(owner=user).exclude(campaign=None).first()
    assert template is not None, "load the archive first: scripts/seed_to.py N"
    foi_request = FoiRequest.objects.create(
        title=LONG_CORRESPONDENCE,
        public_body=template.public_body,
        owner=user,
        campaign=template.campaign,
        regime="uk-foia",
    )
    foi_request.mark_sent(on=timezone.localdate() - dt.timedelta(days=200))
    start = timezone.now() - dt.timedelta(days=200)
    Message.objects.bulk_create(
        Message(
            request=foi_request,
            direction=Direction.INCOMING if n % 2 else Direction.OUTGOING,
            sent_at=start + dt.timedelta(hours=n),
            subject=f"Message {n}",
            body_text="Dear requester, " * 40,
        )
        for n in range(count)
    )
    # Its 50 replies are the archive's first to wait for review: SQLite learns of them
    # as the daily statistics task would tell it (PostgreSQL's autovacuum, by itself).
    refresh_planner_statistics()
    return foi_request


def session_cookie(user: Any) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def archivist_pages(archivist: Any, detail: Any) -> dict[str, str]:
    from django.db.models import Count

    from requests_app.models import FoiRequest, PublicBody

    visible = FoiRequest.objects.visible_to(archivist)
    busiest_body = (
        PublicBody.objects.filter(requests__in=visible)
        .annotate(n=Count("requests"))
        .order_by("-n", "pk")
        .first()
    )
    assert busiest_body is not None, "load the archive first: scripts/seed_to.py N"
    # The list counts up to 10,000 requests (200 pages) and says "more than" beyond.
    deep = min(200, max(1, visible.count() // 50))
    return {
        "dashboard": "/",
        "request list": "/requests/",
        "request list, deep page": f"/requests/?page={deep}",
        "request list, body + status filter": (
            f"/requests/?public_body={busiest_body.slug}&status=awaiting_response"
        ),
        "request detail, 100 letters": f"/requests/{detail.reference}/",
        "body page": f"/bodies/{busiest_body.slug}/",
        "campaign page": f"/campaigns/{detail.campaign.slug}/",
        "calendar": "/calendar/",
        "search, rare word": "/search/?q=quillwort",
        "search, common word": "/search/?q=contract",
        "search, phrase": "/search/?q=%22internal+review%22",
    }


def plan() -> dict[str, Any]:
    from django.contrib.auth.models import User

    from benchmarks.seed import ARCHIVIST
    from requests_app.models import FoiRequest

    archivist = User.objects.get(username=ARCHIVIST)
    bench_user = campaigner()
    detail = request_with_letters(bench_user)
    return {
        "requests": FoiRequest.objects.count(),
        "users": {"archivist": archivist.username, "campaigner": bench_user.username},
        "in_view": {
            "archivist": FoiRequest.objects.visible_to(archivist).count(),
            "campaigner": FoiRequest.objects.visible_to(bench_user).count(),
        },
        "pages": {
            "archivist": archivist_pages(archivist, detail),
            "campaigner": {
                "dashboard (campaigner)": "/",
                "request list (campaigner)": "/requests/",
            },
        },
        "cookies": {"campaigner": session_cookie(bench_user)},
    }


def main() -> None:
    setup_django()
    json.dump(plan(), sys.stdout)


if __name__ == "__main__":
    main()
