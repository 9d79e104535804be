from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from requests_app.models import NonWorkingDay


def run_deadline(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[str, str, int]:
    code = 0
    try:
        call_command("deadline", *args)
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return captured.out, captured.err, code


@pytest.mark.django_db
def test_it_prints_the_due_date_and_the_holidays_it_skipped(capsys):
    out, _, code = run_deadline(capsys, "uk-foia", "2025-11-28")
    assert code == 0
    assert out.splitlines()[0] == "Wed 31 Dec 2025"
    assert "St Andrew" in out and "25 Dec" in out


@pytest.mark.django_db
def test_json_output_has_the_documented_keys(capsys):
    out, _, _ = run_deadline(capsys, "uk-foia", "2026-06-01", "--json")
    payload = json.loads(out)
    assert set(payload) == {"regime", "stage", "received", "due", "explanation"}
    assert payload["due"] == "2026-06-30"
    assert payload["stage"] == "response"
    assert any(day["on"] == "2026-06-15" for day in payload["explanation"]["skipped"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("regime", "received", "stage", "due"),
    [
        ("uk-foia", "2025-11-28", "extended", "2026-01-30"),
        ("uk-foia", "2026-01-05", "review", "2026-02-02"),
        ("scot-foisa", "2026-03-30", "response", "2026-04-28"),
        ("uk-eir", "2026-01-05", "extended", "2026-03-02"),
        ("uk-sar", "2026-09-03", "response", "2026-10-05"),
        ("us-foia", "2026-06-30", "response", "2026-07-29"),
        ("nz-oia", "2025-12-19", "response", "2026-02-10"),
    ],
)
def test_each_stage_gives_the_statutory_date(capsys, regime, received, stage, due):
    out, _, code = run_deadline(capsys, regime, received, "--stage", stage, "--json")
    assert code == 0
    assert json.loads(out)["due"] == due


@pytest.mark.django_db
def test_an_added_non_working_day_moves_the_answer(capsys):
    NonWorkingDay.objects.create(on="2026-06-29", name="Proclaimed holiday", calendar="gb-eng")
    out, _, _ = run_deadline(capsys, "uk-foia", "2026-06-01", "--json")
    assert json.loads(out)["due"] == "2026-07-01"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("uk-foo", "2026-01-05"), "unknown regime"),
        (("uk-foia", "2026-02-30"), "not a date"),
        (("uk-foia", "yesterday"), "not a date"),
        (("uk-foia", "2026-01-05", "--stage", "appeal"), "unknown stage"),
    ],
)
def test_bad_input_is_one_line_and_exit_status_2(capsys, args, message):
    out, err, code = run_deadline(capsys, *args)
    assert code == 2
    assert out == ""
    assert message in err
    assert len(err.strip().splitlines()) == 1
