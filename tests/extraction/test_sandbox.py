"""The child process that reads files: killed at the time limit with its helpers, a crash
or a memory blow-up reported as a reason, and the worker unharmed."""

from __future__ import annotations

import faulthandler
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from requests_app.extraction.base import Event, Outcome, PageText
from requests_app.extraction.sandbox import Job, run_isolated
from requests_app.models import ExtractionStatus

MB = 1024 * 1024


def run(job: Job, *, seconds: float = 5.0, memory_limit: int = 1024 * MB) -> list[Event]:
    return list(
        run_isolated(
            job,
            deadline=time.monotonic() + seconds,
            time_limit=seconds,
            memory_limit=memory_limit,
            grace=0.2,
        )
    )


def running(pid: int) -> bool:
    """Alive and not a zombie waiting for whichever process adopted it to reap it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_events_come_back_in_order_and_end_with_the_outcome() -> None:
    def job() -> Iterator[Event]:
        yield PageText(1, "one")
        yield PageText(2, "two")
        yield Outcome(ExtractionStatus.DONE)

    assert run(job) == [PageText(1, "one"), PageText(2, "two"), Outcome(ExtractionStatus.DONE)]


def test_a_reader_that_hangs_is_stopped_at_the_time_limit() -> None:
    def job() -> Iterator[Event]:
        yield PageText(1, "one")
        while True:  # a C library spinning: no page-loop check will ever run
            pass

    started = time.monotonic()
    events = run(job, seconds=0.5)
    assert time.monotonic() - started < 3
    assert events == [
        PageText(1, "one"),
        Outcome(
            ExtractionStatus.FAILED, "Stopped: reading the file took longer than the 0.5 s limit."
        ),
    ]


def test_the_helpers_of_a_stopped_reader_are_stopped_too(tmp_path: Path) -> None:
    pid_file = tmp_path / "helper.pid"

    def job() -> Iterator[Event]:
        helper = subprocess.Popen(["sleep", "60"])
        pid_file.write_text(str(helper.pid))
        helper.wait()
        yield Outcome(ExtractionStatus.DONE)

    run(job, seconds=0.5)
    helper = int(pid_file.read_text())
    time.sleep(0.1)
    assert not running(helper)


def test_a_crash_is_reported_with_its_signal() -> None:
    def job() -> Iterator[Event]:
        faulthandler.disable()  # pytest's traceback dump would only clutter the output
        os.kill(os.getpid(), signal.SIGSEGV)
        yield Outcome(ExtractionStatus.DONE)

    [outcome] = run(job)
    assert outcome == Outcome(ExtractionStatus.FAILED, "The reader crashed (SIGSEGV) on this file.")


def test_memory_beyond_the_limit_is_refused_to_the_reader_not_the_worker() -> None:
    def job() -> Iterator[Event]:
        try:
            bytearray(600 * MB)
        except MemoryError:
            yield Outcome(ExtractionStatus.FAILED, "out of memory")
            return
        yield Outcome(ExtractionStatus.DONE)

    assert run(job, memory_limit=512 * MB) == [Outcome(ExtractionStatus.FAILED, "out of memory")]
    assert len(bytearray(600 * MB)) == 600 * MB  # the worker itself has no such limit


def test_a_reader_that_exits_without_an_outcome_is_a_failure() -> None:
    def job() -> Iterator[Event]:
        yield PageText(1, "one")
        os._exit(3)

    events = run(job)
    assert events[0] == PageText(1, "one")
    assert events[1].status == ExtractionStatus.FAILED  # type: ignore[union-attr]
    assert "exit code 3" in events[1].detail  # type: ignore[union-attr]
