"""The writer never loses a build: concurrent builds take turns, a build killed or failing at any file operation
is cleared up by the next one, folders dncontent did not make are never deleted, mount points are refused."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from tests import warm
from tests.conftest import CONTENT, ROOT, run_cli

KILLER = Path(__file__).resolve().parent / "killing_build.py"
FAST = ("--format", "sms")  # a few small files: every kind of file operation a build makes, in few of them


def tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def assert_whole_build(out: Path) -> dict:
    """`out` holds exactly the files its manifest lists, each with its sha256, and nothing else."""
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    files = tree(out)
    files.pop("manifest.json")
    assert {e["path"]: e["sha256"] for e in manifest["artifacts"]} == files, "build/ does not match its manifest"
    return manifest


def beside(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir())


def build(content: Path, out: Path, *formats: str) -> subprocess.CompletedProcess:
    return run_cli("build", "--content", str(content), "--out", str(out), *formats)


def killer(content: Path, out: Path, *options: str, formats=FAST) -> subprocess.CompletedProcess:
    """A build under killing_build.py, with an artifact cache of its own that starts empty: every run makes
    the same file operations in the same order (its cache entries among them), so the Nth is the same in each."""
    with tempfile.TemporaryDirectory(prefix="dncontent-killer-cache-") as cache:
        return warm.run(
            [*options, "--", "build", "--content", str(content), "--out", str(out), *formats],
            cwd=ROOT,
            timeout=120,
            env={**os.environ, "DNCONTENT_CACHE_DIR": cache},
            script=KILLER,
        )


def operations(result: subprocess.CompletedProcess) -> list[tuple[str, list[str]]]:
    """The file operations a --trace run made, in order: (name, paths)."""
    ops = []
    for line in result.stderr.splitlines():
        if line.startswith("op "):
            _, _, name, *paths = line.split(" ")
            ops.append((name, paths))
    return ops


def reword(content: Path) -> None:
    """An edit that changes what the build writes: the booking invitation's text."""
    sms = content / "en" / "sms.yaml"
    sms.write_text(
        sms.read_text("utf-8").replace("Thinking about dry needling", "Curious about dry needling", 1), "utf-8"
    )


@pytest.fixture
def old_and_new(tmp_path, content_copy):
    """build/ holding a build of the shipped content, a snapshot of it, and content that builds differently.

    The content is the English alone: its build makes every kind of file operation the full one makes (each
    folder and file, the lock, the swap), in fewer files, so that killing it at each one takes less time."""
    shutil.rmtree(content_copy / "es")
    out = tmp_path / "build"
    assert build(content_copy, out, *FAST).returncode == 0
    snapshot = tmp_path.parent / f"{tmp_path.name}-snapshot"
    shutil.copytree(out, snapshot)
    reword(content_copy)
    yield out, snapshot, content_copy
    shutil.rmtree(snapshot)


def restore(out: Path, snapshot: Path | None) -> None:
    shutil.rmtree(out, ignore_errors=True)
    if snapshot is not None:
        shutil.copytree(snapshot, out)


# 1. Concurrent builds

FULL = ()
MIXED_A = ("--format", "html", "--format", "json")
MIXED_B = ("--format", "sms", "--format", "pdf")


