"""One source tree's pages beside their floors: run as a script, prints JSON.

`python benchmarks/probe.py --source DIR --plan PLAN.json` loads the Django project in
DIR (this checkout or another one, e.g. main's, to measure before and after in one run)
against DATABASE_URL and, for every page of the plan, times:

- the page through Django's test client (server time, every middleware included);
- the page's own SQL replayed bare on a cursor, in the same order, with the same
  parameters, every row fetched;
- the trivial view: a login-required view that answers "ok" through the same middleware,
  less its own (session and user) SQL, so that the floor does not count that SQL twice;
- where the tree keeps whole pages (FOI_PAGE_CACHE), the page rendered afresh, as its
  first view after any change to the data is, beside that view's own floor.

floor = SQL bare + trivial view's time beyond its SQL. The four are timed in turn, run
after run, for every page, so that the machine's load at that moment weighs on the page
and its floor alike. Where a page stays above its floor,
`time_split` says where the rest goes: a few views under cProfile, each function's own
time put in one bucket by its module (the database driver, the ORM, templates, forms,
the project's own code, the request handling around them). This file imports nothing of
the project at module level: it is loaded by path, and puts DIR first on sys.path.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import time
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

TRIVIAL = "/__bench__/trivial/"


def setup(source: Path) -> None:
    """Django from `source`, with the trivial view added to its URLs."""
    sys.path[0] = str(source)  # not this script's folder: the project's, first
    os.chdir(source)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foi_tracker.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.ROOT_URLCONF = install_urls(settings.ROOT_URLCONF)


def install_urls(project_urls: str) -> str:
    """A URLconf of the project's URLs plus the trivial view; returns its module name."""
    from django.contrib.auth.decorators import login_required
    from django.http import HttpRequest, HttpResponse
    from django.urls import include, path

    @login_required
    def trivial(request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok", content_type="text/plain")

    module = types.ModuleType("bench_urls")
    module.urlpatterns = [  # type: ignore[attr-defined]
        path(TRIVIAL.strip("/") + "/", trivial),
        path("", include(project_urls)),
    ]
    sys.modules["bench_urls"] = module
    return "bench_urls"


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def interleaved(actions: dict[str, Callable[[], object]], runs: int) -> dict[str, list[float]]:
    """Each action timed `runs` times, in turn with the others (after 3 warm-ups each), so
    that a burst of load elsewhere on the machine weighs on all of them alike."""
    for action in actions.values():
        for _ in range(3):
            action()
    samples: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(runs):
        for name, action in actions.items():
            started = time.perf_counter()
            action()
            samples[name].append((time.perf_counter() - started) * 1000)
    return samples


def captured_sql(client: Any, url: str) -> tuple[list[tuple[str, Any]], int, int]:
    """The statements a repeated view of the page runs (a first view may create rows
    once, a profile or a cached figure, and the view after that keep the page anew),
    its status and its HTML's size."""
    from django.db import connection

    client.get(url)
    client.get(url)
    executed: list[tuple[str, Any]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        executed.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = client.get(url)
    return executed, response.status_code, len(response.content)


def replay(statements: list[tuple[str, Any]]) -> None:
    """The statements again on a bare cursor, inside a transaction that is rolled back."""
    from django.db import connection, transaction

    with transaction.atomic():
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the driver's own cursor: no Django wrapper on the way
            for sql, params in statements:
                if connection.vendor == "sqlite":
                    sql = sql.replace("%s", "?")
                if sql.lstrip().upper().startswith(("SELECT", "WITH")):
                    raw.execute(sql, params or ())
                    raw.fetchall()
                else:  # a write the view makes on every view: replayed where it still can be
                    write(raw, sql, params)
        transaction.set_rollback(True)


def write(raw: Any, sql: str, params: Any) -> None:
    raw.execute("SAVEPOINT bench_replay")
    try:
        raw.execute(sql, params or ())
    except Exception:  # a replayed write that no longer applies is skipped
        raw.execute("ROLLBACK TO SAVEPOINT bench_replay")
    else:
        raw.execute("RELEASE SAVEPOINT bench_replay")


# Buckets of time_split, first match wins: (name, what a function's file or name contains).
BUCKETS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("database", ("/psycopg", "sqlite3", "select.", "poll")),
    ("ORM", ("/django/db/",)),
    (
        "templates",
        (
            "/django/template/",
            "/django/templatetags/",
            "/templatetags/",
            "/django/utils/html.py",
            "/django/utils/safestring.py",
            "/django/utils/dateformat.py",
            "/html/__init__.py",
        ),
    ),
    ("forms", ("/django/forms/", "/django_filters/")),
    ("project", ("/requests_app/",)),
)
OTHER = "request handling and the rest"
STDLIB = os.path.dirname(os.__file__)


def bucket_of(filename: str, name: str) -> str | None:
    """The bucket of a function by its file; None for code that works for its caller: a
    built-in, the standard library (copy.deepcopy) or Django's utilities (lazy objects,
    Q's tree, timezone)."""
    where = filename if filename != "~" else name
    for bucket, marks in BUCKETS:
        if any(mark in where for mark in marks):
            return bucket
    if filename == "~" or "/django/utils/" in filename:
        return None
    if STDLIB in filename and "site-packages" not in filename:
        return None
    return OTHER


def time_split(client: Any, url: str, views: int = 5) -> dict[str, float]:
    """Each bucket's share of a view's time, from `views` views under cProfile.

    A function without a bucket of its own (a built-in, the standard library) counts
    for its callers' buckets, in proportion to the calls each made. Profiling slows
    Python more than the database, so these are shares of a profiled view, not
    milliseconds.
    """
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(views):
        client.get(url)
    profile.disable()
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    resolved: dict[Any, dict[str, float]] = {}

    def shares(function: Any, seen: frozenset[Any]) -> dict[str, float]:
        """Which buckets `function` works for, as fractions."""
        if function in resolved:
            return resolved[function]
        own = bucket_of(function[0], function[2])
        callers = stats.get(function, (0, 0, 0.0, 0.0, {}))[4]
        if own is not None or not callers or function in seen:
            result = {own or OTHER: 1.0}
        else:
            calls = sum(caller[0] for caller in callers.values()) or 1
            result = {}
            for caller_function, caller in callers.items():
                for bucket, fraction in shares(caller_function, seen | {function}).items():
                    result[bucket] = result.get(bucket, 0.0) + fraction * caller[0] / calls
        if not seen:
            resolved[function] = result
        return result

    totals: dict[str, float] = {}
    for function, (_cc, _nc, own_time, _cum, _callers) in stats.items():
        for bucket, fraction in shares(function, frozenset()).items():
            totals[bucket] = totals.get(bucket, 0.0) + own_time * fraction
    whole = sum(totals.values()) or 1.0
    return {bucket: seconds / whole for bucket, seconds in totals.items()}


def summary(samples: list[float]) -> dict[str, float]:
    return {"p50": statistics.median(samples), "p95": percentile(samples, 0.95)}


@contextmanager
def pages_rendered_afresh() -> Iterator[bool]:
    """Whole pages not kept while inside; says whether the tree keeps them at all."""
    from django.conf import settings

    keeping = getattr(settings, "FOI_PAGE_CACHE", None)
    if not keeping:
        yield False
        return
    settings.FOI_PAGE_CACHE = False
    try:
        yield True
    finally:
        settings.FOI_PAGE_CACHE = keeping


def beside_floor(
    client: Any, url: str, trivial_sql: list[tuple[str, Any]], runs: int
) -> dict[str, Any]:
    """The page, its SQL bare, the trivial view and the trivial view's SQL bare, timed in
    turn; only the status where the page does not answer 200."""
    statements, status, size = captured_sql(client, url)
    if status != 200:
        return {"status": status}
    samples = interleaved(
        {
            "app": partial(client.get, url),
            "sql": partial(replay, statements),
            "trivial": partial(client.get, TRIVIAL),
            "trivial sql": partial(replay, trivial_sql),
        },
        runs,
    )
    app, bare, trivial = (summary(samples[key]) for key in ("app", "sql", "trivial"))
    overhead = max(trivial["p50"] - summary(samples["trivial sql"])["p50"], 0.0)
    return {
        "app": app,
        "sql": bare,
        "trivial": overhead,
        "trivial view": trivial["p50"],
        "floor": bare["p50"] + overhead,
        "queries": len(statements),
        "html_bytes": size,
    }


def measure(plan: dict[str, Any], runs: int) -> dict[str, Any]:
    from django.contrib.auth.models import User
    from django.test import Client

    results: dict[str, Any] = {"pages": {}}
    for who, username in plan["users"].items():
        client = Client()
        client.force_login(User.objects.get(username=username))
        trivial_sql, _, _ = captured_sql(client, TRIVIAL)
        for name, url in plan["pages"][who].items():
            page = results["pages"][name] = {
                "url": url,
                **beside_floor(client, url, trivial_sql, runs),
            }
            if "app" not in page:
                continue
            with pages_rendered_afresh() as kept_otherwise:
                rendered = kept_otherwise and beside_floor(client, url, trivial_sql, runs)
                if rendered and "app" in rendered:
                    page["rendered"] = rendered
                # where a rendering's time goes: a kept page's is the trivial view's
                page["split"] = time_split(client, url)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", type=Path, required=True)
    parser.add_argument("--plan", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=20)
    options = parser.parse_args()
    plan = json.loads(options.plan.read_text())
    setup(options.source.resolve())
    json.dump(measure(plan, options.runs), sys.stdout)


if __name__ == "__main__":
    main()


def wsgi_application() -> Any:
    """The project in FOI_BENCH_SOURCE as a WSGI application, trivial view included
    (gunicorn loads it as `probe:application` with this folder on its python path)."""
    setup(Path(os.environ["FOI_BENCH_SOURCE"]))
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


if os.environ.get("FOI_BENCH_SOURCE") and __name__ == "probe":
    application = wsgi_application()
