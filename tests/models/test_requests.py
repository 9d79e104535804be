from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from requests_app.casework.services import refresh_open_deadlines
from requests_app.models import (
    EventKind,
    Exemption,
    FoiRequest,
    NonWorkingDay,
    ReferenceCounter,
    RequestEvent,
    Status,
)
from tests.factories import FoiRequestFactory, PublicBodyFactory, TagFactory

pytestmark = pytest.mark.django_db


def test_sending_a_request_stores_its_statutory_deadlines():
    foi_request = FoiRequestFactory.sent(dt.date(2025, 11, 28))
    assert foi_request.status == Status.AWAITING_RESPONSE
    assert foi_request.due_on == dt.date(2025, 12, 31)
    assert foi_request.next_due_on == dt.date(2025, 12, 31)
    assert foi_request.very_overdue_on == dt.date(2026, 1, 30)
    assert "St Andrew" in foi_request.deadline_explanations["due_on"]["summary"]


def test_every_status_change_is_an_event_with_from_and_to():
    foi_request = FoiRequestFactory.sent(dt.date(2026, 1, 5))
    foi_request.record_event(EventKind.EXTENSION_CLAIMED, on=dt.date(2026, 1, 20))
    kinds = list(foi_request.events.values_list("kind", "details"))
    assert kinds[0][0] == EventKind.SENT
    assert kinds[0][1]["status_to"] == Status.AWAITING_RESPONSE
    assert kinds[1] == (
        EventKind.EXTENSION_CLAIMED,
        {"status_from": Status.AWAITING_RESPONSE, "status_to": Status.EXTENDED},
    )


def test_a_clarification_moves_the_stored_due_date_to_twenty_days_after_the_answer():
    foi_request = FoiRequestFactory.sent(dt.date(2026, 1, 5))
    assert foi_request.due_on == dt.date(2026, 2, 2)
    foi_request.record_event(EventKind.CLARIFICATION_REQUESTED, on=dt.date(2026, 1, 9))
    assert foi_request.status == Status.AWAITING_CLARIFICATION
    assert foi_request.due_on is None
    foi_request.record_event(EventKind.CLARIFICATION_ANSWERED, on=dt.date(2026, 1, 12))
    assert foi_request.status == Status.AWAITING_RESPONSE
    assert foi_request.due_on == dt.date(2026, 2, 9)


def test_a_fee_notice_pauses_the_clock_until_payment():
    foi_request = FoiRequestFactory.sent(dt.date(2026, 1, 5))
    foi_request.record_event(EventKind.FEE_NOTICE, on=dt.date(2026, 1, 12))
    assert foi_request.due_on is None
    foi_request.record_event(EventKind.FEE_PAID, on=dt.date(2026, 1, 16))
    # FOIA s.10(2): the five working days 12-16 Jan are disregarded.
    assert foi_request.due_on == dt.date(2026, 2, 9)


def test_an_extension_with_the_bodys_own_date_becomes_the_current_deadline():
    foi_request = FoiRequestFactory.sent(dt.date(2026, 1, 5))
    foi_request.record_event(
        EventKind.EXTENSION_CLAIMED, on=dt.date(2026, 1, 30), new_due_on=dt.date(2026, 2, 20)
    )
    assert foi_request.status == Status.EXTENDED
    assert foi_request.extended_due_on == dt.date(2026, 2, 20)
    assert foi_request.next_due_on == dt.date(2026, 2, 20)


def test_a_standard_public_interest_extension_adds_twenty_working_days():
    foi_request = FoiRequestFactory.sent(dt.date(2026, 1, 5))
    foi_request.record_event(EventKind.EXTENSION_CLAIMED, on=dt.date(2026, 1, 30))
    assert foi_request.extended_due_on == dt.date(2026, 3, 2)


def test_a_review_request_sets_the_review_deadline_and_makes_it_current():
    foi_request = FoiRequestFactory.sent(dt.date(2026, 1, 5))
    foi_request.record_response(on=dt.date(2026, 1, 26), outcome=Status.REFUSED)
    assert foi_request.next_due_on is None
    assert foi_request.escalation_closes_on is not None
    foi_request.record_event(EventKind.REVIEW_REQUESTED, on=dt.date(2026, 2, 2))
    assert foi_request.status == Status.AWAITING_REVIEW
    assert foi_request.review_due_on == dt.date(2026, 3, 2)
    assert foi_request.next_due_on == dt.date(2026, 3, 2)


