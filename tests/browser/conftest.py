from __future__ import annotations

import os
import shutil

import pytest
from playwright.sync_api import expect

CHROMIUM = shutil.which("chromium")

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# A loaded CI machine can take longer than Playwright's 5 s default to render a page.
expect.set_options(timeout=20_000)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM or os.environ.get("CI"):
        return  # In CI a missing chromium must fail, not skip.
    skip = pytest.mark.skip(reason="Debian's chromium is not installed (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)
