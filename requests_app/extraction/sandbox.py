"""Run a reader in a child process with a hard time limit and a memory ceiling.

PDFium, Pillow and the XML parsers are C code: a hostile file can make them spin or
allocate without ever returning to Python, where a page-loop deadline would notice.
So the reading happens in a forked child. The parent receives its events through a pipe,
kills the child's whole process group (tesseract and LibreOffice included) when the
time is up, and turns a crash into a "failed" outcome with the reason. The worker
itself never hangs and never dies of a file.
"""

from __future__ import annotations

import logging
import os
import queue
import resource
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection

from requests_app.extraction.base import Event, Outcome
from requests_app.extraction.limits import megabytes
from requests_app.models.documents import ExtractionStatus

logger = logging.getLogger(__name__)

# After the deadline the child's own page-loop check gets this long to report what it
# kept; only then is it killed.
GRACE_SECONDS = 5.0
# Events waiting for the database: enough to keep the reader busy, bounded for memory.
QUEUED_EVENTS = 1000

Job = Callable[[], Iterator[Event]]
Events = queue.Queue[Event | None]


def run_isolated(
    job: Job,
    *,
    deadline: float,
    time_limit: float,
    memory_limit: int,
    grace: float = GRACE_SECONDS,
) -> Iterator[Event]:
    """The events `job` yields in a child process, ending with one Outcome.

    A plain fork rather than multiprocessing.Process: a Celery prefork pool process is
    "daemonic", and multiprocessing refuses to start children from one. A thread drains
    the pipe into a bounded queue, so the child goes on reading pages while the caller
    writes the previous ones to the database.
    """
    read_end, write_end = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        _child_main(job, Connection(write_end, readable=False), memory_limit)
    os.close(write_end)
    receiver = Connection(read_end, writable=False)
    events: Events = queue.Queue(maxsize=QUEUED_EVENTS)
    drain = threading.Thread(target=_drain, args=(receiver, events), name="extraction-pipe")
    drain.start()
    try:
        yield from _receive(events, pid, deadline + grace, time_limit, memory_limit)
    finally:
        _stop(pid)  # the pipe closes with the child, which ends the draining thread
        _unblock(events)
        drain.join(timeout=10)
        receiver.close()


def _drain(receiver: Connection, events: Events) -> None:
    """Move events from the pipe to the queue; None when the child has gone."""
    try:
        while True:
            event = receiver.recv()
            events.put(event)
            if isinstance(event, Outcome):
                return
    except (EOFError, OSError):
        events.put(None)


def _unblock(events: Events) -> None:
    """Empty the queue so that a draining thread stuck on a full queue can finish."""
    try:
        while True:
            events.get_nowait()
    except queue.Empty:
        pass


def _receive(
    events: Events,
    pid: int,
    hard_deadline: float,
    time_limit: float,
    memory_limit: int,
) -> Iterator[Event]:
    while True:
        try:
            event = events.get(timeout=max(hard_deadline - time.monotonic(), 0.001))
        except queue.Empty:
            detail = f"Stopped: reading the file took longer than the {time_limit:g} s limit."
            yield Outcome(ExtractionStatus.FAILED, detail)
            return
        if event is None:
            yield Outcome(ExtractionStatus.FAILED, _death_reason(_wait(pid), memory_limit))
            return
        yield event
        if isinstance(event, Outcome):
            return


def _child_main(job: Job, sender: Connection, memory_limit: int) -> None:
    """Run the job and send its events; leave with os._exit, so nothing of the parent's
    (database connections, atexit handlers, Celery's pool) is touched on the way out."""
    code = 1
    try:
        os.setpgid(0, 0)  # a group of its own, so its helpers die with it
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
        if memory_limit:
            _limit_memory(memory_limit)
        for event in job():
            sender.send(event)  # one at a time: a page read is a page kept, even if C hangs next
        sender.close()
        code = 0
    except BaseException:
        logger.exception("The extraction child failed")
    finally:
        os._exit(code)


def _limit_memory(limit: int) -> None:
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError):
        logger.warning("Could not limit the extraction's memory to %s", megabytes(limit))


def _stop(pid: int) -> None:
    """Kill the child's process group if it is still there, and reap the child."""
    try:
        finished, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return  # already reaped by _wait
    if finished:
        return
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGKILL)
    _wait(pid)


def _wait(pid: int) -> int | None:
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return None
    return os.waitstatus_to_exitcode(status)


def _death_reason(exitcode: int | None, memory_limit: int) -> str:
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        if -exitcode == signal.SIGKILL:
            return f"The reader was killed ({name}), probably for using too much memory."
        return f"The reader crashed ({name}) on this file."
    if exitcode:
        return (
            f"The reader stopped with exit code {exitcode}; it may have needed more than "
            f"the {megabytes(memory_limit)} memory limit."
        )
    return "The reader stopped without saying how it ended."
