"""Statistics checked against figures worked out by hand.

The fixture (tests/insights/factories.py) is built through the model methods, so the
deadline engine stores every due date. Today is Monday 20 April 2026.

Non-working weekdays in the period. FOIA/EIR ("uk" calendar, FOIA s.10(6): a bank
holiday in any part of the UK): Mon 1 Dec 2025 (St Andrew's Day substitute, Scotland),
Thu 25 and Fri 26 Dec, Thu 1 Jan 2026, Fri 2 Jan (Scotland), Tue 17 Mar (St Patrick's
Day, Northern Ireland), Fri 3 Apr (Good Friday), Mon 6 Apr (Easter Monday, not Scotland).
FOISA ("gb-sct", s.73): 1 Dec, 25 and 26 Dec, 1 and 2 Jan, 3 Apr — but 17 Mar and 6 Apr
are working days in Scotland.

Day of receipt is day 0; "wd" is the working days from receipt to the first answer.

Department of Examples (DoE, England, FOIA):
  A1  recv Mon 24 Nov; due Tue 23 Dec (Nov 25-28 = 4, 1 Dec skipped, Dec 2-5 = 8,
      8-12 = 13, 15-19 = 18, 22 = 19, 23 = 20); answered Wed 24 Dec: 21 wd, late.
      Refused, s.36.
  A2  recv Mon 1 Dec (a holiday, still day 0); Dec 2-5 = 4, 8-12 = 9, 15-19 = 14,
      22-24 = 17, 29-31 = 20: due and answered Wed 31 Dec: 20 wd, on time. Successful.
  A3  recv Mon 8 Dec; Dec 9-12 = 4, 15-19 = 9, 22-24 = 12, 29-31 = 15, Jan 5-9 = 20:
      due Fri 9 Jan. Extension claimed 9 Jan: Jan 12-16 = 25, 19-23 = 30, 26-30 = 35,
      Feb 2-6 = 40: extended to Fri 6 Feb. Answered Wed 4 Feb: 38 wd; late by the
      statutory date, on time allowing the extension. Partially successful, s.40, s.43.
  A4  recv Thu 15 Jan; due Thu 12 Feb; never answered: overdue now.
  A5  recv Mon 2 Mar; due Tue 31 Mar (17 Mar skipped). Answered Tue 10 Mar: 6 wd
      (Mar 3-6 = 4, 9 = 5, 10 = 6), on time. Refused, s.36. Review requested 12 Mar,
      decided 2 Apr "upheld"; complaint lodged 8 Apr.
  A6  recv Mon 30 Mar; due Wed 29 Apr: not yet due, not answered.
  A7  a draft: not sent, counted nowhere.
  A8  (private, no campaign) recv Mon 5 Jan, answered the same day: 0 wd. Successful.
  A9  recv Mon 12 Jan; Jan 13-16 = 4, 19-23 = 9, 26-30 = 14, Feb 2-6 = 19, 9 = 20:
      due Mon 9 Feb; answered Fri 6 Feb: 19 wd, on time. Refused, s.35 and s.36.
      Review requested 9 Feb, decided 2 Mar "partly"; complaint 16 Mar; decision notice
      14 Apr "not_upheld".
  A10 (private, no campaign) recv Mon 2 Feb; answered Mon 16 Feb: Feb 3-6 = 4, 9-13 = 9,
      16 = 10 wd, on time. Successful.
  A11 recv Mon 2 Feb; due Mon 2 Mar (Feb 3-27 = 19, Mar 2 = 20); answered Tue 3 Mar:
      21 wd, late. Successful.
  A12 recv Mon 9 Mar; withdrawn 11 Mar: no deadlines, not due, not answered.

Northern Health Trust (NHT, England, FOIA; B4 under the EIR):
  B1  recv Mon 3 Nov; answered Fri 28 Nov: Nov 4-7 = 4, 10-14 = 9, 17-21 = 14,
      24-28 = 19 wd; due Tue 2 Dec (1 Dec skipped): on time. Information not held.
  B2  recv Mon 10 Nov; Nov 11-14 = 4, 17-21 = 9, 24-28 = 14, Dec 2-5 = 18, 8 = 19,
      9 = 20: due Tue 9 Dec; answered Thu 11 Dec: 22 wd, late. Refused, s.40. Review
      requested 15 Dec, decided 20 Jan "overturned".
  B3  recv Mon 12 Jan; answered Mon 26 Jan: 10 wd, on time. Successful.
  B4  (EIR) recv Mon 2 Feb; due and answered Mon 2 Mar: 20 wd, on time. Partially
      successful, EIR reg 12(4)(b).
  B5  recv Mon 9 Feb; due Mon 9 Mar. Extension claimed 5 Mar: Mar 10-13 = 24, 16 = 25,
      (17 skipped) 18-20 = 28, 23-27 = 33, Mar 30-Apr 2 = 37, (3 and 6 Apr skipped)
      Apr 7-9 = 40: extended to Thu 9 Apr. Never answered: overdue now.
  B6  recv Tue 14 Apr; answered Fri 17 Apr: 3 wd, on time. Successful.
  B7  recv Mon 23 Mar; due Wed 22 Apr; extension claimed 13 Apr to a date the body gave,
      Thu 30 Apr: not yet due, not answered.
  B8  recv Mon 1 Dec; due Wed 31 Dec (as A2); answered Wed 14 Jan: Jan 5-9 = 25,
      12-14 = 28 wd, late. Refused, s.40. Complaint lodged 20 Jan; decision notice 10 Apr
      with no outcome recorded.
  B9  recv Mon 19 Jan; due Mon 16 Feb; extension claimed 10 Feb to the 40th working day,
      Mon 16 Mar. Answered Mon 23 Mar: Feb 17-20 = 24, 23-27 = 29, Mar 2-6 = 34,
      9-13 = 39, 16 = 40, (17 skipped) 18-20 = 43, 23 = 44 wd; late even allowing the
      extension. Successful.

Glasgow Example Council (GEC, Scotland, FOISA):
  C1  recv Mon 16 Mar; Mar 17-20 = 4 (St Patrick's Day works in Scotland), 23-27 = 9,
      Mar 30-Apr 2 = 13, (3 Apr skipped) Apr 6 = 14 (Easter Monday works in Scotland),
      7-10 = 18, 13 = 19, 14 = 20: due Tue 14 Apr; answered Thu 16 Apr: 22 wd, late.
      Refused, FOISA s.30. Review requested 17 Apr (due in May: not overdue).
  C2  recv Mon 24 Nov; Nov 25-28 = 4, (1 Dec skipped) Dec 2-5 = 8, 8-12 = 13,
      15-19 = 18, 22 = 19, 23 = 20: due and answered Tue 23 Dec: 20 wd, on time.
  C3  recv Mon 5 Jan; due Mon 2 Feb; answered Mon 9 Feb: 25 wd, late. Refused,
      FOISA s.38. Review requested 10 Feb, decided 5 Mar "partly"; appeal 9 Mar;
      decision notice 15 Apr "upheld".
  C4  recv Mon 2 Feb; clarification asked 4 Feb: the clock stopped, no due date.
  C5  (private, no campaign) recv Mon 9 Mar; answered Fri 13 Mar: 4 wd, on time.

Not alice's: M1 and M2 (mallory's, private, to DoE), V1 (victor's, private, in the
campaign, to DoE, refused citing s.36).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import QuerySet

from requests_app.models import FoiRequest, NonWorkingDay
from requests_app.reports.statistics import (
    Bucket,
    ComplaintFigures,
    ExemptionCount,
    MonthCount,
    ReviewFigures,
    body_league_table,
    exemption_frequencies,
    insights,
    request_statistics,
    requests_by_month,
    response_time_distribution,
)
from tests.factories import FoiRequestFactory, PublicBodyFactory, UserFactory
from tests.insights.conftest import TODAY
from tests.insights.factories import KnownRequests, answer

pytestmark = pytest.mark.django_db


def alices(known: KnownRequests) -> QuerySet[FoiRequest]:
    return FoiRequest.objects.visible_to(known.alice)


def only(known: KnownRequests, *names: str) -> QuerySet[FoiRequest]:
    return FoiRequest.objects.filter(pk__in=[known.requests[name].pk for name in names])


# --- the headline figures over everything alice can see ---------------------------------


def test_it_counts_sent_and_answered_requests(known: KnownRequests) -> None:
    figures = request_statistics(alices(known), today=TODAY)
    # 26 of alice's requests; A7 is a draft.
    assert figures.sent == 25
    # A1-3, A5, A8-11 (8); B1-4, B6, B8, B9 (7); C1-3, C5 (4).
    assert figures.answered == 19


def test_it_counts_answers_on_time_by_the_statutory_date(known: KnownRequests) -> None:
    figures = request_statistics(alices(known), today=TODAY)
    # A2, A5, A8, A9, A10; B1, B3, B4, B6; C2, C5. Late: A1, A3, A11, B2, B8, B9, C1, C3.
    assert figures.answered_on_time == 11
    # The 19 answered, plus A4 (due 12 Feb) and B5 (due 9 Mar) unanswered past their date.
    # A6 and B7 are not due yet; A12 (withdrawn) and C4 (clock stopped) have no due date.
    assert figures.due_by_now == 21
    assert figures.on_time_rate == pytest.approx(11 / 21)


def test_it_counts_answers_on_time_allowing_extensions(known: KnownRequests) -> None:
    figures = request_statistics(alices(known), today=TODAY)
    assert figures.extensions_claimed == 4  # A3, B5, B7, B9
    # The 11 on time, plus A3 (answered 4 Feb, extended to 6 Feb). B9 is late even so.
    assert figures.answered_on_time_with_extensions == 12
    # B5's extended date (9 Apr) has passed; B7's (30 Apr) has not.
    assert figures.due_by_now_with_extensions == 21


def test_it_gives_the_median_and_90th_percentile_of_working_days(known: KnownRequests) -> None:
    figures = request_statistics(alices(known), today=TODAY)
    # Sorted: 0 3 4 6 10 10 19 19 20 20 | 20 21 21 22 22 25 28 38 44 (19 answers).
    # Median: the 10th value, 20. 90th percentile: rank ceil(0.9 x 19) = 18 -> 38.
    assert figures.median_working_days == 20
    assert figures.p90_working_days == 38


def test_it_counts_requests_overdue_now(known: KnownRequests) -> None:
    # A4 (awaiting since 12 Feb) and B5 (extended to 9 Apr). C1's review is due in May.
    assert request_statistics(alices(known), today=TODAY).overdue == 2


def test_it_gives_the_refusal_rate_by_the_first_answer(known: KnownRequests) -> None:
    figures = request_statistics(alices(known), today=TODAY)
    # First answers refused: A1, A5, A9, B2, B8, C1, C3 — B2 was later overturned on review,
    # which the review figures show; the refusal rate is about how bodies first answer.
    assert figures.refused == 7
    assert figures.partly_refused == 2  # A3, B4
    assert figures.not_held == 1  # B1
    assert figures.refusal_rate == pytest.approx(7 / 19)
    assert figures.partial_refusal_rate == pytest.approx(2 / 19)


def test_it_counts_internal_reviews_and_their_outcomes(known: KnownRequests) -> None:
    figures = request_statistics(alices(known), today=TODAY)
    # Requested: A5, A9, B2, C1, C3. Decided: A5 upheld, A9 partly, B2 overturned, C3 partly.
    assert figures.reviews == ReviewFigures(
        requested=5, decided=4, upheld=1, overturned=1, partly=2
    )
    assert figures.reviews.outcome_not_recorded == 0


def test_it_counts_complaints_to_the_regulator_and_their_outcomes(known: KnownRequests) -> None:
    figures = request_statistics(alices(known), today=TODAY)
    # Lodged: A5, A9, B8, C3. Decision notices: A9 not upheld, C3 upheld, B8 not recorded.
    assert figures.complaints == ComplaintFigures(
        lodged=4, decided=3, upheld=1, not_upheld=1, partly=0
    )
    assert figures.complaints.outcome_not_recorded == 1


# --- calendars --------------------------------------------------------------------------


def test_a_bank_holiday_in_scotland_is_skipped_for_an_english_body(known: KnownRequests) -> None:
    # A1: 24 Nov to 24 Dec would be 22 weekdays; 1 Dec (Scotland only) is skipped: 21.
    figures = request_statistics(only(known, "A1"), today=TODAY)
    assert figures.median_working_days == 21
    assert figures.answered_on_time == 0


def test_a_scottish_body_works_on_st_patricks_day_and_easter_monday(
    known: KnownRequests,
) -> None:
    # C1, 16 Mar to 16 Apr: Mar 17-20 (4, St Patrick's Day included), 23-27 (5), Mar 30 to
    # Apr 2 (4), Good Friday skipped, Apr 6-10 (5, Easter Monday included), 13-16 (4) = 22.
    # Under FOIA the same span would be 20: 17 Mar and 6 Apr are skipped too.
    figures = request_statistics(only(known, "C1"), today=TODAY)
    assert figures.median_working_days == 22


def test_a_non_working_day_added_by_an_administrator_is_skipped() -> None:
    owner = UserFactory.create(username="olive")
    body = PublicBodyFactory.create()
    foi_request = FoiRequestFactory.sent(on=dt.date(2026, 1, 5), owner=owner, public_body=body)
    answer(foi_request, dt.date(2026, 1, 12), "successful")
    requests = FoiRequest.objects.filter(pk=foi_request.pk)
    # Mon 5 Jan to Mon 12 Jan: Jan 6, 7, 8, 9, 12 = 5 working days.
    assert request_statistics(requests, today=TODAY).median_working_days == 5
    NonWorkingDay.objects.create(on=dt.date(2026, 1, 7), name="Day of mourning", calendar="uk")
    assert request_statistics(requests, today=TODAY).median_working_days == 4


# --- per body, exemptions, months, distribution -----------------------------------------


def test_the_league_table_gives_each_bodys_figures(known: KnownRequests) -> None:
    rows = {row.short_name: row.statistics for row in body_league_table(alices(known), today=TODAY)}
    assert list(rows) == ["DoE", "GEC", "NHT"]  # by name: Department, Glasgow, Northern
    doe, gec, nht = rows["DoE"], rows["GEC"], rows["NHT"]
    # DoE: A1-A6, A8-A12 sent (11); answered A1-3, A5, A8-11 (8); on time A2, A5, A8-10.
    assert (doe.sent, doe.answered, doe.answered_on_time, doe.due_by_now) == (11, 8, 5, 9)
    assert doe.answered_on_time_with_extensions == 6  # and A3
    # wd sorted: 0 6 10 19 20 21 21 38 -> median (19 + 20) / 2; 90th: rank ceil(7.2) = 8.
    assert (doe.median_working_days, doe.p90_working_days) == (19.5, 38)
    assert (doe.overdue, doe.refused, doe.partly_refused) == (1, 3, 1)
    assert doe.reviews == ReviewFigures(requested=2, decided=2, upheld=1, overturned=0, partly=1)
    assert doe.complaints == ComplaintFigures(lodged=2, decided=1, upheld=0, not_upheld=1, partly=0)
    # NHT: answered B1-4, B6, B8, B9; on time B1, B3, B4, B6; due also B5.
    assert (nht.sent, nht.answered, nht.answered_on_time, nht.due_by_now) == (9, 7, 4, 8)
    assert (nht.extensions_claimed, nht.overdue, nht.refused) == (3, 1, 2)
    # wd sorted: 3 10 19 20 22 28 44 -> median 20; 90th: rank ceil(6.3) = 7 -> 44.
    assert (nht.median_working_days, nht.p90_working_days) == (20, 44)
    # GEC: C4 has no due date, so 4 are due; on time C2, C5.
    assert (gec.sent, gec.answered, gec.answered_on_time, gec.due_by_now) == (5, 4, 2, 4)
    # wd sorted: 4 20 22 25 -> median 21; 90th: rank ceil(3.6) = 4 -> 25.
    assert (gec.median_working_days, gec.p90_working_days) == (21, 25)


def test_the_exemptions_are_counted_by_the_requests_citing_them(known: KnownRequests) -> None:
    counts = exemption_frequencies(alices(known), today=TODAY)
    # s.36: A1, A5, A9 (V1's and M1's are not alice's); s.40: A3, B2, B8. Ties in the
    # catalogue's order (law, then section as catalogued).
    assert counts[:2] == [
        ExemptionCount("FOIA s.36", "Prejudice to effective conduct of public affairs", 3),
        ExemptionCount("FOIA s.40", "Personal information", 3),
    ]
    assert {(item.citation, item.count) for item in counts[2:]} == {
        ("FOISA s.30", 1),
        ("FOISA s.38", 1),
        ("EIR reg 12(4)(b)", 1),
        ("FOIA s.35", 1),
        ("FOIA s.43", 1),
    }


def test_requests_are_counted_by_month_sent_and_first_outcome(known: KnownRequests) -> None:
    months = requests_by_month(alices(known), today=TODAY)
    d = dt.date
    assert months == [
        # A1 refused, B1 not held, B2 refused, C2 successful.
        MonthCount(d(2025, 11, 1), sent=4, successful=1, partially_successful=0, refused=2,
                   not_held=1, not_answered=0),
        # A2 successful, A3 partially, B8 refused.
        MonthCount(d(2025, 12, 1), sent=3, successful=1, partially_successful=1, refused=1,
                   not_held=0, not_answered=0),
        # A4 -, A8 successful, A9 refused, B3 successful, B9 successful, C3 refused.
        MonthCount(d(2026, 1, 1), sent=6, successful=3, partially_successful=0, refused=2,
                   not_held=0, not_answered=1),
        # A10, A11 successful, B4 partially, B5 -, C4 -.
        MonthCount(d(2026, 2, 1), sent=5, successful=2, partially_successful=1, refused=0,
                   not_held=0, not_answered=2),
        # A5 refused, A6 -, A12 -, B7 -, C1 refused, C5 successful.
        MonthCount(d(2026, 3, 1), sent=6, successful=1, partially_successful=0, refused=2,
                   not_held=0, not_answered=3),
        # B6 successful.
        MonthCount(d(2026, 4, 1), sent=1, successful=1, partially_successful=0, refused=0,
                   not_held=0, not_answered=0),
    ]  # fmt: skip


def test_months_without_requests_are_shown_as_zero(known: KnownRequests) -> None:
    months = requests_by_month(only(known, "B1", "A5"), today=TODAY)
    assert [month.month for month in months] == [
        dt.date(2025, 11, 1),
        dt.date(2025, 12, 1),
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
        dt.date(2026, 3, 1),
    ]
    assert [month.sent for month in months] == [1, 0, 0, 0, 1]


def test_the_response_times_are_bucketed_by_working_days(known: KnownRequests) -> None:
    buckets = response_time_distribution(alices(known), today=TODAY)
    assert buckets == [
        Bucket("0–5", 0, 5, 3),  # 0 (A8), 3 (B6), 4 (C5)
        Bucket("6–10", 6, 10, 3),  # 6 (A5), 10 (A10), 10 (B3)
        Bucket("11–15", 11, 15, 0),
        Bucket("16–20", 16, 20, 5),  # 19 (A9), 19 (B1), 20 (A2), 20 (B4), 20 (C2)
        Bucket("21–30", 21, 30, 6),  # 21 (A1), 21 (A11), 22 (B2), 22 (C1), 25 (C3), 28 (B8)
        Bucket("31–40", 31, 40, 1),  # 38 (A3)
        Bucket("41–60", 41, 60, 1),  # 44 (B9)
        Bucket("61 or more", 61, None, 0),
    ]


# --- scope ------------------------------------------------------------------------------


def test_a_campaigns_figures_leave_out_requests_outside_it(known: KnownRequests) -> None:
    requests = alices(known).filter(campaign=known.campaign)
    figures = request_statistics(requests, today=TODAY)
    # Without A8, A10 and C5 (no campaign; all three answered on time, in 0, 10, 4 wd).
    assert (figures.sent, figures.answered, figures.answered_on_time) == (22, 16, 8)
    # 3 6 10 19 19 20 20 20 | 21 21 22 22 25 28 38 44 -> (20 + 21) / 2; rank ceil(14.4) = 15.
    assert (figures.median_working_days, figures.p90_working_days) == (20.5, 38)


def test_other_peoples_private_requests_are_never_counted(known: KnownRequests) -> None:
    for_alice = request_statistics(
        FoiRequest.objects.visible_to(known.alice).filter(public_body=known.doe), today=TODAY
    )
    for_mallory = request_statistics(
        FoiRequest.objects.visible_to(known.mallory).filter(public_body=known.doe), today=TODAY
    )
    for_victor = request_statistics(
        FoiRequest.objects.visible_to(known.victor).filter(public_body=known.doe), today=TODAY
    )
    assert (for_alice.sent, for_alice.refused) == (11, 3)
    # M1 (refused; its internal review, asked for on 4 Mar, was due on 2 Apr) and M2 (no
    # answer, due on 31 Mar): both overdue.
    assert (for_mallory.sent, for_mallory.answered, for_mallory.overdue) == (2, 1, 2)
    assert for_mallory.reviews.requested == 1
    # Victor sees the campaign's shared DoE requests (A1-A7 but the draft, A9, A11, A12:
    # 9 sent) and his own V1; never alice's private A8 and A10.
    assert (for_victor.sent, for_victor.refused) == (10, 4)


def test_a_filter_that_joins_many_rows_does_not_count_a_request_twice(
    known: KnownRequests,
) -> None:
    # Filtering on exemptions joins one row per exemption: A9 cites two.
    requests = alices(known).filter(exemptions__law="uk-foia")
    figures = request_statistics(requests, today=TODAY)
    # A1, A3, A5, A9, B2, B8: six requests, not seven.
    assert figures.sent == 6


def test_no_requests_give_zeros_and_no_rates() -> None:
    figures = request_statistics(FoiRequest.objects.none(), today=TODAY)
    assert (figures.sent, figures.answered, figures.overdue) == (0, 0, 0)
    assert figures.on_time_rate is None
    assert figures.refusal_rate is None
    assert figures.median_working_days is None
    assert figures.p90_working_days is None


def test_the_dashboard_bundle_agrees_with_the_single_functions(known: KnownRequests) -> None:
    requests = alices(known)
    found = insights(requests, today=TODAY)
    assert found.statistics == request_statistics(requests, today=TODAY)
    assert list(found.bodies) == body_league_table(requests, today=TODAY)
    assert list(found.exemptions) == exemption_frequencies(requests, today=TODAY)
    assert list(found.months) == requests_by_month(requests, today=TODAY)
    assert list(found.response_times) == response_time_distribution(requests, today=TODAY)
