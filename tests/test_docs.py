"""The rule tables of docs/ name functions and tests that exist: a rename that forgets the table
fails here instead of leaving a reviewer a dead reference."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TABLES = ("docs/architecture.md", "docs/rules.md")
OUR_PACKAGES = {
    "accounts",
    "agreements",
    "api",
    "backoffice",
    "deadlines",
    "demo",
    "documents",
    "open_data",
    "portal",
    "procedures",
    "registry",
    "rut_portal",
}
DOTTED = re.compile(r"^[a-z_]+(?:\.[A-Za-z_][A-Za-z0-9_]*)+$")
TEST_REFERENCE = re.compile(r"^(tests/[\w/]+\.py)(?:::([\w*]+))?$")


def references(text: str) -> tuple[list[str], list[str]]:
    """The dotted names of our packages and the test references in the tables' rows."""
    names, tests = [], []
    for line in text.splitlines():
        if not line.startswith("|"):
            continue
        for token in re.findall(r"`([^`]+)`", line):
            if DOTTED.match(token) and token.split(".")[0] in OUR_PACKAGES:
                names.append(token)
            elif TEST_REFERENCE.match(token):
                tests.append(token)
    return names, tests


def resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            if not hasattr(target, attribute):
                return False
            target = getattr(target, attribute)
        return True
    return False


def defined_tests(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("test_")
    }


def missing_tests(references: list[str]) -> list[str]:
    missing = []
    for reference in references:
        match = TEST_REFERENCE.match(reference)
        assert match is not None
        path = ROOT / match.group(1)
        if not path.exists():
            missing.append(reference)
            continue
        if pattern := match.group(2):
            wanted = re.compile("^" + re.escape(pattern).replace(r"\*", ".*") + "$")
            if not any(wanted.match(name) for name in defined_tests(path)):
                missing.append(reference)
    return missing


@pytest.mark.parametrize("table", TABLES)
def test_every_function_and_test_a_rule_table_names_exists(table: str) -> None:
    names, tests = references((ROOT / table).read_text(encoding="utf-8"))
    assert names and tests, f"{table} has no table of functions and tests"

    assert [name for name in names if not resolves(name)] == []
    assert missing_tests(tests) == []


def test_the_architecture_table_has_at_least_twenty_rules() -> None:
    text = (ROOT / "docs/architecture.md").read_text(encoding="utf-8")
    section = text.split("## Rule of the decree or procedure", 1)[1]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "`" in line]

    assert len(rows) >= 20


def test_the_checker_catches_a_renamed_function_and_a_missing_test() -> None:
    names, tests = references(
        "| a rule | `registry.nit.check_digit`, `registry.nit.no_such_function` "
        "| `tests/registry/test_nit.py`, `tests/registry/test_nit.py::test_no_such_*` |"
    )

    assert [name for name in names if not resolves(name)] == ["registry.nit.no_such_function"]
    assert missing_tests(tests) == ["tests/registry/test_nit.py::test_no_such_*"]
