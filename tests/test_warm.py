"""The suite's warm runner (tests/warm.py) gives what the real interpreter gives: the same output, errors and
exit status, from the command's own folder and environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import warm
from tests.conftest import CONTENT, ROOT


def real(args: list[str], cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dncontent", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--version"],
        ["--help"],
        ["validate", "--content", "content"],
        ["validate", "--content", "nowhere"],
        ["build", "--no-such-option"],
        ["i18n", "export", "--content", "content", "--locale", "en"],
    ],
    ids=["version", "help", "validate", "no content", "usage error", "refused"],
)
def test_the_warm_command_answers_as_the_real_one(tmp_path, args):
    (tmp_path / "content").symlink_to(CONTENT)
    env = {**os.environ, "NO_COLOR": "1"}
    expected = real(args, tmp_path, env)
    got = warm.run(args, cwd=tmp_path, timeout=120, env=env)
    assert (got.returncode, got.stdout, got.stderr) == (expected.returncode, expected.stdout, expected.stderr)


def test_an_uncaught_error_is_a_traceback_and_status_1_as_python_gives(tmp_path):
    script = tmp_path / "fails.py"
    script.write_text("import sys\nprint('before')\nraise RuntimeError('boom')\n", "utf-8")
    expected = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path)
    got = warm.run([], cwd=tmp_path, timeout=60, script=script)
    assert got.returncode == expected.returncode == 1
    assert got.stdout == expected.stdout == "before\n"
    assert got.stderr.splitlines()[0] == "Traceback (most recent call last):"
    assert got.stderr.splitlines()[-1] == expected.stderr.splitlines()[-1] == "RuntimeError: boom"


def test_a_changed_locale_or_python_setting_starts_a_real_interpreter(tmp_path):
    env = {**os.environ, "PYTHONIOENCODING": "ascii:backslashreplace"}
    code = tmp_path / "encoding.py"
    code.write_text("import sys\nprint(sys.stdout.encoding)\n", "utf-8")
    assert warm.run([], ROOT, 60, env, script=code).stdout == "ascii\n"
    assert warm.run([], ROOT, 60, script=code).stdout.strip().lower().replace("-", "") == "utf8"
