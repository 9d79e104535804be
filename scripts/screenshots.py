"""Screenshots of the main pages from the demo data, at a phone's width and a desktop's.

    .venv/bin/python scripts/screenshots.py [--out DIR] [--all]

Builds a throwaway SQLite database in a temporary directory (`manage.py seed_demo` plus a
small batch), starts the development server on it, logs in as the demo user and saves
`<page>-390.png` and `<page>-1280.png` for each page. Without `--all` only the pages the
README and docs/ show (dashboard, request pages, search results, batch grid, account) are
taken.
`make screenshots` runs it into docs/screenshots/.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "demo-screenshots-1"  # noqa: S105 - a throwaway database that lives a minute
WIDTHS = {390: 844, 1280: 800}
README_PAGES = ("dashboard", "request", "request-refused", "search", "batch-grid", "account")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def load_demo(env: dict[str, str]) -> dict[str, str]:
    """Migrate, seed the demo and a batch; return each page's path."""
    run = [sys.executable, "manage.py"]
    subprocess.run([*run, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)  # noqa: S603
    code = (
        "from django.contrib.auth import get_user_model; import json; "
        "from tests.browser.demo import demo_world; "
        f"owner = get_user_model().objects.create_user('demo', 'demo@example.org', {PASSWORD!r}); "
        "print(json.dumps(demo_world(owner)))"
    )
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    if out.returncode:
        raise SystemExit(f"loading the demo failed:\n{out.stderr}")

    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def wait_for(url: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - our own loopback server
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server at {url} did not start")


def shoot(base: str, pages: dict[str, str], out: Path) -> None:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
            args=["--no-sandbox", "--disable-gpu"],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(f"{base}/accounts/login/")
        page.get_by_label("Username").fill("demo")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        skip = page.get_by_role("button", name="Skip for now")
        if skip.count():
            skip.click()
        for name, path in pages.items():
            for width, height in WIDTHS.items():
                page.set_viewport_size({"width": width, "height": height})
                page.goto(f"{base}{path}")
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(out / f"{name}-{width}.png"), full_page=True)
                print(f"{name}-{width}.png")
        browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--all", action="store_true", help="every main page, not only four")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="foi-shots-") as folder:
        env = {
            **os.environ,
            "FOI_VAR_DIR": folder,
            "DATABASE_URL": f"sqlite:///{folder}/db.sqlite3",
            "FOI_TASKS_EAGER": "1",
            "DEBUG": "1",
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "foi_tracker.settings",
        }
        env.pop("REDIS_URL", None)
        pages = load_demo(env)
        if not args.all:
            pages = {name: path for name, path in pages.items() if name in README_PAGES}
        port = free_port()
        server = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(f"{base}/healthz")
            shoot(base, pages, args.out)
        finally:
            server.terminate()
            server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
