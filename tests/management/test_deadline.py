from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

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
        (("nz-oia", "2026-01-05", "--stage", "review"), "OIA has no standard review"),
        (("scot-foisa", "2026-01-05", "--stage", "extended"), "no standard extended"),
        (("uk-sar", "2026-01-05", "--nation", "XX"), "unknown nation 'XX'"),
        (("au-foi", "2026-01-05", "--subdivision", "ON"), "expected one of ACT, NSW"),
        (("uk-foia", "2026-01-05", "--subdivision", "NSW"), "leave out --subdivision"),
        (("uk-foia", "0437-04-03"), "0437-04-03 is outside the dates"),
        (("uk-foia", "9999-12-31"), "9999-12-31 is outside the dates"),
        (("uk-foia", "2200-12-20"), "2201 is outside the dates"),
    ],
)
def test_bad_input_is_a_one_line_command_error_with_status_2(capsys, args, message):
    with pytest.raises(CommandError) as raised:
        call_command("deadline", *args)
    assert message in str(raised.value)
    assert len(str(raised.value).splitlines()) == 1
    assert raised.value.returncode == 2
    assert capsys.readouterr().out == ""


def test_bad_input_on_the_command_line_prints_one_line_not_a_traceback(tmp_path):
    # The way a user meets it: a real process, its stderr and its exit status.
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env=env, check=True)
    done = subprocess.run(
        [sys.executable, "manage.py", "deadline", "nz-oia", "9999-12-31"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "CommandError: 9999-12-31 is outside the dates the deadline engine supports "
        "(1950-01-01 to 2200-12-31)"
    ]
    assert "Traceback" not in done.stderr


@pytest.mark.django_db
def test_a_reasonable_period_has_no_statutory_date(capsys):
    out, _, code = run_deadline(capsys, "ca-ati", "2026-03-02", "--stage", "extended", "--json")
    payload = json.loads(out)
    assert code == 0
    assert payload["due"] is None
    assert "for a reasonable period of time" in payload["explanation"]["summary"]
    text, _, _ = run_deadline(capsys, "nz-oia", "2026-03-02", "--stage", "extended")
    assert text.splitlines()[0] == "Set by the body"
