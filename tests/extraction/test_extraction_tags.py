"""`{% extraction_status attachment %}`: the badge, the progress bar and its script."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_app.models import Attachment, ExtractionStatus

pytestmark = pytest.mark.django_db

Attach = Callable[..., Attachment]


def render(source: str, **context: object) -> str:
    return Template("{% load extraction_tags %}" + source).render(Context(context))


def test_a_running_extraction_shows_a_progress_bar_that_polls(attach: Attach) -> None:
    attachment = attach(
        b"x", "a.pdf", status=ExtractionStatus.EXTRACTING, page_count=300, pages_done=120
    )
    html = render("{% extraction_status attachment %}", attachment=attachment)
    progress_url = reverse("attachment_progress", kwargs={"pk": attachment.pk})
    assert f'data-extraction-progress="{progress_url}"' in html
    assert '<progress data-extraction-bar max="300" value="120"' in html
    assert "120 of 300 pages" in html
    assert "Extracting text" in html
    assert 'src="/static/js/extraction-progress.js" defer' in html


def test_the_script_is_included_once_for_several_attachments(attach: Attach) -> None:
    first = attach(b"x", "a.pdf")
    second = attach(b"y", "b.pdf")
    html = render(
        "{% for a in attachments %}{% extraction_status a %}{% endfor %}",
        attachments=[first, second],
    )
    assert html.count("data-extraction-progress=") == 2
    assert html.count("extraction-progress.js") == 1


def test_a_finished_extraction_links_to_its_text_and_does_not_poll(attach: Attach) -> None:
    attachment = attach(b"x", "a.pdf", status=ExtractionStatus.DONE, page_count=3, pages_done=3)
    html = render("{% extraction_status attachment %}", attachment=attachment)
    pages_url = reverse("attachment_pages", kwargs={"pk": attachment.pk})
    assert f'<a href="{pages_url}">Text (3 pages)</a>' in html
    assert "data-extraction-progress" not in html
    assert "<script" not in html


def test_a_failure_shows_its_reason(attach: Attach) -> None:
    attachment = attach(
        b"x", "a.zip", status=ExtractionStatus.FAILED, status_detail="Zip bomb <refused>."
    )
    html = render("{% extraction_status attachment %}", attachment=attachment)
    assert 'class="badge badge--problem"' in html
    assert "Extraction failed" in html
    assert "Zip bomb &lt;refused&gt;." in html


def test_the_badge_needs_no_query(attach: Attach) -> None:
    attachment = attach(b"x", "a.pdf", status=ExtractionStatus.NEEDS_OCR)
    with CaptureQueriesContext(connection) as captured:
        render("{% extraction_status attachment %}", attachment=attachment)
    assert len(captured) == 0