def test_concurrent_builds_into_one_folder_take_turns(content_copy, tmp_path):
    """Twelve rounds of two builds at once, full and mixed formats, the second starting at different moments."""
    out = tmp_path / "build"
    waited = 0
    for round_ in range(12):
        first, second = (FULL, FULL) if round_ % 2 == 0 else (MIXED_A, MIXED_B)
        command = ["build", "--content", str(content_copy), "--out", str(out)]
        a = warm.start([*command, *first], cwd=ROOT)
        time.sleep((round_ // 2 % 3) * 0.25)
        b = warm.start([*command, *second], cwd=ROOT)
        for result in (a.wait(300), b.wait(300)):
            assert "Traceback" not in result.stderr, result.stderr
            assert result.returncode == 0, f"round {round_}: {result.stderr}"
            waited += "waiting for another build into" in result.stderr
        manifest = assert_whole_build(out)
        formats = {e["format"] for e in manifest["artifacts"]}
        assert formats in ({"json", "html", "sms", "pdf", "fhir"}, {"html", "json"}, {"sms", "pdf"}), formats
        assert beside(out) == ["build", "content"], f"round {round_} left {beside(out)}"
    assert waited, "no build ever waited for the other: the rounds did not overlap"


def hold_lock(out: Path) -> int:
    fd = os.open(out.parent / f".{out.name}.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def test_a_build_waits_for_the_one_before_it_and_other_folders_do_not(tmp_path):
    out = tmp_path / "build"
    fd = hold_lock(out)
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "dncontent", "build", "--content", str(CONTENT), "--out", str(out), *FAST],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        first_line: list[str] = []
        reader = threading.Thread(target=lambda: first_line.append(proc.stderr.readline()), daemon=True)
        reader.start()
        reader.join(60)
        assert first_line and first_line[0] == f"waiting for another build into {out}/ to finish\n"
        # a build into another folder in the same parent neither waits nor shares anything with it
        site = build(CONTENT, tmp_path / "site", *FAST)
        assert site.returncode == 0 and site.stderr == "", site.stderr
        assert_whole_build(tmp_path / "site")
        assert proc.poll() is None and not out.exists()
    finally:
        os.close(fd)
    assert proc.wait(60) == 0, proc.stderr.read()
    assert_whole_build(out)
    assert beside(out) == ["build", "site"]


def test_a_build_that_waits_too_long_stops_with_one_line(tmp_path):
    from dncontent.errors import BuildError
    from dncontent.write import Writer

    out = tmp_path / "build"
    fd = hold_lock(out)
    try:
        with pytest.raises(BuildError) as caught:
            Writer(out, lock_timeout=0.3, on_wait=lambda message: None)
    finally:
        os.close(fd)
    message = str(caught.value)
    assert "\n" not in message and f"another build into {out}/ did not finish within 0.3s" in message
    assert not (tmp_path / ".build.staging").exists()


# 2. A build killed at any file operation, and 5. any OSError at any of them


def swap_index(ops: list[tuple[str, list[str]]], out: Path, exchange: bool) -> int:
    """The 1-based index of the operation that puts the new build in place."""
    for index, (name, paths) in enumerate(ops, 1):
        if (exchange and name == "exchange") or (not exchange and name == "rename" and paths[-1] == str(out)):
            return index
    raise AssertionError(f"no swap among {ops}")


@pytest.mark.parametrize("mode", ["exchange", "two renames", "first build"])
def test_a_build_killed_at_any_file_operation_is_recovered_by_the_next(old_and_new, mode):
    out, snapshot, content = old_and_new
    options = ("--no-exchange",) if mode == "two renames" else ()
    if mode == "first build":
        snapshot = None
        restore(out, snapshot)
    old = tree(out) if snapshot else None
    traced = killer(content, out, "--trace", *options)
    assert traced.returncode == 0, traced.stderr
    new = tree(out)
    assert new != old
    ops = operations(traced)
    swap = swap_index(ops, out, exchange=mode == "exchange")
    assert len(ops) > 10 and f"file operations: {len(ops)}" in traced.stderr
    # Up to the manifest, the last write before the swap, a build makes the same operations in every mode (the
    # cache's, the lock, the staging folder and its files); the exchange mode is killed at each of them, the
    # others from the manifest on, where they differ: the swap, and what is tidied up after it.
    manifest = next(i for i, (name, paths) in enumerate(ops, 1) if paths[0].endswith("/new/manifest.json"))
    assert manifest < swap
    first = 1 if mode == "exchange" else manifest
    for kill_at in range(first, len(ops) + 1):
        restore(out, snapshot)
        where = f"killed at {kill_at} of {len(ops)}: {ops[kill_at - 1]}"
        killed = killer(content, out, "--kill-at", str(kill_at), *options)
        assert killed.returncode == 137, f"{where}: {killed.stderr}"
        if kill_at < swap or (kill_at == swap and mode != "two renames"):
            assert (tree(out) if out.exists() else None) == old, f"{where}: the previous build changed"
        elif kill_at > swap:
            assert tree(out) == new, where
        after = build(content, out, *FAST)
        assert after.returncode == 0 and "Traceback" not in after.stderr, f"{where}, then: {after.stderr}"
        assert_whole_build(out)
        assert tree(out) == new, where
        assert beside(out) == ["build", "content"], f"{where}: left {beside(out)}"


def test_no_file_operation_that_fails_gives_a_traceback_or_blocks_the_next_build(old_and_new):
    out, snapshot, content = old_and_new
    old = tree(out)
    total = len(operations(killer(content, out, "--trace")))
    new = tree(out)
    for fail_at in range(1, total + 1):
        restore(out, snapshot)
        where = f"failed at {fail_at} of {total}"
        failed = killer(content, out, "--fail-at", str(fail_at))
        assert "Traceback" not in failed.stderr, f"{where}: {failed.stderr}"
        errors = [line for line in failed.stderr.splitlines() if line.startswith("error:")]
        if failed.returncode:
            assert failed.returncode == 1 and len(errors) == 1, f"{where}: {failed.stderr}"
            assert "No space left on device" in errors[0], errors
            assert tree(out) == old, f"{where}: a failed build changed the previous one"
        else:  # failures after the swap, while tidying up: the build is in place
            assert errors == [] and tree(out) == new, where
        after = build(content, out, *FAST)
        assert after.returncode == 0, f"{where}, then: {after.stderr}"
        assert tree(out) == new and beside(out) == ["build", "content"], f"{where}: left {beside(out)}"


# 3. Folders named like the writer's own, which dncontent did not make


@pytest.mark.parametrize("name", [".build.old", ".build.staging"])
@pytest.mark.parametrize("holding", ["a note", "a copy of a build"])
def test_a_folder_dncontent_did_not_make_is_never_deleted(tmp_path, name, holding):
    out = tmp_path / "build"
    assert build(CONTENT, out, *FAST).returncode == 0
    previous = tree(out)
    mine = tmp_path / name
    if holding == "a note":
        mine.mkdir()
        (mine / "notes.txt").write_text("keep me", "utf-8")
    else:  # say, the user kept the last build under this name
        shutil.copytree(out, mine)
    kept = tree(mine)
    result = build(CONTENT, out, *FAST)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    error = [line for line in result.stderr.splitlines() if str(mine) in line]
    assert error and "move it away or delete it, then build again" in error[0], result.stderr
    assert tree(mine) == kept and tree(out) == previous
    assert beside(out) == sorted(["build", name])


def test_an_empty_staging_folder_left_by_a_killed_build_is_removed(tmp_path):
    out = tmp_path / "build"
    (tmp_path / ".build.staging").mkdir()  # a build killed right after creating it
    assert build(CONTENT, out, *FAST).returncode == 0
    assert beside(out) == ["build"]


@pytest.mark.parametrize("lock, what", [("a FIFO", "a FIFO (named pipe)"), ("notes", "a file with something in it")])
def test_something_else_at_the_lock_name_is_refused_and_kept(tmp_path, lock, what):
    """A build deletes its lock file as it finishes: only an empty regular file can be one it made or left."""
    out = tmp_path / "build"
    mine = tmp_path / ".build.lock"
    os.mkfifo(mine) if lock == "a FIFO" else mine.write_text("keep me", "utf-8")
    before = os.lstat(mine)
    result = run_cli("build", "--content", str(CONTENT), "--out", str(out), *FAST, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert (
        f"Error: {mine} is {what}, not a lock file dncontent made; move it away or delete it, then build again"
        in result.stderr
    )
    after = os.lstat(mine)
    assert (after.st_ino, after.st_mode, after.st_size) == (before.st_ino, before.st_mode, before.st_size)
    assert beside(out) == [".build.lock"]


# 4. An output folder that is a mount point


def test_an_output_folder_that_will_not_rename_is_refused_in_one_line(old_and_new):
    """A bind mount looks like any folder until it is renamed: then EBUSY."""
    out, snapshot, content = old_and_new
    old = tree(out)
    for options in (("--busy",), ("--busy", "--no-exchange"), ("--mount",)):
        result = killer(content, out, *options)
        assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
        error = [line for line in result.stderr.splitlines() if "mount point" in line]
        assert len(error) == 1 and f"build into a folder inside it instead, such as --out {out}/site" in error[0], (
            result.stderr
        )
        assert tree(out) == old and beside(out) == ["build", "content"]


def unshare_works() -> bool:
    try:
        return subprocess.run(["unshare", "-rm", "true"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


@pytest.mark.skipif(not unshare_works(), reason="needs user namespaces (unshare -rm) to mount without root")
@pytest.mark.parametrize("mount", ["tmpfs", "bind"])
def test_a_real_mount_point_is_refused_and_a_folder_inside_it_builds(tmp_path, mount):
    out = tmp_path / "build"
    out.mkdir()
    (tmp_path / "elsewhere").mkdir()
    how = 'mount -t tmpfs none "$OUT"' if mount == "tmpfs" else 'mount --bind "$OUT/../elsewhere" "$OUT"'
    script = (
        f"{how} || exit 99; "
        '"$PY" -m dncontent build --content "$CONTENT" --out "$OUT" --format json; echo "rc=$?"; '
        '"$PY" -m dncontent build --content "$CONTENT" --out "$OUT/site" --format json; echo "rc=$?"; '
        'ls -A "$OUT"; ls -A "$OUT/site"'
    )
    result = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "OUT": str(out), "PY": sys.executable, "CONTENT": str(CONTENT)},
        timeout=120,
    )
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert "mount point" in result.stderr and f"such as --out {out}/site" in result.stderr
    assert result.stdout.splitlines()[:1] == ["rc=2"] and "rc=0" in result.stdout, result.stdout
    assert result.stdout.splitlines()[-3:] == ["site", "json", "manifest.json"]


# Neighbours: where the output folder is and what it is


def test_an_output_folder_whose_parents_do_not_exist_yet(tmp_path):
    out = tmp_path / "a" / "b" / "build"
    for _ in range(2):
        result = build(CONTENT, out, *FAST)
        assert result.returncode == 0, result.stderr
        assert_whole_build(out)
        assert beside(out) == ["build"]


def test_an_output_folder_that_is_a_link_is_built_where_it_leads(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "build").symlink_to(tmp_path / "real" / "site")
    for _ in range(2):
        result = build(CONTENT, tmp_path / "build", *FAST)
        assert result.returncode == 0, result.stderr
        assert (tmp_path / "build").is_symlink()
        assert_whole_build(tmp_path / "real" / "site")
        assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["site"]


@pytest.mark.parametrize(
    "target, message, code",
    [
        ("loop", "is a symbolic link that leads back to itself", 2),
        (".build.staging", "builds use names like .build.staging for their own working files", 2),
        ("notes.txt/build", "notes.txt, which is a file, not a folder", 2),
    ],
)
def test_an_unusable_output_path_is_one_line_and_changes_nothing(tmp_path, target, message, code):
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    (tmp_path / "notes.txt").write_text("keep me", "utf-8")
    assert build(CONTENT, tmp_path / "build", *FAST).returncode == 0
    before = sorted(p.name for p in tmp_path.iterdir())
    result = subprocess.run(
        [sys.executable, "-m", "dncontent", "build", "--content", str(CONTENT), "--out", target, *FAST],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == code and "Traceback" not in result.stderr, result.stderr
    assert message in result.stderr, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert (tmp_path / "notes.txt").read_text("utf-8") == "keep me"
    assert build(CONTENT, tmp_path / "build", *FAST).returncode == 0


# 6. The commands that write content files (signoff, i18n import): only the files they mean to change

WRITTEN = {"signoff": ["es/page.yaml"], "import": ["es/risks.yaml", "es/translation.yaml"]}
AT_STAGING_NAMES = [
    "a link to a file outside",
    "a link to nothing outside",
    "a FIFO",
    "a file of someone else's",
    "a folder",
]
AT_CONTENT_FILES = [
    "a link to a file outside",
    "a link to nothing outside",
    "a FIFO",
    "a folder",
    "a link inside the content folder",
]


def snapshot(root: Path) -> dict[str, tuple]:
    """Every entry under `root`, links not followed: its kind and mode, what a link says or a file holds, and a
    file's inode and time (a file rewritten with the same bytes counts as changed). Never opens a FIFO."""
    entries = {}
    for where, folders, files in os.walk(root):
        for name in folders + files:
            path = Path(where) / name
            info = os.lstat(path)
            data = (
                os.readlink(path)
                if stat.S_ISLNK(info.st_mode)
                else path.read_bytes()
                if stat.S_ISREG(info.st_mode)
                else None
            )
            entries[path.relative_to(root).as_posix()] = (info.st_mode, data) + (
                () if stat.S_ISDIR(info.st_mode) else (info.st_ino, info.st_mtime_ns)
            )
    return entries


def plant(path: Path, kind: str, case: Path) -> None:
    """Put something dncontent did not make at `path`, replacing what is there."""
    if os.path.lexists(path):
        os.rename(path, path.with_name(f".{path.name}.mine"))  # kept inside the content folder, for a link to it
    if kind == "a link to a file outside":
        path.symlink_to(case / "outside" / "victim.txt")
    elif kind == "a link to nothing outside":
        path.symlink_to(case / "outside" / "created.txt")
    elif kind == "a FIFO":
        os.mkfifo(path)
    elif kind == "a file of someone else's":
        path.write_text("keep me\n", "utf-8")
    elif kind == "a folder":
        path.mkdir()
        (path / "keep.txt").write_text("keep me\n", "utf-8")
    elif kind == "a link inside the content folder":
        path.symlink_to(path.with_name(f".{path.name}.mine"))
    else:
        raise AssertionError(kind)


@pytest.fixture(scope="module")
def translated_po(tmp_path_factory) -> tuple[Path, Path]:
    """The shipped content, with one Spanish unit not yet recorded in the translation memory, and a PO file that
    translates it anew: importing it writes es/risks.yaml and es/translation.yaml."""
    import polib

    base = tmp_path_factory.mktemp("writers")
    content = base / "content"
    shutil.copytree(CONTENT, content)
    memory = content / "es" / "translation.yaml"
    memory.write_text(memory.read_text("utf-8").replace("  risks/infection/label: Infection\n", "", 1), "utf-8")
    po_path = base / "es.po"
    assert run_cli("i18n", "export", "--locale", "es", "--content", str(content), "-o", str(po_path)).returncode == 0
    po = polib.pofile(str(po_path))
    (infection,) = [e for e in po if e.msgctxt == "risks/infection/label"]
    infection.msgstr = "Infección local"
    infection.flags = []
    po.save(str(po_path))
    return content, po_path


def run_writer(case: Path, command: str) -> tuple[subprocess.CompletedProcess, set[str]]:
    """Run a writing command on case/content; what it changed under case/ (the whole tree, the PO file and the
    files outside the content folder included). A command that waits on a FIFO fails the test at the timeout."""
    before = snapshot(case)
    args = (
        ["signoff", "--locale", "es", "--by", "Dana Ruiz, PT, DPT"]
        if command == "signoff"
        else ["i18n", "import", str(case / "es.po")]
    )
    result = run_cli(*args, "--content", str(case / "content"), timeout=60)
    after = snapshot(case)
    changed = {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
    assert "Traceback" not in result.stderr, result.stderr
    if result.returncode == 0:
        intended = {f"content/{name}" for name in WRITTEN[command]}
        assert changed and changed <= intended, f"{command} changed {sorted(changed - intended)}"
        assert all(path in after and stat.S_ISREG(after[path][0]) for path in changed), "a link or not a file"
    else:
        assert result.returncode == 1, result.stderr
        assert changed == set(), f"a refused {command} changed {sorted(changed)}"
        assert len([line for line in result.stderr.splitlines() if line.startswith("error:")]) == 1, result.stderr
    return result, changed


def writer_cases():
    for name in sorted({n for names in WRITTEN.values() for n in names}):
        staging = str(Path(name).with_name(f".{Path(name).name}.dncontent-new"))
        for kind in AT_STAGING_NAMES:
            yield pytest.param(staging, kind, id=f"{staging} is {kind}")
        for kind in AT_CONTENT_FILES:
            yield pytest.param(name, kind, id=f"{name} is {kind}")
    yield pytest.param("es", "a link inside the content folder", id="es is a link inside the content folder")


@pytest.mark.parametrize("name, kind", list(writer_cases()))
def test_writers_touch_only_the_content_files_they_mean_to_change(tmp_path, translated_po, name, kind):
    content, po_path = translated_po
    case = tmp_path / "case"
    shutil.copytree(content, case / "content")
    shutil.copy(po_path, case / "es.po")
    (case / "outside").mkdir()
    (case / "outside" / "victim.txt").write_text("export PATH=/usr/bin\n", "utf-8")  # say, ~/.bashrc
    plant(case / "content" / name, kind, case)
    outcomes = {}
    for command in ("signoff", "import"):
        outcomes[command] = run_writer(case, command)[0].returncode
    if Path(name).name.startswith("."):  # beside the content files: never in a writer's way
        assert outcomes == {"signoff": 0, "import": 0}, outcomes
    elif kind == "a link inside the content folder":  # valid content, but a link is never written through
        refused = {command for command, names in WRITTEN.items() if name == "es" or name in names}
        assert outcomes == {command: 1 if command in refused else 0 for command in WRITTEN}, outcomes
    else:  # not content at all: `validate` refuses it, and so does every command that writes
        assert outcomes == {"signoff": 1, "import": 1}, outcomes
    assert (case / "outside" / "victim.txt").read_text("utf-8") == "export PATH=/usr/bin\n"
    assert sorted(p.name for p in (case / "outside").iterdir()) == ["victim.txt"]


def test_a_linked_content_file_is_refused_in_one_line_naming_it(tmp_path, translated_po):
    content, _ = translated_po
    shutil.copytree(content, tmp_path / "content")
    page = tmp_path / "content" / "es" / "page.yaml"
    plant(page, "a link inside the content folder", tmp_path)
    result = run_cli("signoff", "--locale", "es", "--by", "Dana Ruiz, PT, DPT", "--content", "content", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr == (
        "content/es/page.yaml:1:1: is a symbolic link (to "
        f"{tmp_path}/content/es/.page.yaml.mine): dncontent edits content files in place and "
        "never writes through a link (hint: replace the link with a copy of the file it points "
        "to)\nerror: cannot edit content/es/page.yaml; nothing was written\n"
    )
    assert page.is_symlink()


def test_a_signed_off_page_keeps_its_permissions_and_a_new_memory_gets_the_umask(tmp_path, translated_po):
    content, po_path = translated_po
    shutil.copytree(content, tmp_path / "content")
    page, memory = tmp_path / "content" / "es" / "page.yaml", tmp_path / "content" / "es" / "translation.yaml"
    page.chmod(0o640)
    memory.unlink()
    result = run_cli("signoff", "--locale", "es", "--by", "Dana Ruiz, PT, DPT", "--content", str(tmp_path / "content"))
    assert result.returncode == 0, result.stderr
    assert oct(page.stat().st_mode & 0o777) == oct(0o640)
    script = (
        "import os, sys; os.umask(0o027); from dncontent.cli import main; main(['i18n', 'mark-current', "
        f"'--locale', 'es', '--content', {str(tmp_path / 'content')!r}])"
    )
    marked = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert marked.returncode == 0, marked.stderr
    assert oct(memory.stat().st_mode & 0o777) == oct(0o640)
    assert sorted(p.name for p in memory.parent.iterdir() if p.name.startswith(".")) == []


def test_a_content_file_that_became_a_fifo_is_refused_without_waiting(tmp_path):
    """Between the check of the content and the edit, a file may be replaced: the edit opens nothing that waits."""
    fifo = tmp_path / "page.yaml"
    os.mkfifo(fifo)
    script = (
        "from pathlib import Path; from dncontent.governance.yamledit import Document, WriteRefused\n"
        f"try:\n    Document(Path({str(fifo)!r}))\nexcept WriteRefused as exc:\n"
        "    print(exc.problems[0].format())"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout == "page.yaml:1:1: is a FIFO (named pipe), not a regular file (hint: content files are "
        "plain text files; replace it with one)\n"
    )
