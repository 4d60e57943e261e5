"""Import contract: the domain never imports an interface (STYLE.md 2.1, "Layers").

Interfaces (the officials' back office, the citizens' portal, the agreements API, demo data,
every admin, view, form and URL module) sit above the domain apps and call their services and
selectors; a domain module that imports one of them turns the layers upside down. The check
reads the source with ``ast`` (nothing is imported), so a lazy import inside a function is
caught as well as one at the top of a module.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

DOMAIN_APPS = (
    "registry",
    "procedures",
    "deadlines",
    "documents",
    "accounts",
    "agreements",
    "mass_changes",
)
# Whole packages that are interfaces.
INTERFACE_PACKAGES = ("backoffice", "portal", "api", "demo")
# Interface modules wherever they sit in one of our packages: procedures.admin_views.common,
# registry.views, agreements.api.cases...
INTERFACE_MODULE_NAMES = frozenset(
    {"admin", "admin_views", "admin_forms", "views", "api", "forms", "urls"}
)
# The framework's interface layer: only interfaces use them.
FRAMEWORK_INTERFACES = (
    "django.contrib.admin",
    "django.contrib.auth.forms",
    "django.contrib.auth.views",
    "django.forms",
    "django.views",
    "rest_framework",
    "drf_spectacular",
)
ADMIN = "django.contrib.admin"
# Only these may import the admin: the back office is the officials' interface.
ADMIN_IMPORTERS = ("backoffice", "portal", "api")


@dataclass(frozen=True)
class Import:
    path: Path
    line: int
    module: str

    def __str__(self) -> str:
        where = self.path.relative_to(ROOT) if self.path.is_relative_to(ROOT) else self.path
        return f"{where}:{self.line} imports {self.module}"


def _module_of(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, root: Path = ROOT) -> list[Import]:
    """Every module a file imports; ``from a import b`` yields both ``a`` and ``a.b``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_of(path, root)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    found: list[Import] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(Import(path, node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.append(Import(path, node.lineno, base))
            found.extend(
                Import(path, node.lineno, f"{base}.{alias.name}")
                for alias in node.names
                if alias.name != "*"
            )
    return found


def _is_within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def is_interface(module: str, *, our_packages: frozenset[str]) -> bool:
    parts = module.split(".")
    if parts[0] in INTERFACE_PACKAGES:
        return True
    if parts[0] in our_packages and INTERFACE_MODULE_NAMES.intersection(parts[1:]):
        return True
    return any(_is_within(module, framework) for framework in FRAMEWORK_INTERFACES)


def python_files(*packages: str, root: Path = ROOT) -> list[Path]:
    files: list[Path] = []
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root).parts
            if "migrations" in relative or "tests" in relative:
                continue
            files.append(path)
    return files


def our_packages(root: Path = ROOT) -> frozenset[str]:
    return frozenset(
        p.name for p in root.iterdir() if (p / "__init__.py").is_file() and p.name != "tests"
    )


def domain_violations(files: list[Path], root: Path = ROOT) -> list[Import]:
    """The interface imports of these files, one per import statement."""
    ours = our_packages(root) | frozenset(DOMAIN_APPS) | frozenset(INTERFACE_PACKAGES)
    offending: dict[tuple[Path, int], Import] = {}
    for path in files:
        for found in imports_of(path, root):
            if is_interface(found.module, our_packages=ours):
                offending.setdefault((found.path, found.line), found)
    return list(offending.values())


def admin_importers(files: list[Path], root: Path = ROOT) -> list[Import]:
    allowed = tuple(root / package for package in ADMIN_IMPORTERS)
    return [
        found
        for path in files
        if not any(path.is_relative_to(package) for package in allowed)
        for found in imports_of(path, root)
        if _is_within(found.module, ADMIN)
    ]


def _report(title: str, offending: list[Import]) -> str:
    ordered = sorted(set(offending), key=lambda found: (found.path, found.line, found.module))
    return f"{title} ({len(ordered)}):\n  " + "\n  ".join(str(found) for found in ordered)


def test_domain_apps_import_no_interface_module() -> None:
    files = python_files(*DOMAIN_APPS)
    assert len(files) > 50  # the walk found the apps (a wrong root would pass vacuously)

    offending = domain_violations(files)

    assert not offending, _report(
        "Domain modules import interface modules; move the code that needs them to "
        "backoffice/ (officials), portal/ (citizens) or api/ (agreements API), or move the "
        "rule they need into a service or selector of the domain",
        offending,
    )


def test_only_interfaces_import_the_admin() -> None:
    files = python_files(*sorted(our_packages()))

    offending = admin_importers(files)

    assert not offending, _report(
        f"Only {', '.join(ADMIN_IMPORTERS)} may import {ADMIN}", offending
    )


def test_domain_apps_have_no_admin_module() -> None:
    leftovers = [
        str(path.relative_to(ROOT))
        for app in DOMAIN_APPS
        for path in (ROOT / app / "admin.py", ROOT / app / "admin_views", ROOT / app / "views.py")
        if path.exists()
    ]

    assert not leftovers, f"The officials' interface lives in backoffice/: {leftovers}"


# --- The checker itself ------------------------------------------------------------------------


@pytest.fixture
def fake_tree(tmp_path: Path) -> Path:
    for package in ("registry", "registry/services", "procedures", "backoffice"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "registry" / "services" / "clean.py").write_text(
        "from django.db import transaction\nfrom registry.models import Registrant\n"
    )
    return tmp_path


@pytest.mark.parametrize(
    ("source", "offending_module"),
    [
        ("from backoffice.views import refused\n", "backoffice.views"),
        ("from procedures import admin_views\n", "procedures.admin_views"),
        ("import procedures.admin\n", "procedures.admin"),
        ("from ..forms import LookupForm\n", "registry.forms"),
        ("def later():\n    from portal.selectors import x\n", "portal.selectors"),
        ("from django.contrib import admin\n", "django.contrib.admin"),
        ("from rest_framework.views import APIView\n", "rest_framework.views"),
    ],
)
def test_checker_catches_an_injected_interface_import(
    fake_tree: Path, source: str, offending_module: str
) -> None:
    bad = fake_tree / "registry" / "services" / "bad.py"
    bad.write_text(source)

    offending = domain_violations(python_files("registry", root=fake_tree), fake_tree)

    assert [
        (found.path.name, found.module) for found in offending if found.module == offending_module
    ] == [("bad.py", offending_module)]
    assert all(found.path == bad for found in offending)


def test_checker_accepts_domain_imports(fake_tree: Path) -> None:
    files = python_files("registry", root=fake_tree)

    assert domain_violations(files, fake_tree) == []


def test_checker_finds_admin_importers_outside_the_back_office(fake_tree: Path) -> None:
    (fake_tree / "backoffice" / "site.py").write_text("from django.contrib import admin\n")
    (fake_tree / "procedures" / "admin.py").write_text("from django.contrib import admin\n")

    offending = admin_importers(python_files("backoffice", "procedures", root=fake_tree), fake_tree)

    assert [(found.path.name, found.module) for found in offending] == [
        ("admin.py", "django.contrib.admin")
    ]
