"""Whatever the files and the environment are (odd encodings, FIFOs, devices, links, a deleted working folder,
closed or full output streams, a full or read-only disk, no home folder), the CLI answers in one line: never a
traceback, never a hang."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CONTENT, ROOT, run_cli, shared_folder

DNCONTENT = [sys.executable, "-m", "dncontent"]
FULL = "error: cannot write the output: No space left on device"


def validate_lines(content: Path, *args: str) -> list[str]:
    result = run_cli("validate", "--content", str(content), *args, cwd=content.parent, timeout=60)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result.stdout.splitlines()


def shell(command: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120):
    return subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src"), **(env or {})},
    )


def no_traceback(result) -> None:
    assert "Traceback" not in (result.stdout or "") + result.stderr, result.stderr
    assert "Exception ignored" not in result.stderr, result.stderr


# Files that are not what their names promise


def test_a_utf8_byte_order_mark_before_the_modeline_is_accepted(content_copy: Path):
    for name in ("brand.yaml", "en/risks.yaml", "en/page.yaml"):
        path = content_copy / name
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    for args in ((), ("--strict",)):
        lines = validate_lines(content_copy, *args)
        assert not [line for line in lines if "schema" in line or "BOM" in line or "U+FEFF" in line], lines
    assert [line for line in validate_lines(content_copy, "--strict") if "placeholder URL" in line]  # lints ran


@pytest.mark.parametrize(
    "encoding, named",
    [
        ("utf-16-le", "UTF-16 little-endian"),
        ("utf-16-be", "UTF-16 big-endian"),
        ("utf-16", "UTF-16 little-endian"),
        ("utf-32-le", "UTF-32 little-endian"),
        ("utf-32", "UTF-32 little-endian"),
    ],
)
def test_utf16_and_utf32_are_named_instead_of_a_parser_message(content_copy: Path, encoding: str, named: str):
    risks = content_copy / "en" / "risks.yaml"
    risks.write_bytes(risks.read_text("utf-8").encode(encoding))
    assert validate_lines(content_copy) == [
        f"content/en/risks.yaml:1:1: file is not UTF-8 (it looks like {named}) (hint: save the file as UTF-8)"
    ]


def test_a_nul_byte_is_located(content_copy: Path):
    risks = content_copy / "en" / "risks.yaml"
    risks.write_bytes(risks.read_bytes().replace(b"label: Bruising", b"label: Bru\x00ising"))
    assert validate_lines(content_copy) == [
        "content/en/risks.yaml:7:15: file contains a NUL byte, so it is not text (hint: save the file as UTF-8 "
        "text; a NUL byte usually means a binary or damaged file)"
    ]


def test_fifos_devices_folders_and_links_named_like_content_files_are_reported_as_what_they_are(
    content_copy: Path, tmp_path: Path
):
    en = content_copy / "en"
    for name in ("sms.yaml", "labels.yaml", "cta.yaml", "session.yaml", "risks.yaml", "conditions.yaml"):
        (en / name).unlink()
    os.mkfifo(en / "sms.yaml")  # reading it would wait for a writer forever: it must not be opened
    (en / "labels.yaml").symlink_to("/dev/null")
    (en / "cta.yaml").mkdir()
    (en / "session.yaml").symlink_to(tmp_path / "nowhere.yaml")
    outside = tmp_path / "outside.yaml"
    shutil.copy(CONTENT / "en" / "risks.yaml", outside)
    (en / "risks.yaml").symlink_to(outside)
    # a link that stays inside the content folder is an ordinary way to share a file
    (content_copy / "assets").mkdir(exist_ok=True)
    shutil.copy(CONTENT / "en" / "conditions.yaml", content_copy / "assets" / "conditions.yaml")
    (en / "conditions.yaml").symlink_to("../assets/conditions.yaml")
    server = socket.socket(socket.AF_UNIX)
    try:
        (en / "page.yaml").unlink()
        server.bind(str(en / "page.yaml"))
        assert validate_lines(content_copy) == [
            "content/en/cta.yaml:1:1: is a folder, not a regular file "
            "(hint: content files are plain text files; replace it with one)",
            "content/en/labels.yaml:1:1: is a character device, not a regular file",  # the hint is given once
            "content/en/page.yaml:1:1: is a socket, not a regular file",
            f"content/en/risks.yaml:1:1: is a symbolic link to {outside}, outside the content folder "
            "(hint: content comes from the content folder only: copy the file in)",
            f"content/en/session.yaml:1:1: is a broken symbolic link (to {tmp_path / 'nowhere.yaml'}) "
            "(hint: point the link at an existing file, or replace it with the file)",
            "content/en/sms.yaml:1:1: is a FIFO (named pipe), not a regular file",
        ]
    finally:
        server.close()


def test_a_locale_folder_linked_from_outside_is_refused(content_copy: Path, tmp_path: Path):
    shutil.copytree(CONTENT / "en", tmp_path / "elsewhere")
    (content_copy / "fr").symlink_to(tmp_path / "elsewhere")
    lines = validate_lines(content_copy)
    assert len(lines) == 8 and all(
        line.startswith("content/fr/") and "outside the content folder" in line for line in lines
    ), lines


def test_a_content_folder_that_is_not_a_folder_is_named(tmp_path: Path):
    (tmp_path / "file").write_text("brand: x\n")
    os.mkfifo(tmp_path / "fifo")
    for name, what in (("file", "a file"), ("fifo", "a FIFO (named pipe)")):
        for command in (["validate"], ["build", "--out", str(tmp_path / "out")]):
            result = run_cli(*command, "--content", str(tmp_path / name), timeout=60)
            no_traceback(result)
            assert result.returncode == 2
            assert f"Error: content folder {tmp_path / name} is {what}, not a folder" in result.stderr


def test_an_unreadable_file_names_the_permission(content_copy: Path):
    # Root reads anything, so the check runs as `nobody` (as a normal user, directly), on copies of the content,
    # of dncontent and of the packages it imports, in a folder that user can read: the checkout and its
    # virtual environment may sit in a folder only their owner can enter.
    # Babel is imported by name: here the locale tags may come from the artifact cache, which `nobody` has not
    code = (
        "import sys; sys.path[:0] = [sys.argv[1]]; import babel; from dncontent.load import discover, read_all; "
        "from pathlib import Path; files, found = discover(Path('content')); "
        "print('\\n'.join(p.format() for p in found + read_all(files)))"
    )
    with shared_folder("dncontent-perm-") as shared:
        shutil.copytree(content_copy, shared / "content")
        _copy_what_it_imports(code, shared)
        _readable_by_all(shared)
        (shared / "content" / "en" / "risks.yaml").chmod(0o000)
        prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []
        result = subprocess.run(
            [*prefix, "/usr/bin/python3", "-c", code, str(shared / "lib")],
            cwd=shared,
            capture_output=True,
            text=True,
            timeout=60,
            env={"PATH": "/usr/bin:/bin"},
        )
    no_traceback(result)
    assert (
        "content/en/risks.yaml:1:1: cannot read file: Permission denied "
        "(hint: check the file's permissions)" in result.stdout.splitlines()
    ), result.stdout + result.stderr


def _copy_what_it_imports(code: str, folder: Path) -> None:
    """Run `code` here, then copy the top-level packages it loaded from outside the standard library (dncontent
    itself, PyYAML, Babel) into folder/lib, for a system Python run as another user."""
    listing = (
        "import json, sys, sysconfig\n"
        "code, sys.argv = sys.argv[1], sys.argv[1:]\n"
        "exec(code)\n"
        "stdlib = sysconfig.get_paths()['stdlib'] + '/'\n"
        "files = {name: getattr(module, '__file__', None) for name, module in list(sys.modules.items())}\n"
        "print(json.dumps({n: f for n, f in files.items() if '.' not in n and f and not f.startswith(stdlib)}))"
    )
    found = subprocess.run(
        [sys.executable, "-c", listing, code, str(ROOT / "src")], cwd=folder, capture_output=True, text=True, check=True
    )
    (folder / "lib").mkdir()
    for name, file in json.loads(found.stdout.splitlines()[-1]).items():
        path = Path(file)
        if path.name == "__init__.py":
            shutil.copytree(path.parent, folder / "lib" / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(path, folder / "lib" / path.name)


def _readable_by_all(folder: Path) -> None:
    """Every folder under `folder` enterable and every file readable by every user, whatever the umask."""
    for path in [folder, *folder.rglob("*")]:
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() else 0o644)


# The working folder, the output streams and the disk


def test_a_deleted_working_folder_is_no_traceback(tmp_path: Path):
    gone = tmp_path / "gone"
    gone.mkdir()
    command = f"cd gone && rmdir ../gone && {shlex.join(DNCONTENT)} validate --content {shlex.quote(str(CONTENT))}"
    result = shell(command, cwd=tmp_path)
    no_traceback(result)
    assert result.returncode == 0 and result.stderr.startswith("Content is valid"), result.stderr
    gone.mkdir()
    result = shell(f"cd gone && rmdir ../gone && {shlex.join(DNCONTENT)} validate", cwd=tmp_path)  # ./content
    no_traceback(result)
    assert result.returncode == 2 and "content folder not found: content" in result.stderr
    # a build with absolute paths does not need the working folder at all
    gone.mkdir()
    out = tmp_path / "out"
    result = shell(
        f"cd gone && rmdir ../gone && {shlex.join(DNCONTENT)} build --content {shlex.quote(str(CONTENT))} "
        f"--out {shlex.quote(str(out))} --format json",
        cwd=tmp_path,
    )
    no_traceback(result)
    assert result.returncode == 0 and (out / "manifest.json").is_file(), result.stderr


def test_a_build_without_a_home_folder_works(tmp_path: Path, monkeypatch):
    """HOME unset for a user the password database does not know: Path.home() raises, and the build goes on."""
    import pathlib

    import dncontent

    def no_home():
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(pathlib.Path, "home", staticmethod(no_home))
    monkeypatch.delenv("HOME", raising=False)
    result = dncontent.build(dncontent.BuildOptions(content=CONTENT, out=tmp_path / "out", formats=("json",)))
    assert (result.out / "manifest.json").is_file()


def test_a_reader_that_goes_away_ends_quietly(tmp_path: Path):
    read_end, write_end = os.pipe()
    os.close(read_end)  # every write to the pipe fails with EPIPE, the way `| head -1` makes later ones fail
    try:
        for args in (
            ["validate", "--content", str(CONTENT)],
            ["validate", "--format", "json"],
            ["--help"],
            ["report", "--no-brochures", "--content", str(CONTENT)],
        ):
            result = subprocess.run(
                [*DNCONTENT, *args], stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120, cwd=ROOT
            )
            no_traceback(result)
            assert result.returncode == 1 and "Broken pipe" not in result.stderr, (args, result.stderr)
    finally:
        os.close(write_end)
    result = shell(f"{shlex.join(DNCONTENT)} validate --content {shlex.quote(str(CONTENT))} | head -1", cwd=tmp_path)
    no_traceback(result)
    assert result.stdout.count("\n") == 1


def test_closed_output_streams_cost_only_the_output(tmp_path: Path):
    for redirect in (">&-", "2>&-", ">&- 2>&-", "<&-"):
        out = tmp_path / f"build{len(redirect)}"
        command = (
            f"{shlex.join(DNCONTENT)} build --content {shlex.quote(str(CONTENT))} --out {shlex.quote(str(out))}"
            f" --format json --format sms {redirect}"
        )
        result = shell(command, cwd=tmp_path)
        no_traceback(result)
        assert result.returncode == 0, (redirect, result.stderr)
        manifest = json.loads((out / "manifest.json").read_text("utf-8"))
        assert all((out / entry["path"]).is_file() for entry in manifest["artifacts"])
    result = shell(f"{shlex.join(DNCONTENT)} validate --content {shlex.quote(str(CONTENT))} >&- 2>&-", cwd=tmp_path)
    assert result.returncode == 0


@pytest.mark.parametrize(
    "args",
    [
        ["validate"],
        ["validate", "--format", "json"],
        ["--help"],
        ["report", "--no-brochures"],
        ["build", "--format", "json", "--out", "{out}"],
    ],
)
def test_a_full_output_stream_is_one_line(tmp_path: Path, args: list[str]):
    args = [arg.replace("{out}", str(tmp_path / "build")) for arg in args]
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [*DNCONTENT, *args, *(["--content", str(CONTENT)] if args[0] != "--help" else [])],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            cwd=tmp_path,
        )
    no_traceback(result)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == FULL and result.stderr.count("error:") == 1, result.stderr
    with open("/dev/full", "w") as full:  # nowhere to say it either: the exit code says it
        result = subprocess.run(
            [*DNCONTENT, "validate", "--content", str(CONTENT)], stdout=full, stderr=full, timeout=120, cwd=tmp_path
        )
    assert result.returncode == 1


def test_a_preview_that_cannot_print_its_address_stops_with_one_line(tmp_path: Path):
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [*DNCONTENT, "preview", "--content", str(CONTENT), "--port", "0"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            cwd=tmp_path,
        )
    no_traceback(result)
    assert result.returncode == 1 and result.stderr.splitlines()[-1] == FULL, result.stderr


def graded(tmp_path: Path) -> Path:
    """A copy of the shipped content whose own wording misses its reading target: validate scores it and says so."""
    content = tmp_path / "graded"
    shutil.copytree(CONTENT, content)
    page = content / "en" / "page.yaml"
    page.write_text(page.read_text("utf-8").replace("\ntitle:", "\nreading_grade_target: 2\ntitle:", 1), "utf-8")
    return content


def _on_small_disk(tmp_path: Path, options: str, command: str):
    """Run `command` with a 64 KiB tmpfs mounted (with `options`) at tmp_path/disk, in a private mount namespace
    so nothing stays mounted; unshare maps an ordinary user to root there."""
    disk = tmp_path / "disk"
    disk.mkdir(exist_ok=True)
    inner = f"mount -t tmpfs -o size=64k{options} tmpfs {shlex.quote(str(disk))} && {command}"
    return shell(f"unshare --mount --map-root-user bash -c {shlex.quote(inner)}", cwd=tmp_path)


@pytest.mark.parametrize("options, message", [("", "No space left on device"), (",ro", "Read-only file system")])
def test_a_full_or_read_only_disk_is_one_line(tmp_path: Path, options: str, message: str):
    out = tmp_path / "disk" / "build"
    build = f"{shlex.join(DNCONTENT)} build --content {shlex.quote(str(CONTENT))} --out {shlex.quote(str(out))}"
    result = _on_small_disk(tmp_path, options, f"{build} --format html")
    no_traceback(result)
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: cannot write {out}: {message}"), result.stderr
    # The reading-grade cache on such a disk costs only speed, and leaves nothing behind.
    fill = "head -c 70000 /dev/zero > disk/fill 2>/dev/null; " if not options else ""
    validate = f"{shlex.join(DNCONTENT)} validate --content {shlex.quote(str(graded(tmp_path)))}"
    result = _on_small_disk(tmp_path, options, f"{fill}XDG_CACHE_HOME=disk/cache {validate} && find disk -name '*.tmp'")
    no_traceback(result)
    assert result.returncode == 0 and result.stderr.startswith("Content is valid"), result.stderr
    assert "reading grade" in result.stdout and ".tmp" not in result.stdout


@pytest.mark.parametrize(
    "setting",
    [
        "no HOME",
        "HOME is a file",
        "HOME is missing",
        "cache is a file",
        "cache is relative",
        "cache file is a FIFO",
        "cache file is a folder",
        "cache file is junk",
    ],
)
def test_the_reading_grade_cache_never_stops_validate(tmp_path: Path, setting: str):
    env = {k: v for k, v in os.environ.items() if k not in ("HOME", "XDG_CACHE_HOME")}
    cache = tmp_path / "cache"
    (cache / "dncontent").mkdir(parents=True)
    grades = cache / "dncontent" / "reading-grades.json"
    if setting == "HOME is a file":
        env["HOME"] = "/etc/hostname"
    elif setting == "HOME is missing":
        env["HOME"] = str(tmp_path / "nowhere")
    elif setting == "cache is a file":
        env["XDG_CACHE_HOME"] = "/etc/hostname"
    elif setting == "cache is relative":
        env["XDG_CACHE_HOME"], env["HOME"] = "relative", str(tmp_path)
    elif setting == "cache file is a FIFO":
        os.mkfifo(grades)
    elif setting == "cache file is a folder":
        grades.mkdir()
    elif setting == "cache file is junk":
        grades.write_text("[" * 100_000 + json.dumps({"x": True}))
    if setting.startswith("cache file"):
        env["XDG_CACHE_HOME"] = str(cache)
    result = subprocess.run(
        [*DNCONTENT, "validate", "--content", str(graded(tmp_path))],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    no_traceback(result)
    assert result.returncode == 0 and result.stderr.startswith("Content is valid"), result.stderr
    assert "reading grade" in result.stdout
    assert not (tmp_path / "relative").exists()


def test_reading_grades_without_any_home_folder(monkeypatch, tmp_path: Path):
    # HOME unset and the user missing from /etc/passwd (a container's arbitrary uid): no home at all.
    import pwd

    from dncontent.validate import readability

    def no_such_user(uid):
        raise KeyError(f"getpwuid(): uid not found: {uid}")

    monkeypatch.delenv("HOME", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(pwd, "getpwuid", no_such_user)
    first, second = readability.grades(["The cat sat on the mat.", "Dry needling is a treatment."])
    assert isinstance(first, float) and isinstance(second, float) and first < second
