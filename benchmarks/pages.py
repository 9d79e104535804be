"""The main pages beside their floors, at two archive sizes, and the list under load.

`python -m benchmarks.pages --database SMALL_URL --database LARGE_URL [--base DIR]`
measures every main page on each database (loaded with `scripts/seed_to.py`):

- app p50/p95: server time through Django's test client, every middleware included;
- SQL: the page's own statements replayed bare on a cursor (`benchmarks/probe.py`);
- floor: that SQL plus the trivial view's time beyond its own SQL (a login-required view
  answering "ok" through the same middleware); ratio = app p50 ÷ floor;
- growth: a page's p50 on the large archive ÷ its p50 on the small one, as measured and
  beside the trivial view (each p50 in units of the trivial view timed in turn with it);
- under load: wrk against gunicorn (`gunicorn.conf.py`, the app preloaded), the request
  list and the trivial view in the same run, pages per second.

With `--base DIR` the same is measured for the project checked out in DIR (e.g. a
worktree of main) in the same run, alternating with this checkout, so that before and
after see the same machine load.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from benchmarks.common import ROOT, machine_description, write_section

PROBE = Path(__file__).resolve().parent / "probe.py"
ARCHIVIST = "bench-archivist"
LOAD_PAGE = "request list (campaigner)"
TRIVIAL = "/__bench__/trivial/"
RATIO_TARGET = 1.5
P95_TARGET = 80.0
GROWTH_TARGET = 1.3
LOAD_TARGET = 150.0
LOAD_SHARE_TARGET = 0.4


@dataclass(frozen=True)
class Tree:
    label: str
    source: Path


# --- what to measure -------------------------------------------------------------------


def plan_for(database_url: str) -> dict[str, Any]:
    """Users and page URLs on one database, worked out by this checkout."""
    env = {**os.environ, "DATABASE_URL": database_url}
    output = subprocess.run(
        [sys.executable, "-m", "benchmarks.plan"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return dict(json.loads(output))


def probe(tree: Tree, database_url: str, plan_file: Path, runs: int) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "0", "LOG_LEVEL": "WARNING"}
    env.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    command = [
        str(tree.source / ".venv" / "bin" / "python"),
        str(PROBE),
        "--source",
        str(tree.source),
        "--plan",
        str(plan_file),
        "--runs",
        str(runs),
    ]
    finished = subprocess.run(  # noqa: S603 - our own probe
        command, env=env, check=False, capture_output=True, text=True
    )
    if finished.returncode != 0:
        raise RuntimeError(f"{tree.label}: the probe failed\n{finished.stderr[-3000:]}")
    return dict(json.loads(finished.stdout))


# --- under load ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), 0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def wrk(port: int, path: str, cookie: str, seconds: int, connections: int) -> dict[str, Any]:
    program = shutil.which("wrk")
    if program is None:
        raise RuntimeError("wrk is not installed (Debian: apt-get install wrk)")
    output = subprocess.run(  # noqa: S603 - wrk on loopback
        [
            program,
            f"-t{min(connections, 2)}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "--latency",
            "-H",
            f"Cookie: {cookie}",
            f"http://127.0.0.1:{port}{path}",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:.*?(\d+).*?(\d+).*?(\d+).*?(\d+)", output)
    failures = int(bad.group(1)) if bad else 0
    if errors:
        failures += sum(int(errors.group(n)) for n in range(1, 5))
    return {
        "pages_per_second": float(rate.group(1)) if rate else 0.0,
        "errors": failures,
        "wrk": output,
    }


def under_load(
    tree: Tree, database_url: str, plan: dict[str, Any], seconds: int, workers: int
) -> dict[str, Any]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "WEB_CONCURRENCY": str(workers),
        "FOI_BIND": f"127.0.0.1:{port}",
        "FOI_ACCESS_LOG": "/dev/null",
        "FOI_WEB_MAX_REQUESTS": "0",
        "LOG_LEVEL": "WARNING",
        "FOI_BENCH_SOURCE": str(tree.source),
    }
    env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    server = subprocess.Popen(  # noqa: S603 - gunicorn of the tree being measured
        [
            str(tree.source / ".venv" / "bin" / "python"),
            "-m",
            "gunicorn",
            "--config",
            str(tree.source / "gunicorn.conf.py"),
            "--chdir",
            str(tree.source),
            "--pythonpath",
            str(PROBE.parent),
            "probe:application",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        cookie = plan["cookies"]["campaigner"]
        page = plan["pages"]["campaigner"][LOAD_PAGE]
        wrk(port, page, cookie, 2, 10)  # warm every worker
        wrk(port, TRIVIAL, cookie, 2, 10)
        return {
            "list": wrk(port, page, cookie, seconds, 20),
            "trivial": wrk(port, TRIVIAL, cookie, seconds, 20),
        }
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)


# --- the run ---------------------------------------------------------------------------


def describe(database_url: str, plan: dict[str, Any]) -> str:
    kind = "PostgreSQL" if urlsplit(database_url).scheme.startswith("postgres") else "SQLite"
    return f"{kind}, {plan['requests']:,} requests"


def run(
    trees: list[Tree], databases: list[str], runs: int, rounds: int, load_seconds: int
) -> dict[str, Any]:
    """Every tree on every database. Each round visits every database and every tree, in
    the opposite order to the round before, so that the small archive and the large, the
    checkout and its base, see the same machine load."""
    plans = {url: plan_for(url) for url in databases}
    plan_files = {}
    for url, plan in plans.items():
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            json.dump(plan, handle)
        plan_files[url] = Path(handle.name)
    runs_of: dict[str, dict[str, dict[str, list[Any]]]] = {
        url: {tree.label: {"probes": [], "load": []} for tree in trees} for url in plans
    }
    visits = [(url, tree) for url in databases for tree in trees]
    for round_number in range(rounds):
        for url, tree in visits if round_number % 2 == 0 else reversed(visits):
            runs_of[url][tree.label]["probes"].append(probe(tree, url, plan_files[url], runs))
    for round_number in range(rounds if load_seconds else 0):
        for url, tree in visits if round_number % 2 == 0 else reversed(visits):
            load = under_load(tree, url, plans[url], load_seconds, workers=4)
            runs_of[url][tree.label]["load"].append(load)
    for plan_file in plan_files.values():
        plan_file.unlink()
    results: dict[str, Any] = {"databases": {}}
    for url, plan in plans.items():
        results["databases"][url] = {
            "description": describe(url, plan),
            "plan": {key: value for key, value in plan.items() if key != "cookies"},
            "trees": {label: combine(data) for label, data in runs_of[url].items()},
        }
    results["load_average"] = os.getloadavg()
    return results


def combine(data: dict[str, Any]) -> dict[str, Any]:
    """The median across rounds of each page's figures, and the best load round."""
    pages: dict[str, Any] = {}
    for name in data["probes"][0]["pages"]:
        rounds = [probe["pages"][name] for probe in data["probes"] if "app" in probe["pages"][name]]
        if not rounds:
            pages[name] = data["probes"][0]["pages"][name]
            continue
        pages[name] = medians(rounds)
        rendered = [r["rendered"] for r in rounds if "rendered" in r]
        if rendered:
            pages[name]["rendered"] = medians(rendered)
    load = data["load"]
    best = max(load, key=lambda item: item["list"]["pages_per_second"]) if load else None
    return {"pages": pages, "load": best, "load_rounds": load}


