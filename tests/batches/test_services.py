"""Creating, sending and acting on a batch: each member once, logged on each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail

from requests_app import models
from requests_app.batches import services
from requests_app.batches.services import BulkAction
from requests_app.batches.tasks import send_letters
from requests_app.mail.addresses import reply_address
from tests.batches.conftest import travel_to
from tests.factories import make_batch

pytestmark = pytest.mark.django_db


def test_each_member_is_an_ordinary_draft_request_with_its_own_reference_and_letter(
    user: User, campaign: models.Campaign, make_bodies: Callable[..., list[Any]], monday: dt.date
) -> None:
    bodies = make_bodies(3)
    batch = make_batch(owner=user, bodies=bodies, campaign=campaign)
    members = list(batch.members.order_by("reference"))
    assert [m.reference for m in members] == ["FOI-2026-0001", "FOI-2026-0002", "FOI-2026-0003"]
    first = members[0]
    assert first.status == models.Status.DRAFT
    assert first.visibility == models.Visibility.CAMPAIGN
    assert first.campaign == campaign
    assert first.text.startswith(f"Dear {first.public_body.name},")
    assert f"Our ref {first.reference}." in first.text
    assert first.events.get().kind == models.EventKind.CREATED
    # The next request logged by hand carries on from the batch's references.
    assert models.ReferenceCounter.next_reference(2026) == "FOI-2026-0004"


def test_a_batch_without_a_campaign_is_private_to_its_owner(
    user: User, make_bodies: Callable[..., list[Any]], monday: dt.date
) -> None:
    batch = make_batch(owner=user, bodies=make_bodies(1))
    assert batch.members.get().visibility == models.Visibility.PRIVATE


def test_sending_from_the_app_is_throttled_each_minute_and_finishes(
    user: User,
    make_bodies: Callable[..., list[Any]],
    monday: dt.date,
    django_capture_on_commit_callbacks: Any,
) -> None:
    batch = make_batch(owner=user, bodies=make_bodies(5))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.start_sending(batch=batch, actor=user, throttle_per_minute=2)
    assert len(mail.outbox) == 2
    for expected in (4, 5, 5):  # beat runs every minute
        with django_capture_on_commit_callbacks(execute=True):
            send_letters.delay()
        assert len(mail.outbox) == expected
    batch.refresh_from_db()
    assert batch.send_finished_at is not None
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted(member.public_body.foi_email for member in batch.members.all())
    reply_tos = {message.message()["Reply-To"] for message in mail.outbox}
    assert reply_tos == {reply_address(member) for member in batch.members.all()}
    for member in batch.members.all():
        assert member.status == models.Status.AWAITING_RESPONSE
        assert member.due_on == dt.date(2026, 2, 2)


def test_sending_twice_or_starting_again_sends_each_letter_once(
    user: User,
    make_bodies: Callable[..., list[Any]],
    monday: dt.date,
    django_capture_on_commit_callbacks: Any,
) -> None:
    batch = make_batch(owner=user, bodies=make_bodies(3))
    with django_capture_on_commit_callbacks(execute=True):
        services.start_sending(batch=batch, actor=user, throttle_per_minute=10)
        assert not services.start_sending(batch=batch, actor=user, throttle_per_minute=10)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_next_letters(batch_id=batch.pk)
        send_letters.delay()
    assert len(mail.outbox) == 3
    assert models.MemberAction.objects.filter(action="send").count() == 3


def test_bodies_without_an_address_wait_to_be_recorded_as_sent_by_post(
    user: User,
    make_bodies: Callable[..., list[Any]],
    monday: dt.date,
    django_capture_on_commit_callbacks: Any,
) -> None:
    bodies = make_bodies(2) + make_bodies(1, prefix="Paper Council", email=False)
    bodies[1].email_failing = True
    bodies[1].save()
    batch = make_batch(owner=user, bodies=bodies)
    with django_capture_on_commit_callbacks(execute=True):
        services.start_sending(batch=batch, actor=user, throttle_per_minute=10)
    assert [message.to[0] for message in mail.outbox] == [bodies[0].foi_email]
    batch.refresh_from_db()
    assert batch.send_finished_at is not None
    waiting = services.bodies_without_email(batch)
    assert {m.public_body for m in waiting} == {bodies[1], bodies[2]}
    result = services.run_bulk_action(
        batch=batch,
        action=BulkAction.SENT_BY_POST,
        members=batch.members.all(),
        actor=user,
        today=monday,
        on=monday,
    )
    assert sorted(result.done) == sorted(m.reference for m in waiting)
    paper = batch.members.get(public_body=bodies[2])
    assert paper.status == models.Status.AWAITING_RESPONSE
    assert paper.events.get(kind="sent").details["sent"] == "post or web form"


def test_recording_as_sent_elsewhere_sends_nothing_and_starts_every_clock(
    user: User, make_bodies: Callable[..., list[Any]], monday: dt.date
) -> None:
    batch = make_batch(owner=user, bodies=make_bodies(3))
    done = services.record_sent_elsewhere(batch=batch, on=dt.date(2026, 1, 2), actor=user)
    assert len(done) == 3
    assert mail.outbox == []
    for member in batch.members.all():
        assert member.sent_on == dt.date(2026, 1, 2)
        assert member.due_on == dt.date(2026, 1, 30)
    with pytest.raises(services.BatchError):
        services.record_sent_elsewhere(batch=batch, on=monday, actor=user)


def test_a_letter_that_fails_does_not_hold_up_the_others_and_is_retried(
    user: User,
    make_bodies: Callable[..., list[Any]],
    monday: dt.date,
    smtp_server: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    bodies = make_bodies(4)
    smtp_server.busy[bodies[0].foi_email] = 2  # refused twice, then accepted
    smtp_server.gone.add(bodies[1].foi_email)  # never accepted
    batch = make_batch(owner=user, bodies=bodies)
    with django_capture_on_commit_callbacks(execute=True):
        services.start_sending(batch=batch, actor=user, throttle_per_minute=10)
    delivered = sorted(rcpt for got in smtp_server.received for rcpt in got.rcpt_tos)
    assert delivered == sorted([bodies[0].foi_email, bodies[2].foi_email, bodies[3].foi_email])
    retried = models.Message.objects.get(request__public_body=bodies[0])
    assert retried.send_status == models.SendStatus.SENT
    assert retried.send_attempts == 3
    failed = models.Message.objects.get(request__public_body=bodies[1])
    assert failed.send_status == models.SendStatus.FAILED
    assert batch.members.get(public_body=bodies[1]).status == models.Status.DRAFT
    # Sending failed letters again is a bulk action too.
    smtp_server.gone.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.run_bulk_action(
            batch=batch, action=BulkAction.RESEND, members=batch.members.all(), actor=user,
            today=monday,
        )  # fmt: skip
    failed.refresh_from_db()
    assert failed.send_status == models.SendStatus.SENT
    assert batch.members.get(public_body=bodies[1]).status == models.Status.AWAITING_RESPONSE


def sent_batch(user: User, bodies: list[Any], on: dt.date) -> models.Batch:
    batch = make_batch(owner=user, bodies=bodies)
    services.record_sent_elsewhere(batch=batch, on=on, actor=user)
    return batch


def test_a_chaser_goes_to_each_overdue_member_once(
    user: User,
    make_bodies: Callable[..., list[Any]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with travel_to(dt.date(2026, 1, 5)):
        batch = sent_batch(user, make_bodies(3), dt.date(2026, 1, 5))
        answered = batch.members.order_by("pk").first()
        answered.record_response(on=dt.date(2026, 1, 20), outcome=models.Status.SUCCESSFUL)
    with travel_to(dt.date(2026, 2, 10)):
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                result = services.run_bulk_action(
                    batch=batch, action=BulkAction.CHASER, members=batch.members.all(),
                    actor=user, today=dt.date(2026, 2, 10),
                )  # fmt: skip
    assert len(mail.outbox) == 2
    assert all(message.message()["Subject"].startswith("Overdue: ") for message in mail.outbox)
    assert "6 working days ago" in mail.outbox[0].message().get_payload()
    assert result.done == []
    assert {why for _, why in result.skipped} == {"already done"}
    chased = batch.members.exclude(pk=answered.pk)
    for member in chased:
        assert member.events.filter(kind="message_logged", details__letter="chaser").count() == 1
        assert models.AuditEntry.objects.filter(request=member, action="batch.chaser").count() == 1


def test_an_internal_review_is_asked_for_each_refusal_citing_the_exemption(
    user: User,
    make_bodies: Callable[..., list[Any]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    s43 = models.Exemption.objects.get(law="uk-foia", section="43")
    s40 = models.Exemption.objects.get(law="uk-foia", section="40")
    with travel_to(dt.date(2026, 1, 5)):
        batch = sent_batch(user, make_bodies(4), dt.date(2026, 1, 5))
    one, two, three, _four = batch.members.order_by("pk")
    with travel_to(dt.date(2026, 1, 26)):
        one.record_response(on=dt.date(2026, 1, 26), outcome="refused", exemptions=[s43])
        two.record_response(
            on=dt.date(2026, 1, 26), outcome="partially_successful", exemptions=[s43]
        )
        three.record_response(on=dt.date(2026, 1, 26), outcome="refused", exemptions=[s40])
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                services.run_bulk_action(
                    batch=batch, action=BulkAction.INTERNAL_REVIEW, members=batch.members.all(),
                    actor=user, today=dt.date(2026, 1, 26), exemption=s43,
                )  # fmt: skip
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [one.public_body.foi_email, two.public_body.foi_email]
    )
    assert "You relied on FOIA s.43" in mail.outbox[0].message().get_payload()
    for member in (one, two):
        member.refresh_from_db()
        assert member.status == models.Status.AWAITING_REVIEW
    three.refresh_from_db()
    assert three.status == models.Status.REFUSED


def test_withdrawing_is_recorded_once_on_each_member(
    user: User, make_bodies: Callable[..., list[Any]], monday: dt.date
) -> None:
    batch = sent_batch(user, make_bodies(2), monday)
    for _ in range(2):
        services.run_bulk_action(
            batch=batch, action=BulkAction.WITHDRAWN, members=batch.members.all(), actor=user,
            today=monday,
        )  # fmt: skip
    for member in batch.members.all():
        assert member.status == models.Status.WITHDRAWN
        assert member.events.filter(kind="withdrawn").count() == 1
        assert member.events.get(kind="withdrawn").details["batch"] == batch.pk


def test_an_answer_is_stored_typed_and_a_bad_one_stores_nothing(
    user: User, make_bodies: Callable[..., list[Any]], monday: dt.date
) -> None:
    batch = sent_batch(user, make_bodies(1), monday)
    member = batch.members.get()
    count = models.AnswerField.objects.create(batch=batch, name="Therapists", kind="number")
    kept = models.AnswerField.objects.create(batch=batch, name="List kept", kind="yes_no")
    since = models.AnswerField.objects.create(batch=batch, name="Since", kind="date")
    fields = [count, kept, since]
    bad = services.save_answers(
        member=member, values={count.pk: "about ten", kept.pk: "yes", since.pk: ""},
        source=None, actor=user, fields=fields,
    )  # fmt: skip
    assert list(bad.by_field) == [count.pk]
    assert not models.Answer.objects.exists()
    good = services.save_answers(
        member=member, values={count.pk: "£1,234.50", kept.pk: "No", since.pk: "31/03/2025"},
        source=None, actor=user, fields=fields,
    )  # fmt: skip
    assert not good.by_field
    answers = {a.field.name: a for a in models.Answer.objects.select_related("field")}
    assert answers["Therapists"].value_text == "1234.5"
    assert str(answers["Therapists"].value_number) == "1234.5000"
    assert answers["List kept"].value_bool is False
    assert answers["Since"].value_date == dt.date(2025, 3, 31)
    assert models.AuditEntry.objects.filter(request=member, action="answer.saved").count() == 3
    services.save_answers(
        member=member, values={count.pk: "", kept.pk: "no", since.pk: "2025-03-31"},
        source=None, actor=user, fields=fields,
    )  # fmt: skip
    assert not models.Answer.objects.filter(field=count).exists()
