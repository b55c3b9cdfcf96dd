"""Shared fixtures: the shipped content, a CLI runner, one full build, the real tools the checks use."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests import warm

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"

# The suite's builds share one artifact cache of their own, never the user's: what a test sees does not
# depend on what was built on this machine before. Tests of the cache give each build its own folder.
_CACHE = tempfile.TemporaryDirectory(prefix="dncontent-test-cache-")
os.environ["DNCONTENT_CACHE_DIR"] = _CACHE.name
# Builds print in their own process; the tests of the print server turn it on, with sockets in a folder of the
# suite's own (short: a socket's path must fit in about 100 bytes), and no server outlives the suite.
_RUNTIME = tempfile.TemporaryDirectory(prefix="dnc-run-")
os.environ["DNCONTENT_RUNTIME_DIR"] = _RUNTIME.name
os.environ["DNCONTENT_PRINT_SERVER"] = "off"


@pytest.fixture(scope="session", autouse=True)
def _stop_print_servers():
    yield
    from dncontent.printing import server as print_server

    for path in print_server.servers(Path(_RUNTIME.name)):
        print_server.ask(path, "stop")


def require(command: str, package: str) -> str:
    """Path of a system command the test needs; fails (never skips) with the command that installs it."""
    found = shutil.which(command)
    if not found:
        pytest.fail(
            f"{command} is missing; install it with: sudo apt-get install -y {package} "
            f"(or run `make test`, which installs it)",
            pytrace=False,
        )
    return found


@contextmanager
def shared_folder(prefix: str) -> Iterator[Path]:
    """A temporary folder every user can enter and read, removed afterwards: for what a test runs as another
    user (`nobody`), who may not reach the checkout (a clone under a 0700 home) or a private TMPDIR."""
    bases = [Path(tempfile.gettempdir()), Path("/tmp"), Path("/var/tmp"), Path("/dev/shm")]
    base = next(
        (b for b in bases if b.is_dir() and all(p.stat().st_mode & stat.S_IXOTH for p in (b, *b.parents))), None
    )
    if base is None:
        pytest.fail("no temporary folder other users can enter: none of " + ", ".join(map(str, bases)), pytrace=False)
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=base))
    try:
        folder.chmod(0o755)
        yield folder
    finally:
        shutil.rmtree(folder)


def run_cli(
    *args: str, cwd: Path | None = None, timeout: float = 300, env: dict | None = None
) -> subprocess.CompletedProcess:
    """Run the real `dncontent` command in a process of its own, as a user would (started warm: tests/warm.py),
    with `env` added to the environment."""
    return warm.run(args, cwd=cwd or ROOT, timeout=timeout, env={**os.environ, **(env or {})})


def run_build(content: Path, out: Path, *args: str, timeout: float = 300, env: dict | None = None):
    """`dncontent build` of `content` into `out`, with more arguments (see run_cli)."""
    return run_cli("build", "--content", str(content), "--out", str(out), *args, timeout=timeout, env=env)


def imported(log: str, package: str) -> bool:
    """Whether `python -X importtime`'s log (its stderr) shows `package` imported, at any depth (the log
    indents a module by the depth it was imported at)."""
    import re

    return re.search(rf"^import time:[^|]*\|[^|]*\|\s+{re.escape(package)}(?:\.|$)", log, re.MULTILINE) is not None


def formats(*names: str) -> tuple[str, ...]:
    """The --format arguments of a build of channels `names`."""
    return tuple(arg for name in names for arg in ("--format", name))


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped content to edit."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


def made_once(tmp_path_factory, name: str, make) -> Path:
    """Folder `name`, made by `make(folder)` once for the whole run and read by every test that asks for it.

    With pytest-xdist each worker has a session of its own; the first to ask makes the folder in the run's
    shared temporary folder while the others wait on a lock, then all read it. What a session fixture gives
    is read, never changed, so one copy serves all the workers as it served all the tests of one."""
    import fcntl

    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = root / name
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / f"{name}.made").exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            (root / f"{name}.made").touch()
    return folder


def _build_into(folder: Path, *args: str) -> None:
    """A build of the shipped content into folder/build, its output kept beside it (result.json)."""
    import json

    result = run_cli("build", "--content", str(CONTENT), "--out", str(folder / "build"), *args)
    assert result.returncode == 0, result.stderr
    (folder / "result.json").write_text(json.dumps([result.args, result.returncode, result.stdout, result.stderr]))


def _result(folder: Path) -> subprocess.CompletedProcess:
    import json

    return subprocess.CompletedProcess(*json.loads((folder / "result.json").read_text()))


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """One full build of the shipped content (every channel), shared by the channel tests."""
    return made_once(tmp_path_factory, "built", _build_into) / "build"


# `dncontent fixtures` folders the app contract tests read: 100 exports, each of the five profiles 20 times. A few
# large folders rather than many small ones: each run of the command builds its strategies once.
FIXTURE_FOLDERS = 4
FIXTURE_EXPORTS = 25  # in each folder


def _fixtures_into(base: Path) -> None:
    for seed in range(1, FIXTURE_FOLDERS + 1):
        result = run_cli(
            "fixtures", "--count", str(FIXTURE_EXPORTS), "--seed", str(seed), "-o", str(base / f"seed-{seed}")
        )
        assert result.returncode == 0, result.stderr


@pytest.fixture(scope="session")
def fixture_folders(tmp_path_factory) -> list[Path]:
    """json/ folders written by `dncontent fixtures`, each from its own seed."""
    base = made_once(tmp_path_factory, "fixture-folders", _fixtures_into)
    return [base / f"seed-{seed}" for seed in range(1, FIXTURE_FOLDERS + 1)]


@pytest.fixture(scope="session")
def print_build(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """A second build, of the PDF channel alone, with the print-shop versions, the large print and the kept HTML."""
    folder = made_once(
        tmp_path_factory,
        "print-build",
        lambda folder: _build_into(folder, "--format", "pdf", "--keep-html", "--print", "--large-print"),
    )
    return folder / "build", _result(folder)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright (no downloaded browser)."""
    chromium = require("chromium", "chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=chromium,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield instance
        instance.close()
