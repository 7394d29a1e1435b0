"""The text core stays pure: importing any of its modules loads no Django."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Runs in a fresh interpreter so modules already imported by the test session don't count.
PROBE = """
import importlib, json, pkgutil, sys
import newsroom.text as package
names = [package.__name__]
for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
    importlib.import_module(module.name)
    names.append(module.name)
loaded = sorted(name for name in sys.modules if name == "django" or name.startswith("django."))
print(json.dumps({"imported": names, "django": loaded}))
"""


def test_text_core_imports_no_django() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "", "PYTHONPATH": str(REPO)},
    )
    report = json.loads(result.stdout)
    assert {"newsroom.text.layout", "newsroom.text.sentences", "newsroom.text.html"} <= set(
        report["imported"]
    )
    assert report["django"] == []


def test_html_extraction_loads_no_django() -> None:
    """``newsroom.text.html`` imports trafilatura on first use: run it, then look."""
    probe = (
        "import json, sys\n"
        "from newsroom.text.html import extract\n"
        "extract('<html><body><p>A paragraph.</p></body></html>')\n"
        "print(json.dumps(['trafilatura' in sys.modules, "
        "sorted(m for m in sys.modules if m.split('.')[0] == 'django')]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "", "PYTHONPATH": str(REPO)},
    )
    assert json.loads(result.stdout) == [True, []]
