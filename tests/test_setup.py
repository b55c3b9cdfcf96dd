"""Set-up on a fresh machine: scripts/setup-system works for any user, and the Makefile installs what each
command needs, once."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, shared_folder

DEFAULT_PATH = "/usr/bin:/bin"  # a normal user's: no /usr/sbin, where ldconfig lives


@pytest.fixture
def setup_system() -> Iterator[Path]:
    """scripts/setup-system, copied where `nobody` can read it: the checkout may sit in a folder only its owner
    can enter (a clone under root's home, a private temporary folder)."""
    with shared_folder("dncontent-setup-") as folder:
        script = folder / "setup-system"
        shutil.copy2(ROOT / "scripts" / "setup-system", script)
        script.chmod(0o755)
        yield script


def as_normal_user(command: list[str], cwd: Path, env: dict[str, str] | None = None):
    """Run `command` in `cwd` with a clean environment and a default PATH, as `nobody` when the tests run as
    root."""
    prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []
    return subprocess.run(
        [*prefix, "env", "-i", f"PATH={DEFAULT_PATH}", *[f"{k}={v}" for k, v in (env or {}).items()], *command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_setup_system_finds_what_is_installed_for_a_normal_user(setup_system: Path):
    for what in ("build", "test"):
        result = as_normal_user(["bash", str(setup_system), what], cwd=setup_system.parent)
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""


def test_a_missing_library_is_reported_with_the_command_that_installs_it(setup_system: Path):
    result = as_normal_user(
        ["bash", str(setup_system), "build"],
        cwd=setup_system.parent,
        env={
            "SETUP_SYSTEM_EXTRA_LIBS": "libdncontent-absent.so.7 libdncontent-absent7,libpango-1.0.so.0 libpango-1.0-0"
        },
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "Missing system packages: libdncontent-absent7",
        "Install them with:  sudo sh -c 'apt-get update && apt-get install -y --no-install-recommends "
        "libdncontent-absent7'",
    ]


def test_a_python_that_cannot_make_a_virtual_environment_is_reported(setup_system: Path):
    # A Python whose ensurepip is missing, as on Debian and Ubuntu before python3.X-venv is installed
    python = setup_system.parent / "python3"
    python.write_text(
        '#!/bin/sh\nexec /usr/bin/python3 -c \'import sys; sys.modules["ensurepip"] = None; exec(sys.argv[1])\' "$2"\n'
    )
    python.chmod(0o755)
    result = as_normal_user(["bash", str(setup_system), "build"], cwd=setup_system.parent, env={"PYTHON": str(python)})
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{python} cannot create virtual environments (it has no ensurepip): reinstall it with its venv "
        "module, or run make with PYTHON=/usr/bin/python3"
    ]


def test_make_build_installs_only_what_building_needs_and_make_test_adds_the_test_tools(tmp_path: Path):
    clone = tmp_path / "clone"
    files = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, clone / name)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "MAKEFLAGS", "MFLAGS", "MAKELEVEL")}

    def make(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["make", *args], cwd=clone, env=env, capture_output=True, text=True, timeout=900)

    built = make("build")
    assert built.returncode == 0, built.stdout + built.stderr
    assert (clone / "build" / "manifest.json").is_file()
    python = str(clone / ".venv" / "bin" / "python")
    assert subprocess.run([python, "-c", "import dncontent, weasyprint"]).returncode == 0
    for tool in ("pytest", "playwright", "pypdf"):
        assert subprocess.run([python, "-c", f"import {tool}"], capture_output=True).returncode == 1, tool
    again = make("build")
    assert again.returncode == 0 and "pip install" not in again.stdout and "-m venv" not in again.stdout, again.stdout

    # `make test` adds the test tools to this environment rather than making another. That it installs them is
    # proved by every run of the suite through `make test`, which needs them; here, that it plans to, and that
    # what it plans is all that is left before the targets that use them run.
    planned = make("-n", "test").stdout
    assert "-e '.[dev]'" in planned and "-m venv" not in planned, planned
    (clone / ".venv" / ".installed-dev").touch()  # as that install leaves it
    for target in ("test", "golden", "bench"):  # nothing left to install before they run
        assert "pip install" not in make("-n", target).stdout, target
