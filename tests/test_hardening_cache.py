"""The artifact cache among other people's files and hands: it deletes only entries it wrote, follows no link,
uses no folder others may write to, serves no entry its channel would not write, and reuses nothing whose
inputs' contents changed, whatever their size and time say."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

import dncontent
from dncontent.cache import ArtifactCache, Part
from tests.conftest import CONTENT
from tests.test_cache import LETTER, build, counts, tool_copy, tree  # noqa: F401 -- tool_copy is a fixture

FORMATS = ("--format", "json", "--format", "sms")  # quick builds, where what is printed does not matter


def snapshot(root: Path) -> dict[str, object]:
    """Every name under `root`, links as links (never followed), files with their bytes and times."""
    found: dict[str, object] = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            info = path.lstat()
            relative = path.relative_to(root).as_posix()
            if stat.S_ISLNK(info.st_mode):
                found[relative] = ("link", os.readlink(path))
            elif stat.S_ISREG(info.st_mode):
                found[relative] = ("file", path.read_bytes(), info.st_mtime_ns)
            else:
                found[relative] = ("folder",)
    return found


def age(root: Path, days: float = 60) -> None:
    """Make every file and link under `root` (and `root`'s files) look untouched for `days` days."""
    when = time.time() - days * 86400
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            os.utime(Path(folder) / name, (when, when), follow_symlinks=False)


def warnings_in(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("warning: ")]


def test_a_folder_of_the_users_files_is_not_used_and_nothing_in_it_is_deleted(tmp_path):
    """A home folder, a git clone or /tmp named as the cache: old files, *.tmp files, files beyond the size
    bound and a link to a folder elsewhere all stay, and the build says once that it renders without a cache."""
    folder, elsewhere = tmp_path / "clone", tmp_path / "elsewhere"
    files = {
        ".git/HEAD": b"ref: refs/heads/main\n",
        ".git/config": b"[core]\n",
        ".git/index": b"DIRC\0\0\0\2",
        "notes/minutes.txt": b"keep",
        "drafts/letter.tmp": b"half written",
        "ab/" + "a" * 64 + ".entry": b"mine",
    }
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    elsewhere.mkdir()
    (elsewhere / "photo.jpg").write_bytes(b"\xff\xd8 a photo")
    (folder / "cd").symlink_to(elsewhere)
    age(folder)
    age(elsewhere)
    before, outside = snapshot(folder), snapshot(elsewhere)

    for _ in range(2):  # the second build must not find anything of its own there either
        result = build(CONTENT, tmp_path / "out", folder, *FORMATS)
        assert result.returncode == 0, result.stderr
        assert snapshot(folder) == before and snapshot(elsewhere) == outside
        assert counts(result)[1] == 0
        (line,) = warnings_in(result.stderr)
        assert f"not using {folder} as the artifact cache" in line and "DNCONTENT_CACHE_DIR" in line, line


def test_pruning_removes_only_its_own_entries_and_follows_no_link(tmp_path):
    """What appears in the cache folder after it was checked (a file, a link named like an entry, a shard
    folder that is a link) is left alone even by a prune that keeps nothing."""
    cache, elsewhere = tmp_path / "cache", tmp_path / "elsewhere"
    mine = "ab" + "0" * 62
    ArtifactCache(cache).put(mine, [Part("json/x.json", "json", None, "export", b"{}")])
    pruner = ArtifactCache(cache)  # a later build, which checked the folder while it was still clean
    elsewhere.mkdir()
    (elsewhere / ("cd" + "1" * 62 + ".entry")).write_bytes(b"not the cache's")
    (elsewhere / "target.txt").write_bytes(b"not the cache's either")
    (cache / "ab" / "keep.txt").write_bytes(b"someone's")
    (cache / "ab" / ("ab" + "2" * 62 + ".entry")).symlink_to(elsewhere / "target.txt")
    (cache / "ab" / (".ab" + "3" * 62 + ".entry.0123456789abcdef.tmp")).symlink_to(elsewhere / "target.txt")
    (cache / "cd").symlink_to(elsewhere)
    age(cache)
    age(elsewhere)
    outside = snapshot(elsewhere)

    assert pruner.prune(max_bytes=0, max_age_days=0) == 1
    assert not (cache / "ab" / f"{mine}.entry").exists()
    assert snapshot(elsewhere) == outside
    assert (cache / "ab" / "keep.txt").read_bytes() == b"someone's"
    assert (cache / "ab" / ("ab" + "2" * 62 + ".entry")).is_symlink() and (cache / "cd").is_symlink()
    # Checked anew, a folder holding what dncontent did not write is not used at all.
    again = ArtifactCache(cache)
    assert again.root is None and len(again.notes) == 1 and "cd" in again.notes[0]


@pytest.mark.parametrize("kind", ["missing", "empty"])
def test_a_new_or_empty_folder_becomes_a_private_marked_cache(tmp_path, kind):
    cache = tmp_path / "deep" / "cache" if kind == "missing" else tmp_path / "cache"
    if kind == "empty":
        cache.mkdir(mode=0o755)
    first = build(CONTENT, tmp_path / "a", cache, *FORMATS)
    assert first.returncode == 0 and warnings_in(first.stderr) == [], first.stderr
    assert (cache / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55\n")
    assert (cache / "dncontent-cache.txt").read_text().startswith("dncontent artifact cache\n")
    if kind == "missing":
        assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    second = build(CONTENT, tmp_path / "b", cache, *FORMATS)
    assert counts(second)[0] == 0 and warnings_in(second.stderr) == []


@pytest.mark.parametrize("kind", ["group-writable", "world-writable", "another user's"])
def test_a_cache_folder_others_may_write_to_is_not_used(tmp_path, kind, monkeypatch):
    cache = tmp_path / "cache"
    assert build(CONTENT, tmp_path / "a", cache, *FORMATS).returncode == 0  # a good cache, then made unsafe
    before = snapshot(cache)
    if kind == "another user's" and os.geteuid() != 0:
        # No other user to give it to: the check itself, on the real folder, as if this process were another.
        euid = os.geteuid()
        monkeypatch.setattr(os, "geteuid", lambda: euid + 1)
        store = ArtifactCache(cache)
        assert store.root is None and "belongs to another user" in store.notes[0]
        return
    if kind == "another user's":
        os.chown(cache, 65534, 65534)
    else:
        cache.chmod(0o770 if kind == "group-writable" else 0o777)
    result = build(CONTENT, tmp_path / "b", cache, *FORMATS)
    assert result.returncode == 0 and counts(result)[1] == 0, result.stderr
    (line,) = warnings_in(result.stderr)
    assert str(cache) in line and ("another user" in line or "chmod go-w" in line), line
    assert snapshot(cache) == before  # neither read, written nor pruned


@pytest.mark.parametrize("poison", ["a part outside the output", "no parts at all", "a part of another channel"])
def test_an_entry_its_channel_would_not_write_is_never_served(tmp_path, poison):
    """Entries rewritten, well formed, to hold other files than their channel writes (as a bug or a hand with
    access to the folder might): the build renders again, writes nothing elsewhere, and equals a clean one."""
    cache = tmp_path / "cache"
    first = build(CONTENT, tmp_path / "clean", cache, *LETTER)
    assert first.returncode == 0, first.stderr
    parts = {
        "a part outside the output": [Part("../../escape.txt", "pdf", "en", "brochure", b"%PDF-1.7 x")],
        "no parts at all": [],
        "a part of another channel": [Part("sms/en/extra.txt", "sms", "en", "message", b"Call now")],
    }[poison]
    store = ArtifactCache(cache)
    entries = sorted(cache.glob("*/*.entry"))
    assert entries
    for entry in entries:
        store.put(entry.name.removesuffix(".entry"), parts, {"pages": "many"})
    again = build(CONTENT, tmp_path / "again", cache, *LETTER)
    assert again.returncode == 0, again.stderr
    assert counts(again)[1] == 0 or poison == "no parts at all"  # the SMS's shared unit holds no file at all
    assert tree(tmp_path / "again") == tree(tmp_path / "clean")
    assert not list(tmp_path.rglob("escape.txt")) and not list(tmp_path.rglob("extra.txt"))


def test_a_template_edit_that_keeps_size_and_time_is_seen(tool_copy, tmp_path):  # noqa: F811 -- the fixture
    """`rsync -a`, Nix or `touch -r` can leave an edited template with its old size and time: the cached
    build still equals a build from scratch."""
    env = {"PYTHONPATH": str(tool_copy / "src")}
    cache = tmp_path / "cache"
    assert build(tool_copy / "content", tmp_path / "before", cache, "--format", "html", env=env).returncode == 0
    css = tool_copy / "templates" / "html" / "page.css"
    info = css.stat()
    text = css.read_text("utf-8")
    assert "line-height: 1.6;" in text
    css.write_text(text.replace("line-height: 1.6;", "line-height: 1.7;", 1), "utf-8")
    os.utime(css, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert css.stat().st_size == info.st_size and css.stat().st_mtime_ns == info.st_mtime_ns

    cached = build(tool_copy / "content", tmp_path / "cached", cache, "--format", "html", env=env)
    scratch = build(tool_copy / "content", tmp_path / "scratch", cache, "--format", "html", "--no-cache", env=env)
    assert cached.returncode == 0 and scratch.returncode == 0
    assert tree(tmp_path / "cached") == tree(tmp_path / "scratch")
    assert tree(tmp_path / "cached") != tree(tmp_path / "before")


def add_logo(content: Path, fill: str) -> Path:
    """Give the content a logo (brand.yaml names assets/logo.svg); returns its path."""
    logo = content / "assets" / "logo.svg"
    logo.parent.mkdir(exist_ok=True)
    logo.write_text(LOGO.format(fill), "utf-8")
    brand = content / "brand.yaml"
    brand.write_text(brand.read_text("utf-8").replace("# logo: assets/logo.svg", "logo: assets/logo.svg"), "utf-8")
    return logo


LOGO = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="#{}"/></svg>'


def test_a_logo_edit_that_keeps_size_and_time_is_seen_in_the_same_process(content_copy, tmp_path):
    """A long-lived process (the preview, a script calling the API) builds again after the logo changed in
    place, with its size and time as they were."""
    logo = add_logo(content_copy, "112233")

    def options(out: str, **more) -> dncontent.BuildOptions:
        return dncontent.BuildOptions(
            content=content_copy, out=tmp_path / out, formats=("json", "html"), cache_dir=tmp_path / "cache", **more
        )

    dncontent.build(options("before"))
    info = logo.stat()
    logo.write_text(LOGO.format("445566"), "utf-8")
    os.utime(logo, ns=(info.st_atime_ns, info.st_mtime_ns))
    dncontent.build(options("cached"))
    dncontent.build(options("scratch", no_cache=True))
    assert tree(tmp_path / "cached") == tree(tmp_path / "scratch")
    assert b"445566" in (tmp_path / "cached" / "json" / "assets" / "logo.svg").read_bytes()


@pytest.mark.parametrize("with_logo", [False, True])
def test_each_channel_names_the_files_it_writes(content_copy, with_logo):
    """What a cached entry must hold is what the channel renders: the same paths and roles, in order."""
    from dncontent.channels import channel
    from dncontent.options import BuildOptions

    if with_logo:
        add_logo(content_copy, "112233")
    content = dncontent.load_content(content_copy)
    options = BuildOptions(content=content_copy)
    for name in ("html", "json", "sms"):
        module = channel(name)
        shared = list(module.render_shared(content, options))
        assert module.files(content, None, options) == [(a.path, a.role) for a in shared], name
        assert all(a.format == name and a.locale is None for a in shared)
        for locale in content.locales:
            made = list(module.render_locale(content, locale, options))
            assert module.files(content, locale, options) == [(a.path, a.role) for a in made], (name, locale)
            assert all(a.format == name and a.locale == locale for a in made)
