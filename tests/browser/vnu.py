"""The Nu Html Checker (vnu.jar from the npm registry, run with the machine's Java).

scripts/test installs it under .tools/ (scripts/install-vnu); VNU_JAR points elsewhere. Without it
the check skips, and fails under CI=true like any other missing service.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_JAR = ROOT / ".tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def _jar() -> Path:
    jar = Path(os.environ.get("VNU_JAR", DEFAULT_JAR))
    if not jar.is_file() or shutil.which("java") is None:
        reason = f"the Nu Html Checker needs Java and {jar} (scripts/install-vnu)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return jar


def validate_html(pages: dict[str, str], folder: Path) -> list[str]:
    """Check each page's HTML; return one line per error ("page line: message")."""
    jar = _jar()
    files: dict[str, str] = {}
    for index, (name, html) in enumerate(pages.items()):
        path = folder / f"page-{index}.html"
        path.write_text(html, encoding="utf-8")
        files[str(path)] = name
    result = subprocess.run(
        ["java", "-jar", str(jar), "--format", "json", "--stdout", "--exit-zero-always", *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    messages = json.loads(result.stdout)["messages"]
    return [
        f"{files.get(m.get('url', '').removeprefix('file:'), m.get('url'))} "
        f"{m.get('lastLine', '?')}: {m['message']}"
        for m in messages
        if m["type"] == "error"
    ]
