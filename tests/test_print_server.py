"""The print server: builds hand their brochures to a warm WeasyPrint, get the same bytes back, and never
depend on it: whatever is wrong with a server, the build prints in its own process."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from dncontent.printing import server as print_server
from tests import warm
from tests.conftest import CONTENT, ROOT, imported


@pytest.fixture
def runtime():
    """A runtime folder of the test's own, in /tmp (a socket's path must be short); its servers stopped after."""
    folder = Path(tempfile.mkdtemp(prefix="dnc-", dir="/tmp"))
    yield folder
    for path in print_server.servers(folder):
        print_server.ask(path, "stop")


def run(
    *args: str, runtime: Path, env: dict | None = None, python: tuple[str, ...] = ()
) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DNCONTENT_RUNTIME_DIR": str(runtime), "DNCONTENT_PRINT_SERVER": "on", **(env or {})}
    for name, value in list(environment.items()):
        if value is None:
            del environment[name]
    if python:  # interpreter options: a real interpreter
        result = subprocess.run(
            [sys.executable, *python, "-m", "dncontent", *args],
            capture_output=True,
            text=True,
            timeout=600,
            env=environment,
        )
    else:
        result = warm.run(args, cwd=ROOT, timeout=600, env=environment)
    assert "Traceback" not in result.stderr, result.stderr
    return result


# The brochures on one paper: a server prints either paper alike, and half as many brochures take half the time.
LETTER = ("--paper", "letter")


def build(
    content: Path,
    out: Path,
    cache: Path,
    *args: str,
    runtime: Path,
    env: dict | None = None,
    python: tuple[str, ...] = (),
) -> subprocess.CompletedProcess:
    result = run(
        "build",
        "--content",
        str(content),
        "--out",
        str(out),
        *LETTER,
        *args,
        runtime=runtime,
        env={"DNCONTENT_CACHE_DIR": str(cache), **(env or {})},
        python=python,
    )
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


def children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def test_a_rebuild_prints_on_the_warm_server_the_bytes_a_clean_build_prints(content_copy, tmp_path, runtime):
    cache = tmp_path / "cache"
    build(content_copy, tmp_path / "out", cache, runtime=runtime)
    first = status(runtime)
    assert first["connections"] >= 1  # the first build started the server and printed on it

    risks = content_copy / "en" / "risks.yaml"
    risks.write_text(risks.read_text("utf-8").replace("label: Fainting", "label: Fainting or dizziness"), "utf-8")
    rebuild = build(content_copy, tmp_path / "out", cache, runtime=runtime, python=("-X", "importtime"))
    assert not imported(rebuild.stderr, "weasyprint") and imported(rebuild.stderr, "dncontent")  # printed elsewhere...
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


@pytest.mark.parametrize(
    "setting, extra",
    [
        ({"DNCONTENT_PRINT_SERVER": "off"}, ()),
        ({"DNCONTENT_PRINT_SERVER": None, "CI": "true"}, ()),  # a CI machine runs one build: nothing stays behind
        ({}, ("--no-cache",)),  # from scratch: no cache and no warm renderer
    ],
)
def test_builds_that_must_not_leave_a_server_behind_print_in_process(tmp_path, runtime, setting, extra):
    result = build(CONTENT, tmp_path / "out", tmp_path / "cache", *extra, runtime=runtime, env=setting)
    assert re.search(r"\b2 pdf\b", result.stdout)
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


def test_a_server_answers_only_its_own_user(tmp_path, runtime, monkeypatch):
    if os.getuid() != 0:  # no other user to be: the check itself, on a real connection, as if from another uid
        server, client = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        assert print_server._same_user(server)
        monkeypatch.setattr(os, "getuid", lambda: os.geteuid() + 1)
        assert not print_server._same_user(server)
        return
    build(CONTENT, tmp_path / "out", tmp_path / "cache", runtime=runtime)
    path = runtime / f"print-{print_server.identity()}.sock"
    client = (
        "import socket, sys\n"
        "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\n"
        "try:\n    s.connect(sys.argv[1])\nexcept PermissionError:\n    print('no entry'); sys.exit()\n"
        'try:\n    s.sendall(b\'\\x00\\x00\\x00\\x0f{"op":"status"}\')\n    answer = s.recv(100)\n'
        "except OSError:\n    answer = b''\n"
        "print('answer', answer)\n"
    )
    as_nobody = dict(user="nobody", capture_output=True, text=True, timeout=60, cwd="/")
    # The folder keeps other users out...
    assert subprocess.run(["python3", "-c", client, str(path)], **as_nobody).stdout == "no entry\n"
    # ...and past the folder, the server itself refuses them.
    runtime.chmod(0o711)
    path.chmod(0o777)
    assert subprocess.run(["python3", "-c", client, str(path)], **as_nobody).stdout == "answer b''\n"
    runtime.chmod(0o700)
    assert status(runtime)["ok"]


def test_stopping_the_server_while_it_prints_loses_nothing(content_copy, tmp_path, runtime):
    """A stop (or SIGTERM) waits for the brochures being printed: their fonts go only when the server does."""
    environment = {
        **os.environ,
        "DNCONTENT_RUNTIME_DIR": str(runtime),
        "DNCONTENT_PRINT_SERVER": "on",
        "DNCONTENT_CACHE_DIR": str(tmp_path / "cache"),
    }
    out = str(tmp_path / "out")
    running = subprocess.Popen(
        [sys.executable, "-m", "dncontent", "build", "--content", str(content_copy), "--out", out, *LETTER],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    path = runtime / f"print-{print_server.identity()}.sock"
    deadline = time.monotonic() + 60
    while not (answer := print_server.ask(path, "status", timeout=30)):
        assert running.poll() is None and time.monotonic() < deadline, "the build never started a server"
        time.sleep(0.01)
    server = answer["pid"]
    while not (printing := [pid for pid in children(server) if alive(pid)]):  # a brochure is being printed
        assert running.poll() is None and time.monotonic() < deadline, "the build never printed on the server"
        time.sleep(0.002)
    assert print_server.ask(path, "stop")["ok"]  # while it prints
    while alive(server):
        time.sleep(0.002)
    assert not any(alive(pid) for pid in printing)  # it waited for every child before its fonts went
    out, err = running.communicate(timeout=300)
    assert running.returncode == 0 and "Traceback" not in err, err
    assert "could not be drawn" not in err and ".notdef" not in err, err
    build(content_copy, tmp_path / "clean", tmp_path / "other", "--no-cache", runtime=runtime)
    for entry in manifest(tmp_path / "clean"):
        assert (tmp_path / "out" / entry["path"]).read_bytes() == (tmp_path / "clean" / entry["path"]).read_bytes()


def test_a_server_that_stops_answering_costs_the_build_only_time(content_copy, tmp_path, runtime, monkeypatch):
    import dncontent
    from dncontent.options import BuildOptions

    monkeypatch.setenv("DNCONTENT_RUNTIME_DIR", str(runtime))
    monkeypatch.setenv("DNCONTENT_PRINT_SERVER", "on")
    monkeypatch.setattr(print_server, "JOB_SECONDS", 2.0)
    options = BuildOptions(content=content_copy, out=tmp_path / "out", cache_dir=tmp_path / "cache", papers=("letter",))
    dncontent.build(options, print_server=True)
    pid = status(runtime)["pid"]
    os.kill(pid, signal.SIGSTOP)  # stuck: it takes connections (the system queues them) and never answers
    try:
        risks = content_copy / "en" / "risks.yaml"
        risks.write_text(risks.read_text("utf-8").replace("label: Fainting", "label: Fainting spells"), "utf-8")
        started = time.monotonic()
        result = dncontent.build(options, print_server=True)
        assert time.monotonic() - started < 60
        assert any(path.endswith(".en.letter.pdf") for path in result.rendered)
    finally:
        os.kill(pid, signal.SIGCONT)
    clean = dncontent.build(options._replace(out=tmp_path / "clean", no_cache=True))
    assert clean.manifest == result.manifest


def test_a_relative_runtime_folder_is_the_one_under_the_working_folder(tmp_path):
    work = Path(tempfile.mkdtemp(prefix="dnc-", dir="/tmp"))
    out = str(tmp_path / "out")
    try:
        result = subprocess.run(
            [sys.executable, "-m", "dncontent", "build", "--content", str(CONTENT), "--out", out, *LETTER],
            cwd=work,
            capture_output=True,
            text=True,
            timeout=300,
            env={
                **os.environ,
                "DNCONTENT_RUNTIME_DIR": "run",
                "DNCONTENT_PRINT_SERVER": "on",
                "DNCONTENT_CACHE_DIR": str(tmp_path / "cache"),
            },
        )
        assert result.returncode == 0, result.stderr
        assert [path.name for path in print_server.servers(work / "run")] == [f"print-{print_server.identity()}.sock"]
    finally:
        for path in print_server.servers(work / "run"):
            print_server.ask(path, "stop")


def test_a_server_whose_runtime_folder_is_removed_exits(tmp_path, runtime):
    build(CONTENT, tmp_path / "out", tmp_path / "cache", runtime=runtime)
    pid = status(runtime)["pid"]
    for path in runtime.iterdir():
        path.unlink()
    runtime.rmdir()
    deadline = time.monotonic() + 30
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(pid)
    runtime.mkdir(mode=0o700)  # for the fixture's clean-up


def test_a_new_server_for_changed_code_stops_the_old_one_of_that_copy(tmp_path, runtime):
    """A developer who edits dncontent and builds again does not collect a server per edit."""
    copy = tmp_path / "tool"
    shutil.copytree(ROOT / "src", copy / "src", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("templates", "schemas"):
        shutil.copytree(ROOT / name, copy / name)
    env = {"PYTHONPATH": str(copy / "src")}
    build(CONTENT, tmp_path / "out", tmp_path / "cache", runtime=runtime, env=env)
    (first,) = print_server.servers(runtime)
    old = print_server.ask(first, "status")["pid"]
    with open(copy / "src" / "dncontent" / "printing" / "render.py", "a", encoding="utf-8") as code:
        code.write("# edited\n")  # the code changed: a new server is needed
    risks_edit = tmp_path / "content"
    shutil.copytree(CONTENT, risks_edit)
    build(risks_edit, tmp_path / "out2", tmp_path / "cache2", runtime=runtime, env=env)
    deadline = time.monotonic() + 30
    while alive(old) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(old)
    (current,) = print_server.servers(runtime)
    assert current != first


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


@pytest.mark.parametrize("idle", ["nan", "inf", "-5", "0", "ten", "1e9"])
def test_an_idle_setting_that_is_no_usable_number_of_seconds_is_one_line_and_the_default(monkeypatch, idle):
    monkeypatch.setenv("DNCONTENT_PRINT_SERVER_IDLE", idle)
    assert print_server.idle_seconds() == print_server.IDLE_SECONDS
    (said,) = print_server.setting_problems()
    assert said.startswith(f"DNCONTENT_PRINT_SERVER_IDLE={idle!r} is not a number of seconds") and "600" in said


def test_a_server_started_with_an_unusable_idle_setting_says_so_once_and_waits_without_spinning(tmp_path, runtime):
    """NaN, the setting that would leave a server spinning had it been used: the build says so in one line, and
    the server waits the default time, using no CPU while it waits."""
    idle = "nan"
    result = build(
        CONTENT, tmp_path / "out", tmp_path / "cache", runtime=runtime, env={"DNCONTENT_PRINT_SERVER_IDLE": idle}
    )
    said = [line for line in result.stderr.splitlines() if "DNCONTENT_PRINT_SERVER_IDLE" in line]
    assert len(said) == 1 and repr(idle) in said[0] and "600" in said[0], result.stderr
    answer = status(runtime)
    assert answer["idle_seconds"] == print_server.IDLE_SECONDS
    deadline = time.monotonic() + 60
    while not (answer["warm"] and answer["printing"] == 0) and time.monotonic() < deadline:
        time.sleep(0.2)  # it prints the last brochure once more, for itself, once the build is done
        answer = print_server.ask(runtime / f"print-{print_server.identity()}.sock", "status", timeout=30) or answer
    assert answer["warm"] and answer["printing"] == 0, answer
    time.sleep(0.5)  # past any start-up work: a waiting server uses no CPU
    before = cpu_seconds(answer["pid"])
    time.sleep(1)
    assert cpu_seconds(answer["pid"]) - before < 0.2


def test_no_lock_file_outlives_a_start_and_what_gone_servers_left_is_removed(tmp_path, runtime):
    """A build that starts a server leaves no lock behind, and removes the sockets, logs and locks of servers
    that are gone; other files, links named like them, and what links point to, are left alone."""
    gone = "0123456789abcdef"
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(str(runtime / f"print-{gone}.sock"))
    dead.close()  # nothing listens
    (runtime / f"print-{gone}.lock").write_bytes(b"")
    (runtime / f"print-{gone}.log").write_bytes(b"Traceback: the last words of a server long gone\n")
    (runtime / "notes.txt").write_bytes(b"someone's")
    target = tmp_path / "target.log"
    target.write_bytes(b"not the runtime folder's")
    (runtime / "print-fedcba9876543210.log").symlink_to(target)
    (runtime / "print-fedcba9876543210.lock").symlink_to(tmp_path / "nothing")

    build(CONTENT, tmp_path / "out", tmp_path / "cache", runtime=runtime)
    current = f"print-{print_server.identity()}"
    assert sorted(path.name for path in runtime.iterdir()) == sorted(
        [f"{current}.sock", "notes.txt", "print-fedcba9876543210.log", "print-fedcba9876543210.lock"]
        + ([f"{current}.log"] if (runtime / f"{current}.log").exists() else [])
    )
    assert target.read_bytes() == b"not the runtime folder's"

    pid = status(runtime)["pid"]
    assert run("print-server", "stop", runtime=runtime).returncode == 0
    deadline = time.monotonic() + 30
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sorted(path.name for path in runtime.iterdir()) == [
        "notes.txt",
        "print-fedcba9876543210.lock",
        "print-fedcba9876543210.log",
    ]  # nothing of the server's


# The renderer, and code outside `printing` that the server runs too (the renderer's limit on image sizes).
@pytest.mark.parametrize("edited", ["printing/render.py", "validate/logo.py"])
def test_code_edited_in_place_keeping_size_and_time_is_another_server(tmp_path, edited):
    """A server runs the code it was started with: an edit that keeps a file's size and time (`rsync -a`,
    `touch -r`) still makes a new one, or a cached build would differ from one from scratch."""
    copy = tmp_path / "tool"
    shutil.copytree(ROOT / "src", copy / "src", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("templates", "schemas"):
        shutil.copytree(ROOT / name, copy / name)
    ask = [sys.executable, "-c", "from dncontent.printing import server; print(server.identity())"]
    env = {**os.environ, "PYTHONPATH": str(copy / "src")}
    before = subprocess.run(ask, capture_output=True, text=True, env=env, check=True).stdout
    code = copy / "src" / "dncontent" / edited
    info = code.stat()
    text = code.read_text("utf-8")
    code.write_text(text.replace("\n\n", "\n#", 1), "utf-8")
    os.utime(code, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert code.stat().st_size == info.st_size
    after = subprocess.run(ask, capture_output=True, text=True, env=env, check=True).stdout
    assert before != after


def test_a_server_is_told_apart_by_all_of_dncontent_not_only_printing():
    """`identity` hashes the whole package the server runs from; `printing` alone would leave out code it runs."""
    import dncontent

    assert print_server.source() == Path(dncontent.__file__).resolve().parent


def test_brochures_no_longer_wanted_stop_printing_on_the_server(runtime, monkeypatch):
    """The studio's content changed while brochures print for it: the build hangs up, and the server's processes
    printing them stop at once instead of finishing work no one will read."""
    from dncontent.printing import Cancelled, Job
    from dncontent.resources import templates_dir

    monkeypatch.setenv("DNCONTENT_RUNTIME_DIR", str(runtime))
    # a document that takes the renderer far longer than the wait below: 4,000 paragraphs in balanced columns
    long = "".join(f"<p>Paragraph {i}: dry needling, what you need to know.</p>" for i in range(4000))
    job = Job(f"<style>body {{ columns: 3 }}</style>{long}", str(templates_dir() / "pdf"), b"0" * 32)
    # a server, warmed by a short document (a server warms up by printing again the last job sent before it is warm)
    print_server.print_jobs([job._replace(html="<p>Dry needling</p>")])
    deadline = time.monotonic() + 120
    while not status(runtime)["warm"]:
        assert time.monotonic() < deadline, "the server never warmed up"
        time.sleep(0.05)
    no_longer_wanted = threading.Event()
    outcome: list[BaseException] = []

    def printing() -> None:
        try:
            print_server.print_jobs([job, job], cancelled=no_longer_wanted.is_set)
        except BaseException as exc:  # noqa: BLE001 -- what the test looks at
            outcome.append(exc)

    thread = threading.Thread(target=printing)
    thread.start()
    server = status(runtime)["pid"]
    while not (printing_now := [pid for pid in children(server) if alive(pid)]):
        assert time.monotonic() < deadline, "the server never printed"
        time.sleep(0.01)
    time.sleep(0.5)  # well into the layout
    no_longer_wanted.set()
    thread.join(5)
    assert not thread.is_alive() and len(outcome) == 1 and isinstance(outcome[0], Cancelled), outcome
    assert not isinstance(outcome[0], print_server.Unavailable)  # which would print the jobs in process instead
    stopped = time.monotonic() + 5
    while any(alive(pid) for pid in printing_now):
        assert time.monotonic() < stopped, "the server went on printing brochures no one waits for"
        time.sleep(0.02)
    while status(runtime)["printing"]:  # the server has seen them go (it reaps its children every half second)
        assert time.monotonic() < stopped + 5, status(runtime)
        time.sleep(0.1)


def test_a_preview_pass_no_longer_wanted_renders_nothing_and_stores_nothing(tmp_path, runtime, monkeypatch):
    """Cancelled before a brochure prints: no print server is asked, nothing prints in process instead, and the
    pass's channel is left out without a failure to show."""
    from dncontent.options import BuildOptions
    from dncontent.pipeline import load_content
    from dncontent.preview.state import render_channels

    monkeypatch.setenv("DNCONTENT_RUNTIME_DIR", str(runtime))
    monkeypatch.setenv("DNCONTENT_PRINT_SERVER", "on")
    options = BuildOptions(content=CONTENT, cache_dir=tmp_path / "cache", papers=("letter",))
    rendered = render_channels(("pdf",), load_content(CONTENT), options, print_server=True, cancelled=lambda: True)
    assert rendered.failed == ["pdf"] and rendered.failures == [] and rendered.problems == []
    assert rendered.artifacts == {} and rendered.store is not None and rendered.store.rendered == []
    assert print_server.servers(runtime) == []  # none was started for it
