"""Shared pieces of the benchmark scripts: Django set-up, timing, and the report file."""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "benchmarks.md"
RESULTS = ROOT / "docs" / "benchmarks.json"


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foi_tracker.settings")
    import django

    django.setup()


@dataclass
class Measurement:
    name: str
    median_ms: float
    p95_ms: float
    runs: int
    queries: int | None = None
    target: str = ""
    verdict: str = ""

    def row(self) -> str:
        queries = "" if self.queries is None else str(self.queries)
        return (
            f"| {self.name} | {self.median_ms:.1f} | {self.p95_ms:.1f} | {queries} "
            f"| {self.target} | {self.verdict} |"
        )


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def time_it(action: Callable[[], object], *, warmup: int = 3, runs: int = 20) -> list[float]:
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def summarise(name: str, samples: list[float], **extra: object) -> Measurement:
    return Measurement(
        name=name,
        median_ms=statistics.median(samples),
        p95_ms=percentile(samples, 0.95),
        runs=len(samples),
        **extra,  # type: ignore[arg-type]
    )


def machine_description() -> str:
    cpus = os.cpu_count()
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(meminfo.read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB memory"
    return f"{platform.machine()}, {cpus} cores{memory}, Python {platform.python_version()}"


def write_section(title: str, body: str) -> None:
    """Replace (or append) one `## title` section of docs/benchmarks.md."""
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    text = REPORT.read_text() if REPORT.exists() else "# Benchmarks\n"
    heading = f"## {title}\n"
    section = heading + body.rstrip() + "\n"
    if heading in text:
        start = text.index(heading)
        end = text.find("\n## ", start + len(heading))
        text = text[:start] + section + (text[end + 1 :] if end != -1 else "")
    else:
        text = text.rstrip() + "\n\n" + section
    REPORT.write_text(text)


def merge_subsection(section: str, intro: str, heading: str, body: str) -> str:
    """The text of `## section` with this database's `### heading` part replaced and the
    other parts kept, under `intro`."""
    text = REPORT.read_text() if REPORT.exists() else ""
    current = ""
    if f"\n## {section}\n" in "\n" + text:
        start = ("\n" + text).index(f"\n## {section}\n")
        end = text.find("\n## ", start + 1)
        current = text[start + len(f"## {section}\n") : end if end != -1 else None]
    subsections = {
        "### " + part.split("\n", 1)[0]: "### " + part.strip()
        for part in current.split("\n### ")[1:]
    }
    subsections[heading] = body
    parts = "\n\n".join(subsections[key] for key in sorted(subsections))
    return intro.strip() + "\n\n" + parts + "\n"


def record_json(key: str, measurements: list[Measurement], **context: object) -> None:
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    data[key] = {"context": context, "measurements": [asdict(m) for m in measurements]}
    RESULTS.write_text(json.dumps(data, indent=2, default=str) + "\n")
