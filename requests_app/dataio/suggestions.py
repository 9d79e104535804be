"""Bodies a spreadsheet names that the tracker does not know: created by staff, suggested
by everyone else.

A member's import logs at once every row whose body is known; the rows naming an unknown
body wait in a suggestion (one per name and person). Accepting it creates the body — or
uses one staff created meanwhile under that name — and logs the waiting rows as that
person's requests, through the same import as before; rejecting it drops them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction

from requests_app.dataio.spreadsheet_import import (
    ImportPlan,
    ImportResult,
    RowPlan,
    plan_import,
    run_import,
    unique_slug,
)
from requests_app.dataio.tables import Table, cell_text
from requests_app.models import BodySuggestion, PublicBody, SuggestionStatus


@dataclass(frozen=True)
class MemberImport:
    result: ImportResult
    suggested: list[BodySuggestion]  # the bodies whose rows wait for staff


def import_rows(
    plan: ImportPlan,
    table: Table,
    mapping: Sequence[str],
    *,
    user: User,
    add_bodies: bool,
    skip_invalid: bool,
) -> MemberImport:
    """Staff add the unknown bodies; anyone else suggests them, holding their rows.

    One transaction: when the import is refused, no suggestion is left behind either.
    """
    if user.is_staff or not add_bodies:
        result = run_import(plan, user=user, create_bodies=add_bodies, skip_invalid=skip_invalid)
        return MemberImport(result, [])
    with transaction.atomic():
        waiting = [row for row in plan.rows if row.is_valid and row.body is None]
        held = {id(row) for row in waiting}
        plan.rows = [row for row in plan.rows if id(row) not in held]
        result = run_import(plan, user=user, create_bodies=False, skip_invalid=skip_invalid)
        suggested = hold_rows(waiting, cells_by_number(table, mapping), user)
    return MemberImport(result, suggested)


def cells_by_number(table: Table, mapping: Sequence[str]) -> dict[int, dict[str, str]]:
    """Each row's cells as text, by the import field its column was mapped to."""
    return {
        number: {key: cell_text(cell) for key, cell in zip(mapping, cells, strict=False) if key}
        for number, cells in table.numbered_rows()
    }


def hold_rows(
    rows: list[RowPlan], cells: dict[int, dict[str, str]], user: User
) -> list[BodySuggestion]:
    """Add the rows to the person's pending suggestion for each body name (made if new)."""
    suggestions: dict[str, BodySuggestion] = {}
    mine = BodySuggestion.objects.pending().filter(suggested_by=user)
    for row in rows:
        name = row.new_body_name
        key = name.lower()
        if key not in suggestions:
            found = mine.filter(name__iexact=name).first()
            suggestions[key] = found or BodySuggestion(name=name, suggested_by=user)
        suggestions[key].held_rows.append(cells[row.number])
    for suggestion in suggestions.values():
        suggestion.save()
    return list(suggestions.values())


def accept_suggestion(suggestion: BodySuggestion, *, by: User) -> ImportResult | None:
    """Create the body and log the waiting rows for the person; None if decided already."""
    with transaction.atomic():
        body = body_named(suggestion.name)
        if not suggestion.decide(status=SuggestionStatus.ACCEPTED, by=by, body=body):
            return None
        return import_held_rows(suggestion)


def reject_suggestion(suggestion: BodySuggestion, *, by: User) -> bool:
    return suggestion.decide(status=SuggestionStatus.REJECTED, by=by)


def body_named(name: str) -> PublicBody:
    """The body of that name, created unless staff added it meanwhile."""
    existing = PublicBody.objects.filter(name__iexact=name).first()
    if existing is not None:
        return existing
    taken = set(PublicBody.objects.values_list("slug", flat=True))
    return PublicBody.objects.create(name=name, slug=unique_slug(name, taken))


def import_held_rows(suggestion: BodySuggestion) -> ImportResult:
    """The waiting rows, through the import as if the person uploaded them again now."""
    rows: list[dict[str, str]] = suggestion.held_rows
    keys = tuple(sorted({key for row in rows for key in row}))
    table = Table(
        headers=keys,
        rows=tuple(tuple(row.get(key, "") for key in keys) for row in rows),
        numbers=tuple(range(2, len(rows) + 2)),
        encoding="utf-8",
    )
    plan = plan_import(table, keys, user=suggestion.suggested_by)
    return run_import(plan, user=suggestion.suggested_by, create_bodies=False, skip_invalid=True)
