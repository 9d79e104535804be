"""docs/architecture.md matches the code: its packages exist, and so do its contracts."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAP = (ROOT / "docs" / "architecture.md").read_text()
CONTRACTS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def section(title: str) -> str:
    return MAP.split(f"## {title}", 1)[1].split("\n## ", 1)[0]


def test_every_package_the_map_names_exists_and_is_an_area_of_the_contract() -> None:
    packages = set(re.findall(r"`(\w+)/`", section("The areas")))
    assert packages
    areas = next(c for c in CONTRACTS["contracts"] if c["id"] == "area-interfaces")["areas"]
    for package in packages:
        assert (ROOT / "requests_app" / package / "__init__.py").exists(), package
        web_or_api = package in {"views", "api"}
        assert web_or_api or f"requests_app.{package}" in areas, package


def test_the_rules_the_map_names_are_the_contracts_and_tests_there_are() -> None:
    rules = section("The rules, and what enforces them")
    named = set(re.findall(r"contract `([\w-]+)`", rules))
    assert named == {contract["id"] for contract in CONTRACTS["contracts"]}
    for test_file in re.findall(r"`(tests/[\w/]+\.py)`", rules):
        assert (ROOT / test_file).exists(), test_file
