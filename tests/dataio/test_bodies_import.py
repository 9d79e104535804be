"""Importing WhatDoTheyKnow's list of authorities: update by name, add new, map tags."""

from __future__ import annotations

import csv
import io

import pytest

from requests_app import models
from requests_app.dataio.bodies_import import HEADERS, import_bodies_csv

pytestmark = pytest.mark.django_db


def authorities_csv(*rows: dict[str, str], headers: tuple[str, ...] = HEADERS) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=headers)
    writer.writeheader()
    for row in rows:
        writer.writerow({"Created at": "2008-01-30 10:00:00 +0000", "Version": "3", **row})
    return buffer.getvalue().encode()


COUNCIL = {
    "Name": "Borsetshire County Council",
    "Short name": "BCC",
    "URL name": "borsetshire_county_council",
    "Tags": "local_council county_council wikidata:Q0000001",
    "Home page": "https://www.borsetshire.gov.uk",
    "Publication scheme": "https://www.borsetshire.gov.uk/scheme",
    "Disclosure log": "https://www.borsetshire.gov.uk/disclosures",
    "Notes": "<p>Replies <b>slowly</b>.</p>",
}


def test_a_new_body_is_created_with_its_tags_and_notes() -> None:
    result = import_bodies_csv(authorities_csv(COUNCIL))
    assert (result.created, result.errors) == (["Borsetshire County Council"], [])
    body = models.PublicBody.objects.get(slug="borsetshire_county_council")
    assert body.short_name == "BCC"
    assert body.website == "https://www.borsetshire.gov.uk"
    assert body.notes == (
        "Replies slowly.\nPublication scheme: https://www.borsetshire.gov.uk/scheme\n"
        "Disclosure log: https://www.borsetshire.gov.uk/disclosures"
    )
    assert sorted(tag.slug for tag in body.tags.all()) == ["county_council", "local_council"]


def test_an_existing_body_is_updated_by_name_and_keeps_its_own_tags() -> None:
    home_office = models.PublicBody.objects.get(name="Home Office")
    own_tags = set(home_office.tags.values_list("slug", flat=True))
    row = {"Name": "home office", "Short name": "HO", "Tags": "ministerial_department"}
    result = import_bodies_csv(authorities_csv(row))
    assert result.updated == ["Home Office"] and result.created == []
    home_office.refresh_from_db()
    assert home_office.short_name == "HO"
    assert set(home_office.tags.values_list("slug", flat=True)) == own_tags | {
        "ministerial_department"
    }


def test_scottish_and_defunct_tags_set_the_nation_law_and_activity() -> None:
    rows = [
        {"Name": "Loch Example Council", "Tags": "scotland local_council"},
        {"Name": "Abolished Quango", "Tags": "defunct non_departmental_public_body"},
    ]
    import_bodies_csv(authorities_csv(*rows))
    loch = models.PublicBody.objects.get(name="Loch Example Council")
    assert (loch.nation, loch.default_regime) == (models.Nation.SCOTLAND, "scot-foisa")
    assert not models.PublicBody.objects.get(name="Abolished Quango").is_active


def test_a_dry_run_reports_but_writes_nothing() -> None:
    result = import_bodies_csv(authorities_csv(COUNCIL), dry_run=True)
    assert result.created == ["Borsetshire County Council"]
    assert not models.PublicBody.objects.filter(name="Borsetshire County Council").exists()
    assert not models.Tag.objects.filter(slug="county_council").exists()


def test_one_bad_row_stops_the_whole_file() -> None:
    rows = [COUNCIL, {"Name": "", "Short name": "X"}, {"Name": "Odd", "Home page": "not a url"}]
    result = import_bodies_csv(authorities_csv(*rows))
    assert result.errors == [
        "Row 3: the name is empty.",
        "Row 4: the home page “not a url” is not a web address.",
    ]
    assert not models.PublicBody.objects.filter(name="Borsetshire County Council").exists()


def test_a_name_twice_in_the_file_is_an_error() -> None:
    result = import_bodies_csv(authorities_csv(COUNCIL, COUNCIL))
    assert result.errors == ["Row 3: “Borsetshire County Council” is already in row 2."]


def test_the_wrong_columns_are_named() -> None:
    result = import_bodies_csv(b"Authority,Email\r\nX,foi@x.example\r\n")
    assert result.errors[0].startswith("The file has no “Name” column.")
    extra = import_bodies_csv(authorities_csv(COUNCIL, headers=(*HEADERS, "Request email")))
    assert extra.errors[0].startswith("Unknown column “Request email”.")


def test_a_windows_1252_file_is_read() -> None:
    content = "Name,Short name\r\nCyngor Gwynedd – Café,CG\r\n".encode("cp1252")
    result = import_bodies_csv(content)
    assert result.created == ["Cyngor Gwynedd – Café"]


def test_the_queries_do_not_grow_with_the_rows(
    django_assert_max_num_queries: object,
) -> None:
    rows = [{"Name": f"Parish Council {n}", "Tags": "parish_council"} for n in range(60)]
    with django_assert_max_num_queries(15):  # type: ignore[operator]
        result = import_bodies_csv(authorities_csv(*rows))
    assert len(result.created) == 60
