"""The printing package imports one way: channels use it, it never uses a channel, and composing loads no
WeasyPrint."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "src" / "dncontent"
PRINTING = sorted((PACKAGE / "printing").glob("*.py"))


def imported(source: str, package: str) -> set[str]:
    """Every module that `source`, code in `package`, imports anywhere in it, by its full name; `from X import Y`
    counts both X and X.Y (Y may be a module)."""
    parents = package.split(".")
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = parents[: len(parents) - node.level + 1] if node.level else []
            name = ".".join(base + ([node.module] if node.module else []))
            names.add(name)
            names.update(f"{name}.{alias.name}" for alias in node.names)
    return names


def imports_of(path: Path) -> set[str]:
    package = ".".join(path.relative_to(PACKAGE.parent).parent.parts)  # an __init__.py's is its own
    return imported(path.read_text("utf-8"), package)


def within(names: set[str], module: str) -> set[str]:
    return {name for name in names if name == module or name.startswith(module + ".")}


def test_the_modules_are_found_and_every_way_to_import_a_channel_is_seen():
    assert {path.name for path in PRINTING} >= {"__init__.py", "compose.py", "render.py", "server.py"}
    for source in (
        "from ..channels import pdf",
        "from ..channels.pdf import Printed",
        "from .. import channels",
        "import dncontent.channels.pdf",
        "def f():\n    from ..channels.pdf import fonts_css",
    ):
        assert within(imported(source, "dncontent.printing"), "dncontent.channels"), source
    assert within(imports_of(PACKAGE / "channels" / "pdf.py"), "dncontent.printing")  # the one direction


@pytest.mark.parametrize("path", PRINTING, ids=lambda path: path.name)
def test_nothing_in_printing_imports_a_channel(path):
    assert not within(imports_of(path), "dncontent.channels")


@pytest.mark.parametrize("name", ["compose.py", "__init__.py"])
def test_composing_imports_no_renderer(name):
    names = imports_of(PACKAGE / "printing" / name)
    assert not within(names, "weasyprint")
    assert not within(names, "dncontent.printing.render") and not within(names, "dncontent.printing.server")


def test_composing_and_asking_the_print_server_load_no_weasyprint():
    """What a build imports before it knows a brochure must be printed here: the papers, the print HTML, the
    print server's client, and the channels."""
    code = (
        "import sys; import dncontent.printing.compose, dncontent.printing.server, dncontent.channels.pdf, "
        "dncontent.channels.json; print(sorted(m for m in sys.modules if m.split('.')[0] == 'weasyprint'))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert result.stdout.strip() == "[]"
