from __future__ import annotations

import datetime as dt
import io
from typing import cast

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from requests_app.models import Attachment, FoiRequest
from requests_app.reports.case_summary import (
    build_case_summary,
    build_ledger,
    case_summary_context,
    load_case,
    render_case_summary_html,
)
from tests.factories import FoiRequestFactory
from tests.reports.conftest import at
from tests.reports.factories import message_on
from tests.reports.reading import embedded_fonts, flat, page_texts

pytestmark = pytest.mark.django_db

A4 = (595.28, 841.89)


@pytest.fixture
def summary_pages(refused_case: FoiRequest, today: dt.date) -> list[str]:
    return page_texts(build_case_summary(foi_request=refused_case, today=today))


def test_the_cover_gives_title_references_body_regime_and_status(
    summary_pages: list[str],
) -> None:
    cover = flat(summary_pages[0])
    assert "Cost of the Northern rail franchise review" in cover
    assert "Our reference FOI-2026-0001" in cover
    assert "Their reference FOI-DFT-77812" in cover
    assert "Department for Transport Test" in cover
    assert "Freedom of Information Act 2000 (FOIA)" in cover
    assert "Status Awaiting internal review" in cover
    assert "was due on Tue 21 Apr 2026, now 9 working days overdue" in cover


def test_the_ledger_gives_each_date_the_working_days_taken_and_the_delay(
    summary_pages: list[str],
) -> None:
    text = flat(" ".join(summary_pages))
    assert "Sent Mon 5 Jan 2026" in text
    assert "Received by the body (day 0) Mon 5 Jan 2026" in text
    assert "Response due Mon 2 Feb 2026" in text
    assert "Extended deadline Mon 2 Mar 2026" in text
    assert "Answered on Mon 16 Mar 2026" in text
    # 5 Jan to 16 Mar 2026 in the UK calendar: 50 working days, 10 after 2 Mar.
    assert "Working days taken 50 from day 0 to the answer" in text
    assert "Days overdue 10 working days (14 calendar days)" in text
    assert "Internal review due Tue 21 Apr 2026 current deadline" in text
    assert "Complaint window closes Tue 2 Jun 2026 last day to complain to the Information" in text


def test_it_shows_the_statutory_reasoning_behind_each_deadline(summary_pages: list[str]) -> None:
    text = flat(" ".join(summary_pages))
    assert "20 working days after Mon 5 Jan 2026, weekends excluded → due Mon 2 Feb 2026" in text
    assert "skipping 3 Apr (Good Friday), 6 Apr (Easter Monday" in text
    assert "Rule: FOIA s.10(1)" in text


def test_it_lists_the_timeline_exemptions_letters_attachments_and_next_steps(
    refused_case: FoiRequest, summary_pages: list[str]
) -> None:
    text = flat(" ".join(summary_pages))
    assert "Fri 30 Jan 2026 Extension claimed Status: Awaiting response → Extended" in text
    assert "FOIA s.43 Commercial interests Qualified" in text
    assert "FOIA s.36 Prejudice to effective conduct of public affairs" in text
    assert "We hold the information but it is exempt under section 43(2)." in text
    assert "Please review the refusal: no public interest test was carried out." in text
    refusal = Attachment.objects.get(filename="refusal-letter.pdf")
    assert "refusal- letter.pdf PDF 2" in text or "refusal-letter.pdf PDF 2" in text
    assert refusal.sha256[:40] in text.replace(" ", "")
    assert "The refusal relies on s.43 without any public interest reasoning." in text
    assert "complain to the Information Commissioner's Office by Tue 2 Jun 2026 (FOIA s.50" in text


def test_every_page_says_page_x_of_y_and_carries_the_reference(
    summary_pages: list[str],
) -> None:
    total = len(summary_pages)
    assert total >= 4
    for number, text in enumerate(summary_pages, start=1):
        assert f"Page {number} of {total}" in text
        assert "FOI-2026-0001" in text
        assert "Case summary prepared on 5 May 2026" in text


def test_the_contents_list_gives_the_pages_sections_start_on(summary_pages: list[str]) -> None:
    def starts_on(heading: str) -> int:
        return next(
            number
            for number, text in enumerate(summary_pages, start=1)
            if number > 1 and heading in [line.strip() for line in text.splitlines()]
        )

    contents = {
        line.split(".", 1)[0].strip(): line.rstrip().rsplit(" ", 1)[-1]
        for line in summary_pages[0].splitlines()
        if "...." in line
    }
    for heading in ("Deadline ledger", "Timeline", "Correspondence", "Attachments"):
        assert contents[heading] == str(starts_on(heading)), heading


def test_it_is_a4_with_every_font_embedded(refused_case: FoiRequest, today: dt.date) -> None:
    data = build_case_summary(foi_request=refused_case, today=today)
    reader = PdfReader(io.BytesIO(data))
    for page in reader.pages:
        assert (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)) == A4
    fonts = embedded_fonts(data)
    assert fonts and all(fonts.values()), fonts
    assert any("Report-Sans" in name for name in fonts)


def test_a_draft_says_to_send_the_request_first(user: User, today: dt.date) -> None:
    draft = cast(FoiRequest, FoiRequestFactory(owner=user, title="Not sent yet"))
    text = flat(" ".join(page_texts(build_case_summary(foi_request=draft, today=today))))
    assert "Sent Not sent yet" in text
    assert "Send the request, then record the date it was sent" in text
    assert "No correspondence has been logged." in text


def test_a_request_still_waiting_counts_working_days_to_today(user: User) -> None:
    waiting = FoiRequestFactory.sent(dt.date(2026, 1, 5), owner=user)
    ledger = build_ledger(load_case(waiting), dt.date(2026, 2, 9))
    assert ledger.answered_on is None
    assert ledger.working_days_taken == 25
    assert ledger.working_days_overdue == 5  # due Mon 2 Feb 2026
    assert ledger.calendar_days_overdue == 7


def test_the_query_count_does_not_grow_with_the_letters(
    refused_case: FoiRequest, today: dt.date
) -> None:
    with CaptureQueriesContext(connection) as few:
        case_summary_context(foi_request=refused_case, today=today)
    for hour in range(12):
        message_on(refused_case, at(dt.date(2026, 3, 25), hour), body_text="More.")
    with CaptureQueriesContext(connection) as many:
        case_summary_context(foi_request=refused_case, today=today)
    assert len(many) == len(few)


def test_the_print_view_uses_the_same_template_with_a_screen_stylesheet(
    refused_case: FoiRequest, today: dt.date
) -> None:
    html = render_case_summary_html(foi_request=refused_case, today=today)
    assert "FOI-DFT-77812" in html
    assert "@media screen" in html
    assert "@font-face" not in html
    assert "Download as PDF" in html