def test_a_response_records_its_outcome_and_the_exemptions_cited():
    s36 = Exemption.objects.get(law="uk-foia", section="36")
    foi_request = FoiRequestFactory.sent(dt.date(2026, 1, 5))
    event = foi_request.record_response(
        on=dt.date(2026, 1, 26), outcome=Status.REFUSED, exemptions=[s36]
    )
    assert foi_request.status == Status.REFUSED
    assert list(foi_request.exemptions.all()) == [s36]
    assert event.details["outcome"] == Status.REFUSED


def test_a_response_must_be_an_outcome():
    foi_request = FoiRequestFactory.sent(dt.date(2026, 1, 5))
    with pytest.raises(ValueError, match="Not an outcome"):
        foi_request.record_response(on=dt.date(2026, 1, 26), outcome=Status.EXTENDED)
    assert not foi_request.events.filter(kind=EventKind.RESPONSE).exists()


def test_a_scottish_body_under_foisa_counts_scottish_holidays_only():
    body = PublicBodyFactory(nation="SCT", default_regime="scot-foisa")
    foi_request = FoiRequestFactory.sent(
        dt.date(2026, 3, 30), public_body=body, regime="scot-foisa"
    )
    # Easter Monday (6 Apr 2026) is a working day in Scotland (FOISA s.73).
    assert foi_request.due_on == dt.date(2026, 4, 28)


def test_a_school_is_very_overdue_only_after_sixty_working_days():
    school = PublicBodyFactory()
    school.tags.add(TagFactory(name="School", slug="school"))
    foi_request = FoiRequestFactory.sent(dt.date(2026, 1, 5), public_body=school)
    # 60 working days, skipping St Patrick's Day (17 Mar, Northern Ireland).
    assert foi_request.very_overdue_on == dt.date(2026, 3, 31)


def test_adding_a_non_working_day_moves_open_requests_and_leaves_finished_ones():
    waiting = FoiRequestFactory.sent(dt.date(2026, 6, 1))
    answered = FoiRequestFactory.sent(dt.date(2026, 6, 1))
    answered.record_response(on=dt.date(2026, 6, 10), outcome=Status.SUCCESSFUL)
    closed = FoiRequestFactory.sent(dt.date(2026, 6, 1))
    closed.record_event(EventKind.CLOSED, on=dt.date(2026, 6, 2))
    NonWorkingDay.objects.create(on=dt.date(2026, 6, 29), name="Proclaimed", calendar="uk")

    assert refresh_open_deadlines() == 2
    waiting.refresh_from_db()
    closed.refresh_from_db()
    assert waiting.due_on == dt.date(2026, 7, 1)
    assert waiting.next_due_on == dt.date(2026, 7, 1)
    assert closed.due_on == dt.date(2026, 6, 30)  # closed: left as it was
    assert "Proclaimed" in waiting.deadline_explanations["due_on"]["summary"]


def test_refreshing_many_requests_reads_a_constant_number_of_queries(
    django_assert_max_num_queries,
):
    for _ in range(30):
        FoiRequestFactory.sent(dt.date(2026, 6, 1))
    NonWorkingDay.objects.create(on=dt.date(2026, 6, 29), name="Proclaimed", calendar="uk")
    with django_assert_max_num_queries(10):
        assert refresh_open_deadlines() == 30


def test_references_count_up_per_year_of_sending():
    first = FoiRequestFactory(sent_on=dt.date(2025, 12, 30))
    second = FoiRequestFactory(sent_on=dt.date(2025, 12, 31))
    third = FoiRequestFactory(sent_on=dt.date(2026, 1, 2))
    assert (first.reference, second.reference) == ("FOI-2025-0001", "FOI-2025-0002")
    assert third.reference == "FOI-2026-0001"


def test_the_history_survives_only_through_events():
    foi_request = FoiRequestFactory.sent(dt.date(2026, 1, 5))
    assert RequestEvent.objects.filter(request=foi_request).count() == 1
    assert FoiRequest.objects.get(pk=foi_request.pk).status == Status.AWAITING_RESPONSE


@pytest.mark.django_db(transaction=True)
def test_concurrent_callers_never_get_the_same_reference():
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(
        "file:memorydb"
    ):
        pytest.skip("an in-memory SQLite database is not shared between threads")
    references: list[str] = []
    errors: list[BaseException] = []

    def take_five() -> None:
        try:
            for _ in range(5):
                references.append(ReferenceCounter.next_reference(2030))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=take_five) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(references) == [f"FOI-2030-{n:04d}" for n in range(1, 21)]
