"""The SQLite backend's own counting: its facets are counted in Python over the window of
candidate rows the statement read (PostgreSQL counts them in its statement)."""

from __future__ import annotations

from requests_app.search.plan import KIND_CODES
from requests_app.search.sqlite import CANDIDATE_COLUMNS, count_facets

REQUEST, MESSAGE, PAGE = KIND_CODES["request"], KIND_CODES["message"], KIND_CODES["page"]


def row(
    kind: int, status: str | None, body: int | None, campaign: int | None, file_type: str
) -> tuple[object, ...]:
    """A candidate row as the statement reads it, ranked 1.0."""
    values = {
        "kind": kind,
        "status": status,
        "public_body_id": body,
        "campaign_id": campaign,
        "file_type": file_type,
    }
    return (*(values.get(column) for column in CANDIDATE_COLUMNS), 1.0)


def test_it_counts_each_facet_as_text_and_a_file_type_only_for_document_pages() -> None:
    rows = [
        row(PAGE, "refused", 7, 3, "pdf"),
        row(MESSAGE, "refused", 7, None, "pdf"),  # a letter's file type is not counted
        row(PAGE, "successful", 9, 3, "pdf"),
        row(REQUEST, "", 9, 3, ""),
        row(PAGE, None, None, None, "spreadsheet"),
    ]
    assert count_facets(rows) == {
        "kind": {"page": 3, "message": 1, "request": 1},
        "status": {"refused": 2, "successful": 1},
        "body": {"7": 2, "9": 2},
        "campaign": {"3": 3},
        "file_type": {"pdf": 2, "spreadsheet": 1},
    }


def test_no_candidates_count_nothing_but_name_every_facet() -> None:
    assert count_facets([]) == {
        "kind": {},
        "status": {},
        "body": {},
        "campaign": {},
        "file_type": {},
    }