def medians(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """One page's figures, each the median across rounds (timings nested one deep)."""
    combined = dict(rounds[0])
    for key in ("app", "sql"):
        combined[key] = {k: median([r[key][k] for r in rounds]) for k in ("p50", "p95")}
    for key in ("trivial", "trivial view", "floor"):
        if key in rounds[0]:
            combined[key] = median([r[key] for r in rounds])
    return combined


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


# --- the report ------------------------------------------------------------------------


def growth(large: dict[str, Any], small: dict[str, Any]) -> tuple[float, float]:
    """How much a page's p50 grew from the small archive to the large: as measured, and
    in units of the trivial view timed beside it (which takes out the machine's own
    drift between the two measurements)."""
    measured = large["app"]["p50"] / small["app"]["p50"]
    beside = small.get("trivial view") and large.get("trivial view")
    if not beside:
        return measured, measured
    return measured, measured * small["trivial view"] / large["trivial view"]


def mark(text: str, met: bool) -> str:
    return text if met else f"{text} ✗"


def page_table(results: dict[str, Any], label: str) -> str:
    databases = list(results["databases"].values())
    small, large = databases[0], databases[-1]
    rows = [
        f"| page | app p50 ms | app p95 ms | SQL bare ms | trivial ms | floor ms | "
        f"app ÷ floor | queries | HTML KB | p50 at {small['plan']['requests']:,} ms "
        "| growth | growth beside the trivial view |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, page in large["trees"][label]["pages"].items():
        if "app" not in page:
            rows.append(f"| {name} | answered {page['status']} |" + " |" * 10)
            continue
        ratio = page["app"]["p50"] / page["floor"]
        cells = [
            name,
            f"{page['app']['p50']:.1f}",
            mark(f"{page['app']['p95']:.1f}", page["app"]["p95"] <= P95_TARGET),
            f"{page['sql']['p50']:.1f}",
            f"{page['trivial']:.1f}",
            f"{page['floor']:.1f}",
            mark(f"{ratio:.2f}", ratio <= RATIO_TARGET),
            str(page["queries"]),
            f"{page['html_bytes'] / 1024:.0f}",
        ]
        before = small["trees"][label]["pages"].get(name, {})
        if "app" in before:
            measured, beside = growth(page, before)
            cells += [
                f"{before['app']['p50']:.1f}",
                f"{measured:.2f}",
                mark(f"{beside:.2f}", beside <= GROWTH_TARGET),
            ]
        else:
            cells += ["", "", ""]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def rendered_table(results: dict[str, Any], label: str) -> str | None:
    """Each page rendered afresh, as its first view after a change to the data is."""
    databases = list(results["databases"].values())
    small, large = databases[0], databases[-1]
    rows = [
        f"| page | p50 ms | p95 ms | floor ms | ÷ floor | queries "
        f"| p50 at {small['plan']['requests']:,} ms | growth | growth beside the trivial view |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, page in large["trees"][label]["pages"].items():
        rendered = page.get("rendered")
        if not rendered:
            continue
        cells = [
            name,
            f"{rendered['app']['p50']:.1f}",
            f"{rendered['app']['p95']:.1f}",
            f"{rendered['floor']:.1f}",
            f"{rendered['app']['p50'] / rendered['floor']:.2f}",
            str(rendered["queries"]),
        ]
        before = small["trees"][label]["pages"].get(name, {}).get("rendered")
        if before:
            measured, beside = growth(rendered, before)
            cells += [f"{before['app']['p50']:.1f}", f"{measured:.2f}", f"{beside:.2f}"]
        else:
            cells += ["", "", ""]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows) if len(rows) > 2 else None


SPLIT_COLUMNS = (
    "database",
    "ORM",
    "templates",
    "forms",
    "project",
    "request handling and the rest",
)


def split_table(results: dict[str, Any], label: str) -> str:
    """Where each page's p50 goes beyond its floor: its profiled shares, in milliseconds."""
    large = list(results["databases"].values())[-1]
    rows = [
        "| page | app p50 ms | floor ms | " + " | ".join(SPLIT_COLUMNS) + " |",
        "|---|---|---|" + "---|" * len(SPLIT_COLUMNS),
    ]
    for name, page in large["trees"][label]["pages"].items():
        split = page.get("split")
        if "app" not in page or not split:
            continue
        rendered = page.get("rendered", page)  # a tree that keeps no pages renders each
        p50 = rendered["app"]["p50"]
        cells = " | ".join(f"{split.get(column, 0.0) * p50:.1f}" for column in SPLIT_COLUMNS)
        rows.append(f"| {name} | {p50:.1f} | {rendered['floor']:.1f} | {cells} |")
    return "\n".join(rows)


def load_lines(results: dict[str, Any], label: str) -> str:
    lines = []
    for database in results["databases"].values():
        load = database["trees"][label]["load"]
        if not load:
            continue
        listing, trivial = load["list"], load["trivial"]
        share = listing["pages_per_second"] / max(trivial["pages_per_second"], 1e-9)
        met = listing["pages_per_second"] >= LOAD_TARGET and share >= LOAD_SHARE_TARGET
        lines.append(
            f"| {database['description']} | {listing['pages_per_second']:.0f} "
            f"| {trivial['pages_per_second']:.0f} | {share:.2f} "
            f"| {listing['errors'] + trivial['errors']} | {'met' if met else 'missed'} |"
        )
    header = (
        "| archive | list pages/s | trivial view pages/s | list ÷ trivial | errors | target |\n"
        "|---|---|---|---|---|---|"
    )
    return header + "\n" + "\n".join(lines)


def comparison_table(results: dict[str, Any], before: str, after: str) -> str:
    large = list(results["databases"].values())[-1]
    rows = [
        f"| page | {before} p50 | {after} p50 | {before} p95 | {after} p95 "
        f"| {before} floor | {after} floor | {before} ÷ floor | {after} ÷ floor |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    old_pages = large["trees"][before]["pages"]
    for name, page in large["trees"][after]["pages"].items():
        old = old_pages.get(name, {})
        if "app" not in page or "app" not in old:
            continue
        rows.append(
            f"| {name} | {old['app']['p50']:.1f} | {page['app']['p50']:.1f} "
            f"| {old['app']['p95']:.1f} | {page['app']['p95']:.1f} "
            f"| {old['floor']:.1f} | {page['floor']:.1f} "
            f"| {old['app']['p50'] / old['floor']:.2f} "
            f"| {page['app']['p50'] / page['floor']:.2f} |"
        )
    for label in (before, after):
        load = large["trees"][label]["load"]
        if load:
            rows.append(
                f"| list under load, {label} | {load['list']['pages_per_second']:.0f} pages/s "
                f"| trivial {load['trivial']['pages_per_second']:.0f}/s | | | | | | |"
            )
    return "\n".join(rows)


def report(results: dict[str, Any], trees: list[Tree], runs: int, rounds: int) -> str:
    load_average = ", ".join(f"{value:.1f}" for value in results["load_average"])
    ours = trees[0].label
    parts = [
        f"`make bench` (`python -m benchmarks.pages`) on {machine_description()}; "
        f"{runs} timed views per page per round after 3 warm-ups, {rounds} rounds "
        f"(medians across rounds); measured {dt.date.today():%d %B %Y}, load average "
        f"{load_average} at the end (the machine is shared: figures are noisy).",
        "Targets: app p50 ≤ 1.5 × floor and p95 ≤ 80 ms; growth ≤ 1.3 from the small "
        "archive to the large; the list under load ≥ 150 pages/s and ≥ 0.4 × the trivial "
        "view's rate. ✗ marks a figure that misses its target.",
        "Each page is timed in turn with its SQL replayed bare and with the trivial view, "
        "run after run, so that a page and its floor see the same load. Each round "
        "measures both archives, in the opposite order to the round before. Growth is "
        "given as measured and beside the trivial view: each p50 in units of the trivial "
        "view's p50 timed with it. The target is judged on the second, as the two p50s "
        "come from different processes minutes apart, and the machine's own speed drifts "
        "between them by more than a page's cost grows.",
    ]
    for database in results["databases"].values():
        parts.append(f"Archive: {database['description']}.")
    parts += [f"#### Pages, {list(results['databases'].values())[-1]['description']}"]
    parts += [page_table(results, ours)]
    if rendered := rendered_table(results, ours):
        parts += [
            "#### Pages rendered afresh",
            "The main pages are kept whole per user under a version of the data (see "
            "Pages): the table above is a page viewed again with nothing changed. Here "
            "each page is rendered afresh, as its first view after any change to the data "
            "is, beside that view's own floor (its SQL bare and the trivial view).",
            rendered,
        ]
    parts += [
        "#### Where the time goes",
        "Each page's p50 rendered afresh, split by where a profiled view spent it "
        "(cProfile over 5 views, "
        "each function's own time put in one bucket by its module; a built-in's time goes "
        "to its callers'): the database driver (the SQL's own time, which the floor "
        "counts), Django's ORM, templates (with template tags and escaping), forms (with "
        "django-filter), the project's own code, and the request handling around them "
        "(middleware, sessions, URL resolving, the test client). Profiling slows Python "
        "more than the database, so the split leans towards Python.",
        split_table(results, ours),
    ]
    parts += ["#### Under load (wrk, 20 connections, gunicorn with 4 workers)"]
    parts += [load_lines(results, ours)]
    if len(trees) > 1:
        parts += [f"#### Before ({trees[1].label}) and after ({ours}), in the same run"]
        parts += [comparison_table(results, trees[1].label, ours)]
        parts += [load_lines(results, trees[1].label)]
    return "\n\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", action="append", required=True, help="small, then large")
    parser.add_argument("--base", type=Path, help="another checkout to measure beside this one")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--load-seconds", type=int, default=10)
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    parser.add_argument("--no-write", action="store_true", help="print, leave the docs alone")
    parser.add_argument("--from-json", type=Path, help="report the figures of an earlier run")
    options = parser.parse_args(argv)
    trees = [Tree("this checkout", ROOT)]
    if options.base:
        trees.append(Tree("before", options.base.resolve()))
    if options.from_json:
        results = json.loads(options.from_json.read_text())
    else:
        results = run(trees, options.database, options.runs, options.rounds, options.load_seconds)
    text = report(results, trees, options.runs, options.rounds)
    print(text)
    if options.json:
        options.json.write_text(json.dumps(results, indent=1, default=str))
    if not options.no_write:
        title = list(results["databases"].values())[-1]["description"].split(",")[0]
        write_section(f"Pages and floors ({title})", text)


if __name__ == "__main__":
    main()
