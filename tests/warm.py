"""`python -m dncontent ARGS` in a process of its own, forked from one that has already imported dncontent.

The suite runs the command hundreds of times. Starting Python and importing dncontent, Jinja, jsonschema and
WeasyPrint takes longer than most of those runs take to work, so the command runs in a process forked (by
multiprocessing's fork server) from a server that imported them once. Everything else is as a user meets it:
the command's own process, its `__main__` run afresh (`runpy`, as `-m` does), its own working folder,
environment, arguments and exit status, its output in files of its own, stdin at end of file. Tests of how the
command starts (what it imports, how fast it starts) run the real interpreter instead.
"""

from __future__ import annotations

import atexit
import importlib.util
import io
import locale
import multiprocessing
import os
import re
import runpy
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path


def _modules() -> list[str]:
    """Every module of dncontent (found from its files, without importing it here), and what they use: what they
    import as they load, and the libraries their functions import only when called (Jinja, Babel, ruamel.yaml…),
    which every command that renders or checks would otherwise import again."""
    package = Path(importlib.util.find_spec("dncontent").origin).parent
    names, called = [], set()
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        if parts[-1] == "__main__":
            continue
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
        for match in _INDENTED_IMPORT.finditer(path.read_text("utf-8")):
            called.update(name.strip() for name in (match[1] or match[2]).split(","))
    return names + sorted(called - set(names))


# An absolute import in a function's (or any indented) body: `from a.b import c` or `import a, b.c`
_INDENTED_IMPORT = re.compile(
    r"^[ \t]+(?:from[ \t]+(\w[\w.]*)[ \t]+import\b|import[ \t]+(\w[\w.]*(?:[ \t]*,[ \t]*\w[\w.]*)*))", re.M
)


# What the fork server imports once (a module that fails to import is left to the command, as usual), then the
# data those libraries read on first use (tests/warm_data.py).
PRELOAD = [*_modules(), "tests.warm_data"]

_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(PRELOAD)


# Variables read as Python starts (its encoding, its paths, its flags): a command run with any of them changed
# starts a real interpreter, which reads them.
STARTUP = ("PYTHON", "LANG", "LC_")


def run(
    args: Sequence[str],
    cwd: Path,
    timeout: float,
    env: Mapping[str, str] | None = None,
    script: Path | None = None,
    merged: bool = False,
) -> subprocess.CompletedProcess:
    """`python -m dncontent ARGS` (or `python SCRIPT ARGS`) as `subprocess.run(..., capture_output=True,
    text=True)` runs it, in a warm process: a `CompletedProcess`, or `TimeoutExpired` after `timeout` seconds.
    With `merged`, stderr goes where stdout goes (`stderr=STDOUT`)."""
    env = dict(os.environ if env is None else env)
    if _startup(env) != _startup(os.environ):
        command = _command(args, script)
        merge = {"stdout": subprocess.PIPE, "stderr": subprocess.STDOUT} if merged else {"capture_output": True}
        return subprocess.run(command, cwd=cwd, env=env, timeout=timeout, text=True, **merge)
    return start(args, cwd, env, script, merged).wait(timeout)


class Started:
    """A command started in a warm process (`start`), running until `wait` collects it."""

    def __init__(self, command: list[str], process, folder: tempfile.TemporaryDirectory, merged: bool) -> None:
        self.command, self.process, self.folder, self.merged = command, process, folder, merged

    def wait(self, timeout: float) -> subprocess.CompletedProcess:
        """Its `CompletedProcess`, or `TimeoutExpired` (the process killed) after `timeout` seconds."""
        out, err = Path(self.folder.name, "stdout"), Path(self.folder.name, "stderr")
        try:
            self.process.join(timeout)
            if self.process.exitcode is None:
                self.process.kill()
                self.process.join()
                raise subprocess.TimeoutExpired(self.command, timeout, _text(out), _text(err))
            stderr = None if self.merged else _text(err)
            return subprocess.CompletedProcess(self.command, self.process.exitcode, _text(out), stderr)
        finally:
            self.folder.cleanup()


def start(
    args: Sequence[str],
    cwd: Path,
    env: Mapping[str, str] | None = None,
    script: Path | None = None,
    merged: bool = False,
) -> Started:
    """`python -m dncontent ARGS` (or `python SCRIPT ARGS`) started in a warm process, as `subprocess.Popen` starts
    it, to run beside others; `wait` collects it. The environment's start-up variables are the suite's (`run`
    starts a real interpreter for others)."""
    env = dict(os.environ if env is None else env)
    assert _startup(env) == _startup(os.environ), "a warm process starts with the suite's start-up variables"
    command = _command(args, script)
    folder = tempfile.TemporaryDirectory(prefix="dncontent-warm-")
    out, err = Path(folder.name, "stdout"), Path(folder.name, "stderr")
    process = _context.Process(
        target=_child, args=(list(args), str(cwd), env, str(out), None if merged else str(err), script and str(script))
    )
    process.start()
    return Started(command, process, folder, merged)


def _command(args: Sequence[str], script: Path | None) -> list[str]:
    """The command line a real interpreter runs it with (and a warm process reports)."""
    return [sys.executable, *([str(script)] if script else ["-m", "dncontent"]), *args]


def _startup(env: Mapping[str, str]) -> dict[str, str]:
    return {name: value for name, value in env.items() if name.startswith(STARTUP)}


def _text(path: Path) -> str:
    data = path.read_bytes() if path.exists() else b""
    # as subprocess.run(text=True) decodes: the locale's encoding, universal newlines
    return io.TextIOWrapper(io.BytesIO(data), encoding=locale.getpreferredencoding(False)).read()


def _child(args: list[str], cwd: str, env: dict, out: str, err: str | None, script: str | None) -> None:
    """In the forked process: become `python -m dncontent ARGS` (or `python SCRIPT ARGS`), and exit as it would."""
    for fd, path in ((1, out), (2, err or out)):
        if fd == 2 and err is None:
            os.dup2(1, 2)
            continue
        opened = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(opened, fd)
        os.close(opened)
    # the streams a Python started with its output in files has: stdout block-buffered, stderr line-buffered
    sys.stdout = open(1, "w", closefd=False)
    sys.stderr = open(2, "w", buffering=1, errors="backslashreplace", closefd=False)
    sys.__stdout__, sys.__stderr__ = sys.stdout, sys.stderr
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    code = 0
    try:
        if script:
            sys.argv = [script, *args]
            runpy.run_path(script, run_name="__main__")
        else:
            sys.argv = ["-m", *args]
            runpy.run_module("dncontent", run_name="__main__", alter_sys=True)
    except SystemExit as exit_:
        if exit_.code is None:
            code = 0
        elif isinstance(exit_.code, int):
            code = exit_.code
        else:
            print(exit_.code, file=sys.stderr)
            code = 1
    except BaseException:
        sys.excepthook(*sys.exc_info())
        code = 1
    finally:
        atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except OSError:
                pass
    os._exit(code)
