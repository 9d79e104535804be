"""Importing a spreadsheet of requests: reading it, checking every row, writing it once."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import Workbook

from requests_app import models
from requests_app.dataio.spreadsheet_import import (
    IGNORE,
    ImportRefused,
    guess_mapping,
    plan_import,
    run_import,
    template_workbook,
)
from requests_app.dataio.tables import TableError, read_table
from requests_app.models.requests import DEADLINE_FIELDS
from tests.factories import CampaignFactory, MembershipFactory, PublicBodyFactory

pytestmark = pytest.mark.django_db

HEADER = "Title,Public body,Date sent,Response date,Outcome,Tags\r\n"


def csv_bytes(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return (header + "".join(row + "\r\n" for row in rows)).encode(encoding)


def plan_for(content: bytes, user: Any, filename: str = "requests.csv", **options: Any) -> Any:
    table = read_table(content, filename)
    return plan_import(table, guess_mapping(table.headers), user=user, **options)


def row_errors(plan: Any) -> dict[int, list[str]]:
    return {row.number: row.errors for row in plan.invalid_rows}


# --- reading the file ----------------------------------------------------------------------


def test_the_columns_are_recognised_by_their_usual_names() -> None:
    headers = ["Subject", "Authority", "Date sent", "Their ref", "Result", "Colour", "reference"]
    assert guess_mapping(headers) == [
        "title",
        "public_body",
        "sent_on",
        "their_reference",
        "outcome",
        IGNORE,
        IGNORE,
    ]


def test_an_excel_windows_1252_csv_is_read_with_its_pound_signs_and_accents(
    user: Any, health: models.PublicBody
) -> None:
    content = csv_bytes("Café contracts – £ spent,DHSC,05/01/2026,,,", encoding="cp1252")
    table = read_table(content)
    assert table.encoding == "Windows-1252"
    assert table.rows[0][0] == "Café contracts – £ spent"


def test_a_utf8_csv_with_a_byte_order_mark_and_semicolons_is_read(user: Any) -> None:
    content = "\ufeffTitle;Public body\r\nRéponse;DHSC\r\n".encode()
    table = read_table(content)
    assert table.headers == ("Title", "Public body")
    assert table.rows == (("Réponse", "DHSC"),)


def test_an_xlsx_with_date_cells_is_read(user: Any, health: models.PublicBody) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Title", "Public body", "Date sent", "Their reference"])
    sheet.append(["Beds", "DHSC", dt.datetime(2026, 1, 5), 12345])
    buffer = io.BytesIO()
    workbook.save(buffer)
    plan = plan_for(buffer.getvalue(), user, "requests.xlsx")
    assert plan.invalid_rows == []
    assert plan.rows[0].values["sent_on"] == dt.date(2026, 1, 5)
    assert plan.rows[0].values["their_reference"] == "12345"


def test_a_quote_that_is_never_closed_names_the_row() -> None:
    content = b'Title,Public body\r\nFine,DHSC\r\n"Broken,DHSC\r\nLast,DHSC\r\n'
    with pytest.raises(TableError, match="Row 3 cannot be read: unexpected end of data"):
        read_table(content)


def test_a_row_with_too_many_cells_is_reported_and_not_imported(
    user: Any, health: models.PublicBody
) -> None:
    content = csv_bytes("Beds,DHSC,,,,", "Waiting lists,DHSC,2026-01-05,,,nhs,beds")
    plan = plan_for(content, user)
    assert row_errors(plan) == {
        3: [
            "Row 3 has 7 cells but the header has 6 columns; a value with an unquoted comma "
            "is the usual cause."
        ]
    }
    assert [row.number for row in plan.valid_rows] == [2]


def test_a_file_that_is_too_big_is_refused_with_the_limit(settings: Any) -> None:
    settings.FOI_IMPORT_MAX_BYTES = 1000
    with pytest.raises(TableError, match=r"The file is 2\.3\sKB; the limit is 1000\sbytes"):
        read_table(csv_bytes(*["Beds,DHSC,,,,"] * 150))


def test_a_file_with_too_many_rows_is_refused(settings: Any) -> None:
    settings.FOI_IMPORT_MAX_ROWS = 10
    with pytest.raises(TableError, match="more than 10 rows"):
        read_table(csv_bytes(*["Beds,DHSC,,,,"] * 12))


def test_old_excel_files_and_damaged_workbooks_get_a_clear_message() -> None:
    with pytest.raises(TableError, match=r"old Excel \.xls file"):
        read_table(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "requests.xls")
    with pytest.raises(TableError, match="not a readable Excel workbook"):
        read_table(b"PK\x03\x04 not really a zip", "requests.xlsx")


def test_text_that_is_neither_utf8_nor_windows_1252_is_refused() -> None:
    with pytest.raises(TableError, match="not text in UTF-8 or Windows-1252"):
        read_table(b"Title,Public body\r\nA,\x81\x8d\x8f\r\n")


# --- checking the rows -----------------------------------------------------------------------


def test_iso_and_uk_dates_are_read_and_anything_else_is_named(
    user: Any, health: models.PublicBody
) -> None:
    content = csv_bytes(
        "A,DHSC,2026-01-05,,,",
        "B,DHSC,05/01/2026,,,",
        "C,DHSC,01/31/2026,,,",
        "D,DHSC,5 Jan 2026,,,",
    )
    plan = plan_for(content, user)
    assert [row.values["sent_on"] for row in plan.valid_rows] == [dt.date(2026, 1, 5)] * 2
    assert row_errors(plan) == {
        4: ["Date sent: “01/31/2026” is not a date; write it as YYYY-MM-DD or DD/MM/YYYY."],
        5: ["Date sent: “5 Jan 2026” is not a date; write it as YYYY-MM-DD or DD/MM/YYYY."],
    }


def test_dates_out_of_order_and_half_given_outcomes_are_errors(
    user: Any, health: models.PublicBody
) -> None:
    content = csv_bytes(
        "A,DHSC,2026-02-05,2026-02-01,refused,",
        "B,DHSC,2026-02-05,2026-03-01,,",
        "C,DHSC,2026-02-05,,lost,",
        "D,DHSC,2026-07-05,,,",
    )
    errors = row_errors(plan_for(content, user))
    assert errors[2] == ["The response cannot come before the request was sent."]
    assert errors[3] == ["A response date needs an outcome (successful, refused …)."]
    assert errors[4][0] == (
        "Outcome: “lost” should be successful, partially successful, refused or not held."
    )
    assert errors[5] == ["Date sent (05/07/2026) is in the future."]


def test_an_unknown_column_is_left_out_with_a_note(user: Any, health: models.PublicBody) -> None:
    content = csv_bytes("A,DHSC,,,,,blue", header=HEADER.strip() + ",Colour\r\n")
    plan = plan_for(content, user)
    assert plan.invalid_rows == []
    assert plan.notes == [
        "Column “Colour” does not match any field and will not be imported; choose a field "
        "for it if it should be."
    ]


def test_a_mapping_without_a_title_or_with_a_field_twice_stops_everything(user: Any) -> None:
    table = read_table(csv_bytes("A,DHSC,,,,"))
    plan = plan_import(table, ["title", "title", "", "", "", ""], user=user)
    assert plan.rows == []
    assert plan.errors == [
        "Several columns are set to “Title”; choose one.",
        "No column is set to “Public body”, which every request needs.",
    ]


def test_bodies_match_by_name_or_short_name_in_any_case(
    user: Any, health: models.PublicBody
) -> None:
    plan = plan_for(csv_bytes("A,dhsc,,,,", "B,department of health and social care,,,,"), user)
    assert [row.body for row in plan.rows] == [health, health]


def test_an_ambiguous_short_name_is_an_error(user: Any) -> None:
    PublicBodyFactory.create(name="Office One", short_name="OO")
    PublicBodyFactory.create(name="Office Two", short_name="OO")
    plan = plan_for(csv_bytes("A,OO,,,,"), user)
    assert row_errors(plan) == {
        2: ["“OO” is the short name of several bodies (Office One; Office Two)."]
    }


def test_unknown_bodies_are_listed_and_created_only_when_confirmed(user: Any) -> None:
    content = csv_bytes("A,Ministry of Silly Walks,,,,", "B,ministry of silly walks,,,,")
    plan = plan_for(content, user)
    assert plan.unknown_bodies == ["Ministry of Silly Walks"]
    assert row_errors(plan)[2] == [
        "“Ministry of Silly Walks” is not a public body the tracker knows; confirm below "
        "that it should be added."
    ]
    with pytest.raises(ImportRefused):
        run_import(plan, user=user, create_bodies=False)
    assert not models.PublicBody.objects.filter(name__icontains="silly").exists()

    confirmed = plan_for(content, user, create_bodies=True)
    result = run_import(confirmed, user=user, create_bodies=True)
    assert result.bodies_created == ["Ministry of Silly Walks"]
    body = models.PublicBody.objects.get(slug="ministry-of-silly-walks")
    assert body.requests.count() == 2


def test_a_campaign_the_user_cannot_edit_is_an_error(user: Any, health: models.PublicBody) -> None:
    mine = CampaignFactory.create(name="Mine", slug="mine")
    MembershipFactory.create(campaign=mine, user=user, role=models.Role.EDITOR)
    looking = CampaignFactory.create(name="Looking", slug="looking")
    MembershipFactory.create(campaign=looking, user=user, role=models.Role.VIEWER)
    header = "Title,Public body,Campaign\r\n"
    plan = plan_for(csv_bytes("A,DHSC,mine", "B,DHSC,Looking", header=header), user)
    assert plan.rows[0].values["campaign"] == mine
    assert row_errors(plan) == {3: ["“Looking” is not a campaign you can add requests to."]}


# --- writing ---------------------------------------------------------------------------------


def test_the_dates_given_become_the_requests_history_and_deadlines(
    user: Any, health: models.PublicBody
) -> None:
    header = "Title,Public body,Date sent,Response date,Outcome,Review requested,Review decided\r\n"
    content = csv_bytes(
        "Waiting,DHSC,2026-06-01,,,,",
        "Answered,DHSC,2026-01-05,2026-01-30,refused,2026-02-10,2026-03-05",
        header=header,
    )
    result = run_import(plan_for(content, user), user=user, create_bodies=False)
    waiting, answered = (
        models.FoiRequest.objects.get(reference=reference) for _, reference in result.imported
    )
    assert waiting.status == models.Status.AWAITING_RESPONSE
    assert waiting.due_on == dt.date(2026, 6, 30)  # 15 June 2026: a Scottish bank holiday
    assert waiting.owner == user
    assert answered.status == models.Status.REFUSED  # the review kept the outcome
    kinds = [(event.kind, event.on) for event in answered.events.exclude(kind="created")]
    assert kinds == [
        ("sent", dt.date(2026, 1, 5)),
        ("response", dt.date(2026, 1, 30)),
        ("review_requested", dt.date(2026, 2, 10)),
        ("review_decided", dt.date(2026, 3, 5)),
    ]
    assert answered.review_due_on == dt.date(2026, 3, 10)


def test_rows_with_errors_stop_the_import_unless_skipping_them_is_asked_for(
    user: Any, health: models.PublicBody
) -> None:
    content = csv_bytes("Good,DHSC,2026-01-05,,,", "Bad,DHSC,yesterday,,,", "Also good,DHSC,,,,")
    plan = plan_for(content, user)
    with pytest.raises(ImportRefused, match="Row 3 has errors; nothing was imported"):
        run_import(plan, user=user, create_bodies=False)
    assert not models.FoiRequest.objects.exists()

    result = run_import(plan, user=user, create_bodies=False, skip_invalid=True)
    assert [number for number, _ in result.imported] == [2, 4]
    assert result.skipped == [3]
    assert models.FoiRequest.objects.count() == 2


def test_tags_are_found_or_made(user: Any, health: models.PublicBody) -> None:
    models.Tag.objects.get_or_create(slug="nhs", defaults={"name": "NHS"})
    run_import(plan_for(csv_bytes("A,DHSC,,,,NHS; Beds"), user), user=user, create_bodies=False)
    foi_request = models.FoiRequest.objects.get()
    assert sorted(tag.slug for tag in foi_request.tags.all()) == ["beds", "nhs"]


def test_the_template_is_a_workbook_the_import_reads(user: Any) -> None:
    table = read_table(template_workbook(), "template.xlsx")
    assert IGNORE not in guess_mapping(table.headers)
    assert table.rows[0][1] == "Department of Health and Social Care"


def test_the_import_records_exactly_what_recording_each_event_by_hand_records(
    user: Any, health: models.PublicBody
) -> None:
    header = (
        "Title,Public body,Date sent,Date received,Response date,Outcome,"
        "Review requested,Review decided,Review result\r\n"
    )
    rows = [
        ["Draft", "", "", "", "", "", "", ""],
        ["Waiting", "2026-05-11", "2026-05-13", "", "", "", "", ""],
        ["Answered", "2026-01-05", "", "2026-02-02", "not held", "", "", ""],
        ["Reviewed", "2026-01-05", "", "2026-02-02", "refused", "2026-02-09", "", ""],
        [
            "Decided",
            "2026-01-05",
            "",
            "2026-02-02",
            "refused",
            "2026-02-09",
            "2026-03-02",
            "successful",
        ],
    ]
    content = csv_bytes(*(",".join([row[0], "DHSC", *row[1:]]) for row in rows), header=header)
    result = run_import(plan_for(content, user), user=user, create_bodies=False)
    today = dt.date(2026, 6, 30)
    for (number, reference), row in zip(result.imported, rows, strict=True):
        imported = models.FoiRequest.objects.get(reference=reference)
        by_hand = record_by_hand(user, health, number, row, today)
        assert state(imported) == state(by_hand), row[0]


def record_by_hand(
    user: Any, body: models.PublicBody, number: int, row: list[str], today: dt.date
) -> models.FoiRequest:
    title, sent, received, response, outcome, asked, decided, result = row
    foi_request = models.FoiRequest.objects.create(
        title=title, public_body=body, owner=user, regime="uk-foia",
        sent_on=maybe_day(sent), received_on=maybe_day(received),
    )  # fmt: skip
    details = {"source": "spreadsheet", "row": number}
    foi_request.record_event(models.EventKind.CREATED, on=today, actor=user, details=details)
    if sent:
        foi_request.mark_sent(on=day(sent), actor=user)
    if response:
        outcome = outcome.replace(" ", "_")
        foi_request.record_response(on=day(response), outcome=outcome, actor=user)
    if asked:
        foi_request.record_event(models.EventKind.REVIEW_REQUESTED, on=day(asked), actor=user)
    if decided:
        kind = models.EventKind.REVIEW_DECIDED
        foi_request.record_event(kind, on=day(decided), actor=user, status=result)
    foi_request.refresh_from_db()
    return foi_request


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def maybe_day(text: str) -> dt.date | None:
    return day(text) if text else None


def state(foi_request: models.FoiRequest) -> tuple[Any, ...]:
    fields = ("status", "sent_on", "received_on", *DEADLINE_FIELDS)
    events = [
        (event.kind, event.on, event.details, event.actor_id)
        for event in foi_request.events.order_by("on", "id")
    ]
    return tuple(getattr(foi_request, name) for name in fields), events
