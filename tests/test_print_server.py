"""The print server: builds hand their brochures to a warm WeasyPrint, get the same bytes back, and never
depend on it: whatever is wrong with a server, the build prints in its own process."""
from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from dncontent import print_server
from tests.conftest import CONTENT


@pytest.fixture
def runtime():
    """A runtime folder of the test's own, in /tmp (a socket's path must be short); its servers stopped after."""
    folder = Path(tempfile.mkdtemp(prefix="dnc-", dir="/tmp"))
    yield folder
    for path in print_server.servers(folder):
        print_server.ask(path, "stop")


def run(*args: str, runtime: Path, env: dict | None = None, python: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DNCONTENT_RUNTIME_DIR": str(runtime), "DNCONTENT_PRINT_SERVER": "on", **(env or {})}
    for name, value in list(environment.items()):
        if value is None:
            del environment[name]
    result = subprocess.run([sys.executable, *python, "-m", "dncontent", *args], capture_output=True, text=True,
                            timeout=600, env=environment)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def build(content: Path, out: Path, cache: Path, *args: str, runtime: Path, env: dict | None = None,
          python: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    result = run("build", "--content", str(content), "--out", str(out), *args, runtime=runtime,
                 env={"DNCONTENT_CACHE_DIR": str(cache), **(env or {})}, python=python)
    assert result.returncode == 0, result.stderr
    return result


def manifest(out: Path) -> list:
    return json.loads((out / "manifest.json").read_text("utf-8"))["artifacts"]


def status(runtime: Path) -> dict:
    """What the one server for this code says about itself."""
    answer = print_server.ask(runtime / f"print-{print_server.identity()}.sock", "status")
    assert answer and answer["ok"], answer
    return answer


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/status").read_text().find("State:\tZ") < 0


def test_a_rebuild_prints_on_the_warm_server_the_bytes_a_clean_build_prints(content_copy, tmp_path, runtime):
    cache = tmp_path / "cache"
    build(content_copy, tmp_path / "out", cache, runtime=runtime)
    first = status(runtime)
    assert first["connections"] >= 1  # the first build started the server and printed on it

    risks = content_copy / "en" / "risks.yaml"
    risks.write_text(risks.read_text("utf-8").replace("label: Fainting", "label: Fainting or dizziness"), "utf-8")
    rebuild = build(content_copy, tmp_path / "out", cache, runtime=runtime, python=("-X", "importtime"))
    assert "| weasyprint" not in rebuild.stderr and "| dncontent" in rebuild.stderr  # printed elsewhere...
    second = status(runtime)
    assert second["pid"] == first["pid"] and second["connections"] > first["connections"]  # ...on that server

    clean = build(content_copy, tmp_path / "clean", tmp_path / "no-cache", "--no-cache", runtime=runtime)
    assert re.search(r": (\d+) rendered, 0 reused", clean.stdout)
    assert status(runtime)["connections"] == second["connections"]  # --no-cache printed in process
    assert manifest(tmp_path / "out") == manifest(tmp_path / "clean")
    for entry in manifest(tmp_path / "out"):
        assert (tmp_path / "out" / entry["path"]).read_bytes() == (tmp_path / "clean" / entry["path"]).read_bytes()


def test_print_server_status_and_stop(tmp_path, runtime):
    assert run("print-server", "status", runtime=runtime).stdout == "No print server is running.\n"
    build(CONTENT, tmp_path / "out", tmp_path / "cache", runtime=runtime)
    pid = status(runtime)["pid"]
    shown = run("print-server", "status", runtime=runtime).stdout
    assert f"print server {pid} for this dncontent" in shown, shown
    assert run("print-server", "stop", runtime=runtime).stdout == "Stopped 1 print server.\n"
    deadline = time.monotonic() + 10
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(pid)
    assert print_server.servers(runtime) == []  # its socket went with it
    assert run("print-server", "status", runtime=runtime).stdout == "No print server is running.\n"


def test_an_idle_server_exits_by_itself(tmp_path, runtime):
    build(CONTENT, tmp_path / "out", tmp_path / "cache", runtime=runtime, env={"DNCONTENT_PRINT_SERVER_IDLE": "1"})
    answer = print_server.ask(runtime / f"print-{print_server.identity()}.sock", "status")
    assert answer and answer["idle_seconds"] == 1
    deadline = time.monotonic() + 20
    while alive(answer["pid"]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(answer["pid"]) and print_server.servers(runtime) == []


@pytest.mark.parametrize("setting, extra", [
    ({"DNCONTENT_PRINT_SERVER": "off"}, ()),
    ({"DNCONTENT_PRINT_SERVER": None, "CI": "true"}, ()),  # a CI machine runs one build: nothing stays behind
    ({}, ("--no-cache",)),  # from scratch: no cache and no warm renderer
])
def test_builds_that_must_not_leave_a_server_behind_print_in_process(tmp_path, runtime, setting, extra):
    result = build(CONTENT, tmp_path / "out", tmp_path / "cache", *extra, runtime=runtime, env=setting)
    assert re.search(r"\b4 pdf\b", result.stdout)
    assert print_server.servers(runtime) == []


def test_a_runtime_folder_others_may_enter_is_not_used(tmp_path, runtime):
    runtime.chmod(0o755)
    build(CONTENT, tmp_path / "out", tmp_path / "cache", runtime=runtime)
    assert list(runtime.iterdir()) == []
    assert print_server.runtime_dir() is not None  # the suite's own folder is private, and so used


def test_a_dead_servers_socket_is_replaced(tmp_path, runtime):
    path = runtime / f"print-{print_server.identity()}.sock"
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(str(path))
    dead.close()  # the file stays; nothing listens
    build(CONTENT, tmp_path / "out", tmp_path / "cache", runtime=runtime)
    assert status(runtime)["connections"] >= 1


def test_a_server_that_answers_nonsense_costs_only_speed(tmp_path, runtime):
    path = runtime / f"print-{print_server.identity()}.sock"
    fake = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    fake.bind(str(path))
    fake.listen(8)
    served = []

    def answer_nonsense():
        fake.settimeout(60)
        try:
            while True:
                connection, _ = fake.accept()
                served.append(connection.recv(64))
                connection.sendall(b"\x00\x00\x00\x05hello")
                connection.close()
        except OSError:
            return

    thread = threading.Thread(target=answer_nonsense, daemon=True)
    thread.start()
    try:
        build(CONTENT, tmp_path / "out", tmp_path / "cache", runtime=runtime)
    finally:
        fake.close()
    assert served  # the build did ask it
    build(CONTENT, tmp_path / "clean", tmp_path / "other", "--no-cache", runtime=runtime)
    assert manifest(tmp_path / "out") == manifest(tmp_path / "clean")


def test_a_server_answers_only_its_own_user(tmp_path, runtime):
    if os.getuid() != 0:
        pytest.fail("this test runs a client as another user, so it needs root (as `make test` in CI has)",
                    pytrace=False)
    build(CONTENT, tmp_path / "out", tmp_path / "cache", runtime=runtime)
    path = runtime / f"print-{print_server.identity()}.sock"
    client = ("import socket, sys\n"
              "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\n"
              "try:\n    s.connect(sys.argv[1])\nexcept PermissionError:\n    print('no entry'); sys.exit()\n"
              "try:\n    s.sendall(b'\\x00\\x00\\x00\\x0f{\"op\":\"status\"}')\n    answer = s.recv(100)\n"
              "except OSError:\n    answer = b''\n"
              "print('answer', answer)\n")
    as_nobody = dict(user="nobody", capture_output=True, text=True, timeout=60, cwd="/")
    # The folder keeps other users out...
    assert subprocess.run(["python3", "-c", client, str(path)], **as_nobody).stdout == "no entry\n"
    # ...and past the folder, the server itself refuses them.
    runtime.chmod(0o711)
    path.chmod(0o777)
    assert subprocess.run(["python3", "-c", client, str(path)], **as_nobody).stdout == "answer b''\n"
    runtime.chmod(0o700)
    assert status(runtime)["ok"]
