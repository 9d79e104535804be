"""Importing public bodies from the CSV WhatDoTheyKnow publishes of its authorities.

The columns are Alaveteli's `PublicBodyCSV` default headers: Name, Short name, URL name,
Tags, Home page, Publication scheme, Disclosure log, Notes, Created at, Updated at,
Version. Tags are space-separated; "machine tags" carry a value after a colon
(`wikidata:Q123`) and are left out. Rows update the body with the same name or are
created; tags are added, never taken away, so that tags set here (such as "school",
which changes deadlines) survive an import. All rows go in in one transaction, or none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.html import strip_tags
from django.utils.text import slugify

from requests_app.dataio.spreadsheet_import import unique_slug
from requests_app.dataio.tables import Table, TableError, cell_text, read_csv
from requests_app.models import Nation, PublicBody, Tag

HEADERS = (
    "Name",
    "Short name",
    "URL name",
    "Tags",
    "Home page",
    "Publication scheme",
    "Disclosure log",
    "Notes",
    "Created at",
    "Updated at",
    "Version",
)
# WhatDoTheyKnow tags Scottish authorities "scotland", and bodies that are gone "defunct".
NATION_TAGS: dict[str, str] = {"scotland": Nation.SCOTLAND}
DEFUNCT_TAG = "defunct"
NATION_REGIMES: dict[str, str] = {Nation.SCOTLAND: "scot-foisa"}
MAX_NAME = 255
MAX_SHORT_NAME = 60
MAX_URL = 200


@dataclass
class BodyRow:
    number: int
    name: str
    short_name: str = ""
    url_name: str = ""
    tags: list[str] = field(default_factory=list)
    website: str = ""
    notes: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def nation(self) -> str | None:
        return next((NATION_TAGS[tag] for tag in self.tags if tag in NATION_TAGS), None)


@dataclass
class BodiesImport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # nothing was written when not empty
    dry_run: bool = False


def import_bodies_csv(content: bytes, *, dry_run: bool = False) -> BodiesImport:
    """Read, check and (unless a dry run, and only when every row is good) write."""
    try:
        table = read_csv(content)
    except TableError as error:
        return BodiesImport(errors=[str(error)], dry_run=dry_run)
    problems = header_problems(table.headers)
    if problems:
        return BodiesImport(errors=problems, dry_run=dry_run)
    rows = read_rows(table)
    errors = [f"Row {row.number}: {error}" for row in rows for error in row.errors]
    errors += [problem.message for problem in table.problems]
    errors += duplicate_names(rows)
    if errors:
        return BodiesImport(errors=errors, dry_run=dry_run)
    result = BodiesImport(dry_run=dry_run)
    with transaction.atomic():
        write_rows(rows, result)
        if dry_run:
            transaction.set_rollback(True)
    return result


def header_problems(headers: Sequence[str]) -> list[str]:
    if "Name" not in headers:
        return [
            "The file has no “Name” column. The columns should be WhatDoTheyKnow's: "
            + ", ".join(HEADERS)
            + "."
        ]
    unknown = [header for header in headers if header and header not in HEADERS]
    if unknown:
        return [
            "Unknown column"
            + ("s " if len(unknown) > 1 else " ")
            + ", ".join(f"“{header}”" for header in unknown)
            + ". The columns should be WhatDoTheyKnow's: "
            + ", ".join(HEADERS)
            + "."
        ]
    return []


def read_rows(table: Table) -> list[BodyRow]:
    rows = []
    for number, cells in table.numbered_rows():
        values = {
            header: cell_text(cell) for header, cell in zip(table.headers, cells, strict=True)
        }
        rows.append(read_row(number, values))
    return rows


def read_row(number: int, values: dict[str, str]) -> BodyRow:
    row = BodyRow(number, name=values.get("Name", ""))
    if not row.name:
        row.errors.append("the name is empty.")
    elif len(row.name) > MAX_NAME:
        row.errors.append(f"the name is longer than {MAX_NAME} characters.")
    row.short_name = values.get("Short name", "")
    if len(row.short_name) > MAX_SHORT_NAME:
        row.errors.append(f"the short name is longer than {MAX_SHORT_NAME} characters.")
    row.url_name = values.get("URL name", "")
    row.tags = [tag for tag in values.get("Tags", "").split() if ":" not in tag]
    row.website = values.get("Home page", "")
    if row.website and not is_url(row.website):
        row.errors.append(f"the home page “{row.website}” is not a web address.")
    row.notes = notes_text(values)
    return row


def is_url(value: str) -> bool:
    if len(value) > MAX_URL:
        return False
    try:
        URLValidator()(value)
    except ValidationError:
        return False
    return True


def notes_text(values: dict[str, str]) -> str:
    """The notes (HTML on WhatDoTheyKnow) as text, with the scheme and log addresses."""
    lines = [strip_tags(values.get("Notes", "")).strip()]
    if values.get("Publication scheme"):
        lines.append(f"Publication scheme: {values['Publication scheme']}")
    if values.get("Disclosure log"):
        lines.append(f"Disclosure log: {values['Disclosure log']}")
    return "\n".join(line for line in lines if line)


def duplicate_names(rows: list[BodyRow]) -> list[str]:
    seen: dict[str, int] = {}
    errors = []
    for row in rows:
        key = row.name.lower()
        if key in seen:
            errors.append(f"Row {row.number}: “{row.name}” is already in row {seen[key]}.")
        seen.setdefault(key, row.number)
    return errors


# --- writing -------------------------------------------------------------------------------


UPDATED_FIELDS = ["short_name", "website", "notes", "nation", "default_regime", "is_active"]


def write_rows(rows: list[BodyRow], result: BodiesImport) -> None:
    """A fixed number of queries, however many rows: bodies and tags are written in bulk."""
    existing = {
        body.lname: body
        for body in PublicBody.objects.annotate(lname=Lower("name")).filter(
            lname__in=[row.name.lower() for row in rows]
        )
    }
    taken = set(PublicBody.objects.values_list("slug", flat=True))
    new, changed = [], []
    for row in rows:
        body = existing.get(row.name.lower())
        if body is None:
            new.append(new_body(row, taken))
            result.created.append(row.name)
        elif apply_row(body, row):
            changed.append(body)
            result.updated.append(body.name)
        else:
            result.unchanged.append(body.name)
    PublicBody.objects.bulk_create(new)
    PublicBody.objects.bulk_update(changed, UPDATED_FIELDS)
    add_tags(rows)


def new_body(row: BodyRow, taken: set[str]) -> PublicBody:
    body = PublicBody(name=row.name, slug=unique_slug(row.url_name or row.name, taken))
    apply_row(body, row)
    return body


def apply_row(body: PublicBody, row: BodyRow) -> bool:
    """Copy the row onto the body; True when anything changed."""
    before = [getattr(body, name) for name in UPDATED_FIELDS]
    body.short_name = row.short_name or body.short_name
    body.website = row.website or body.website
    body.notes = row.notes or body.notes
    if row.nation:
        body.nation = row.nation
        body.default_regime = NATION_REGIMES.get(row.nation, body.default_regime)
    if DEFUNCT_TAG in row.tags:
        body.is_active = False
    return before != [getattr(body, name) for name in UPDATED_FIELDS]


def add_tags(rows: list[BodyRow]) -> None:
    names = {tag for row in rows for tag in row.tags}
    by_slug = {slugify(name)[:80]: name for name in names if slugify(name)}
    Tag.objects.bulk_create(
        [Tag(name=name[:80], slug=slug) for slug, name in by_slug.items()], ignore_conflicts=True
    )
    tags = {tag.slug: tag for tag in Tag.objects.filter(slug__in=by_slug)}
    bodies = {
        body.lname: body
        for body in PublicBody.objects.annotate(lname=Lower("name")).filter(
            lname__in=[row.name.lower() for row in rows]
        )
    }
    through = PublicBody.tags.through
    links = [
        through(publicbody_id=bodies[row.name.lower()].pk, tag_id=tags[slugify(tag)[:80]].pk)
        for row in rows
        for tag in row.tags
        if slugify(tag)[:80] in tags
    ]
    through.objects.bulk_create(links, ignore_conflicts=True)
