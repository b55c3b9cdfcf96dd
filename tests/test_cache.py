"""Incremental builds: what has not changed is reused from the artifact cache, and the output is what a clean build
writes, byte for byte, whatever was edited."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import dncontent
from tests.conftest import CONTENT, ROOT, formats, imported, run_build


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# The brochures on one paper: the tests below are about what is rendered or reused, the same for either paper.
LETTER = ("--paper", "letter")
# The channels that print nothing: for a test about validation, not about what is printed.
UNPRINTED = formats("json", "html", "sms")


def build(content: Path, out: Path, cache: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """The real command, with its own cache folder."""
    result = run_build(content, out, *args, timeout=600, env={"DNCONTENT_CACHE_DIR": str(cache), **(env or {})})
    assert "Traceback" not in result.stderr, result.stderr
    return result


def counts(result) -> tuple[int, int]:
    match = re.search(r": (\d+) rendered, (\d+) reused$", result.stdout, re.MULTILINE)
    assert match, result.stdout
    return int(match.group(1)), int(match.group(2))


def api_build(content: Path, out: Path, cache: Path, **options) -> dncontent.BuildResult:
    return dncontent.build(dncontent.BuildOptions(content=content, out=out, cache_dir=cache, **options))


def test_a_second_build_reuses_everything_without_importing_weasyprint(tmp_path):
    cache = tmp_path / "cache"
    first = build(CONTENT, tmp_path / "a", cache, *LETTER)
    assert first.returncode == 0, first.stderr
    total = len(json.loads((tmp_path / "a" / "manifest.json").read_text())["artifacts"])
    assert counts(first) == (total, 0)
    command = [
        sys.executable,
        "-X",
        "importtime",
        "-m",
        "dncontent",
        "build",
        "--content",
        str(CONTENT),
        "--out",
        str(tmp_path / "b"),
        *LETTER,
    ]
    second = subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, "DNCONTENT_CACHE_DIR": str(cache)}
    )
    assert second.returncode == 0, second.stderr
    assert counts(second) == (0, total)
    assert not imported(second.stderr, "weasyprint") and imported(second.stderr, "dncontent")
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_no_cache_after_deleting_the_build_gives_the_same_manifest(tmp_path):
    cache = tmp_path / "cache"
    assert build(CONTENT, tmp_path / "build", cache, *LETTER).returncode == 0
    incremental = build(CONTENT, tmp_path / "build", cache, *LETTER)
    assert counts(incremental)[0] == 0
    manifest = (tmp_path / "build" / "manifest.json").read_bytes()
    shutil.rmtree(tmp_path / "build")
    clean = build(CONTENT, tmp_path / "build", cache, "--no-cache", *LETTER)
    assert clean.returncode == 0 and counts(clean)[1] == 0
    assert (tmp_path / "build" / "manifest.json").read_bytes() == manifest


def test_an_sms_edit_renders_only_that_locales_messages_and_the_packet_quoting_them(content_copy, tmp_path):
    cache = tmp_path / "cache"
    api_build(content_copy, tmp_path / "before", cache, papers=("letter",))
    sms = content_copy / "en" / "sms.yaml"
    sms.write_text(sms.read_text("utf-8").replace("Thinking about dry needling", "Curious about dry needling"), "utf-8")
    result = api_build(content_copy, tmp_path / "after", cache, papers=("letter",))
    packet = ["sms/registration.json", "sms/registration.md"]  # its sample messages are the English texts
    assert sorted(result.rendered) == sorted([p for p in tree(tmp_path / "after") if p.startswith("sms/en/")] + packet)
    changed = {p for p, data in tree(tmp_path / "after").items() if tree(tmp_path / "before").get(p) != data}
    assert changed == {"manifest.json", "sms/en/booking-invitation.txt", "sms/en/messages.json", *packet}


def test_an_english_risk_label_renders_english_outputs_and_nothing_spanish(content_copy, tmp_path):
    cache = tmp_path / "cache"
    api_build(content_copy, tmp_path / "before", cache)
    risks = content_copy / "en" / "risks.yaml"
    risks.write_text(risks.read_text("utf-8").replace("label: Fainting", "label: Fainting or dizziness"), "utf-8")
    result = api_build(content_copy, tmp_path / "after", cache)
    rendered = set(result.rendered)
    assert {
        "json/dry-needling.en.json",
        "html/en/dry-needling.html",
        "html/en/snippets/risks.html",
        "pdf/dry-needling.en.letter.pdf",
        "pdf/dry-needling.en.a4.pdf",
    } <= rendered
    assert not [p for p in rendered if "/es/" in p or ".es." in p]
    assert "sms/en/aftercare.txt" not in rendered  # the messages do not show the risks


def test_a_label_edit_renders_every_artifact_that_shows_it(content_copy, tmp_path):
    cache = tmp_path / "cache"
    api_build(content_copy, tmp_path / "before", cache)
    labels = content_copy / "es" / "labels.yaml"
    text = labels.read_text("utf-8")
    title = re.search(r"^risks_title: (.+)$", text, re.M).group(1)
    labels.write_text(text.replace(f"risks_title: {title}", "risks_title: Riesgos y efectos secundarios"), "utf-8")
    result = api_build(content_copy, tmp_path / "after", cache)
    assert {"pdf/dry-needling.es.letter.pdf", "pdf/dry-needling.es.a4.pdf", "html/es/dry-needling.html"} <= set(
        result.rendered
    )
    assert not [p for p in result.rendered if "/en/" in p or ".en." in p]


def test_a_noop_build_still_validates_everything(content_copy, tmp_path):
    cache = tmp_path / "cache"
    assert build(content_copy, tmp_path / "build", cache, *UNPRINTED).returncode == 0
    before = tree(tmp_path / "build")
    risks = content_copy / "es" / "risks.yaml"
    risks.write_text(risks.read_text("utf-8").replace("label: Sangrado", "lable: Sangrado"), "utf-8")
    result = build(content_copy, tmp_path / "build", cache, *UNPRINTED)
    assert result.returncode == 1 and "risks[0].lable: unknown field 'lable'" in result.stderr
    assert tree(tmp_path / "build") == before


def test_a_damaged_or_half_written_entry_is_never_served(tmp_path):
    cache = tmp_path / "cache"
    assert build(CONTENT, tmp_path / "clean", cache, *LETTER).returncode == 0
    entries = sorted(cache.glob("*/*.entry"))
    assert entries
    for n, entry in enumerate(entries):  # as a killed build or a full disk might leave them
        data = entry.read_bytes()
        if n % 3 == 0:
            entry.write_bytes(data[: len(data) // 2])  # cut short
        elif n % 3 == 1:
            entry.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))  # one bit flipped
        else:
            (entry.parent / f".{entry.name}.1234.tmp").write_bytes(data[:10])  # a write that never finished
            entry.unlink()
    again = build(CONTENT, tmp_path / "again", cache, *LETTER)
    assert again.returncode == 0
    assert counts(again)[0] > 0
    assert tree(tmp_path / "again") == tree(tmp_path / "clean")


def test_the_cache_is_pruned_to_its_bound_keeping_what_the_build_used(tmp_path):
    from dncontent.cache import ArtifactCache, Part

    store = ArtifactCache(tmp_path / "cache")
    for n in range(20):
        store.put(f"{n:064x}", [Part(f"x/{n}", "json", None, "export", bytes(1000))])
        os.utime(store._path(f"{n:064x}"), (1_000_000 + n, 1_000_000 + n))
    fresh = ArtifactCache(tmp_path / "cache")
    assert fresh.get(f"{3:064x}", [("x/3", "json", None, "export")]) is not None  # used: kept whatever its age
    removed = fresh.prune(max_bytes=5 * 1200, max_age_days=10**6)
    left = {path.name.split(".")[0] for path in (tmp_path / "cache").glob("*/*.entry")}
    assert removed == len(range(20)) - len(left)
    assert f"{3:064x}" in left and f"{19:064x}" in left and f"{0:064x}" not in left
    assert sum(p.stat().st_size for p in (tmp_path / "cache").glob("*/*.entry")) <= 5 * 1200 + 1200
    assert fresh.prune(max_age_days=0) >= len(left) - 1  # unused entries older than the age bound go too


def test_progress_shows_on_a_terminal_only(tmp_path):
    """A build longer than a second says what it is rendering on a terminal; piped or in CI it stays quiet."""
    cache = tmp_path / "cache"
    command = (
        f"{sys.executable} -m dncontent build --content {CONTENT} --out {tmp_path / 'build'} --no-cache --paper letter"
    )
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    shown = subprocess.run(
        ["script", "-qec", command, "/dev/null"],
        capture_output=True,
        text=True,
        env={**env, "DNCONTENT_CACHE_DIR": str(cache)},
        timeout=600,
    )
    assert shown.returncode == 0, shown.stdout
    assert re.search(r"printed (en|es) letter \(2 of 2\)", shown.stdout), shown.stdout
    piped = build(CONTENT, tmp_path / "build", cache, "--no-cache", *LETTER)
    assert "printed" not in piped.stderr and "printing" not in piped.stderr
    in_ci = subprocess.run(
        ["script", "-qec", command, "/dev/null"],
        capture_output=True,
        text=True,
        env={**env, "DNCONTENT_CACHE_DIR": str(cache), "CI": "true"},
        timeout=600,
    )
    assert in_ci.returncode == 0 and "printed" not in in_ci.stdout


# Randomized equivalence: many seeded edits of content and templates, each built incrementally and from scratch.


def _edit_text(rng: random.Random, path: Path, pattern: str, make) -> str:
    text = path.read_text("utf-8")
    matches = list(re.finditer(pattern, text, re.M))
    match = rng.choice(matches)
    path.write_text(text[: match.start(1)] + make(match.group(1)) + text[match.end(1) :], "utf-8")
    return f"{path.name}: {match.group(1)!r}"


def _word(rng: random.Random) -> str:
    return rng.choice(["Nuevo", "Revised", "Updated", "Otra", "Clear", "Gentle"])


def _toggle(text: str) -> str:
    """The text with its first letter's case flipped: an edit that keeps every length limit and budget."""
    at = next(i for i, ch in enumerate(text) if ch.isalpha())
    return text[:at] + text[at].swapcase() + text[at + 1 :]


def _edits(rng: random.Random, root: Path):
    content, templates = root / "content", root / "templates"
    locale = rng.choice(["en", "es"])
    return [
        lambda: _edit_text(rng, content / locale / "risks.yaml", r"label: (.+)$", lambda v: _toggle(v)),
        lambda: _edit_text(rng, content / locale / "conditions.yaml", r"label: (.+)$", lambda v: _toggle(v)),
        lambda: _edit_text(
            rng,
            content / locale / "labels.yaml",
            r"^(?:risks_title|contraindications_title|on_this_page|qr_caption|skip_to_content): (.+)$",
            lambda v: f"{v[:20]} {_word(rng)}",
        ),
        lambda: _edit_text(rng, content / locale / "sms.yaml", r"^      (\S.+)$", lambda v: _toggle(v)),
        lambda: _edit_text(rng, content / locale / "page.yaml", r"^    heading: (.+)$", lambda v: _toggle(v)),
        lambda: _edit_text(rng, content / locale / "session.yaml", r"^    label: (.+)$", lambda v: _toggle(v)),
        lambda: _edit_text(
            rng,
            content / "brand.yaml",
            r'^  accent: "(#[0-9a-f]{6})"$',
            lambda v: rng.choice(["#f2a541", "#e0a030", "#f5b041"]),
        ),
        lambda: _edit_text(
            rng,
            content / "brand.yaml",
            r"^name: (.+)$",  # shorter: the messages stay in budget
            lambda v: rng.choice(["Jubilant Therapy", "Jubilant PT", "Jubilant Clinic"]),
        ),
        lambda: _edit_text(
            rng,
            templates / "pdf" / "brochure.css.j2",
            r"^  font-size: (11\.\dpt);$",
            lambda v: rng.choice(["11.5pt", "11.6pt", "11.7pt"]),
        ),
        lambda: _edit_text(
            rng,
            templates / "html" / "page.css",
            r"^  line-height: (1\.\d+);$",
            lambda v: rng.choice(["1.55", "1.6", "1.65"]),
        ),
        lambda: _edit_text(
            rng,
            templates / "html" / "snippets.css",
            r"^\.dn \.dn-list \{ padding-left: (\d\.\d+em); \}$",
            lambda v: rng.choice(["1.5em", "1.4em", "1.6em"]),
        ),
        lambda: _edit_text(
            rng,
            templates / "sms" / "message.txt.j2",
            r"(\{\{ body[^}]*\}\})",  # the English aftercare
            lambda v: rng.choice(["{{ body }}", "{{ body | replace('Concerns?', 'Questions?') }}"]),
        ),
    ]


@pytest.fixture
def tool_copy(tmp_path) -> Path:
    """dncontent with its content, templates and schemas in a folder of its own, so templates can be edited."""
    root = tmp_path / "tool"
    shutil.copytree(ROOT / "src", root / "src", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("templates", "schemas", "content"):
        shutil.copytree(ROOT / name, root / name)
    return root


PARTS = 3  # the rounds in three chains of their own, which the suite can run side by side
CONTENT_EDITS = 6  # the first six kinds of _edits edit one locale's content; the others, brand.yaml and templates
RENAME = 7  # the clinic's new name, which every artifact shows


def _rounds(rng: random.Random, kinds: int) -> list[list[int]]:
    """Every kind of edit once, in rounds: each of a content edit with a brand or template edit, which between
    them change some of the same artifacts and each some others (a cache key that misses either edit then shows);
    the new name, which changes everything, alone; the content edit left over, alone."""
    content = rng.sample(range(CONTENT_EDITS), CONTENT_EDITS)
    others = rng.sample([kind for kind in range(CONTENT_EDITS, kinds) if kind != RENAME], kinds - CONTENT_EDITS - 1)
    rounds = [[edit, other] for edit, other in zip(content, others)]
    rounds += [[edit] for edit in content[len(others) :]] + [[RENAME]]
    rng.shuffle(rounds)
    return rounds


@pytest.mark.parametrize("part", range(PARTS))
def test_incremental_builds_equal_clean_builds_after_random_edits(tool_copy, tmp_path, part):
    """Every kind of edit once, in a random order, in rounds of one or two; each part of those rounds is one chain
    of incremental builds, each compared with a clean build."""
    rng = random.Random(20261127)
    rounds = _rounds(rng, len(_edits(rng, tool_copy)))
    rng = random.Random(20261127 + part)
    cache, out, clean = tmp_path / "cache", tmp_path / "build", tmp_path / "clean"
    # Incremental builds print on the print server, clean ones in process: the two must agree as well.
    env = {"PYTHONPATH": str(tool_copy / "src"), "DNCONTENT_PRINT_SERVER": "on"}
    content = tool_copy / "content"
    first = build(content, out, cache, *LETTER, env=env)
    assert first.returncode == 0, first.stderr
    assert (
        "tool/src/dncontent"
        in subprocess.run(
            [sys.executable, "-c", "import dncontent; print(dncontent.__file__)"],
            capture_output=True,
            text=True,
            env={**os.environ, **env},
        ).stdout
    )
    reused_some = 0
    for round_, kinds in enumerate(rounds[part::PARTS]):
        edits = _edits(rng, tool_copy)
        done = [edits[kind]() for kind in kinds]
        incremental = build(content, out, cache, *LETTER, env=env)
        assert incremental.returncode == 0, (done, incremental.stderr)
        reused_some += counts(incremental)[1] > 0
        shutil.rmtree(clean, ignore_errors=True)
        scratch = build(content, clean, cache, "--no-cache", *LETTER, env=env)
        assert scratch.returncode == 0, (done, scratch.stderr)
        assert tree(out) == tree(clean), (round_, done)
    assert reused_some >= 1  # the cache was really exercised, not missed every time
    status = subprocess.run(
        [sys.executable, "-m", "dncontent", "print-server", "status"],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
    )
    served = re.search(r"for this dncontent: (\d+) connection", status.stdout)
    assert served and int(served.group(1)) >= 2, status.stdout  # the server printed the incremental brochures


def test_a_build_that_changes_nothing_leaves_the_output_folder_as_it_was(tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "build"
    assert build(CONTENT, out, cache, *LETTER).returncode == 0  # brochures too: not one is printed or rewritten

    def state() -> dict:
        return {p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.rglob("*")}

    before, folder = state(), out.stat().st_ino
    again = build(CONTENT, out, cache, *LETTER)
    assert again.returncode == 0 and "into " in again.stdout and "(already up to date)" in again.stdout
    assert state() == before and out.stat().st_ino == folder  # not a file written, not a folder swapped

    # A file changed by hand in the output is put back, and the folder is replaced as usual.
    page = next(p for p in sorted(out.rglob("*.html")))
    original = page.read_bytes()
    page.write_bytes(original.replace(b"</body>", b"<script>edited()</script></body>"))
    third = build(CONTENT, out, cache, *LETTER)
    assert third.returncode == 0 and "(already up to date)" not in third.stdout
    assert page.read_bytes() == original and out.stat().st_ino != folder


def test_a_report_and_a_build_print_the_brochures_once_between_them(tmp_path):
    """The report's page counts are the build's brochures: a build after a report reuses them, and a report after
    that takes them from the cache without even importing WeasyPrint."""
    from pypdf import PdfReader

    cache = tmp_path / "cache"
    environment = {**os.environ, "DNCONTENT_CACHE_DIR": str(cache)}
    report = [sys.executable, "-X", "importtime", "-m", "dncontent", "report", "--format", "json"]
    report += ["--content", str(CONTENT)]
    first = subprocess.run(report, capture_output=True, text=True, env=environment, timeout=600)
    assert first.returncode == 0, first.stderr
    assert imported(first.stderr, "weasyprint")  # nothing was cached: it printed them
    built = api_build(CONTENT, tmp_path / "build", cache)
    brochures = [path for path in built.reused if path.endswith(".pdf")]
    assert len(brochures) == 4 and not [path for path in built.rendered if path.endswith(".pdf")], built.rendered
    again = subprocess.run(report, capture_output=True, text=True, env=environment, timeout=600)
    assert again.returncode == 0, again.stderr
    assert not imported(again.stderr, "weasyprint") and imported(again.stderr, "dncontent")
    assert json.loads(again.stdout) == json.loads(first.stdout)
    for locale in json.loads(again.stdout):
        for paper, pages in locale["brochure_pages"].items():
            pdf = next((tmp_path / "build" / "pdf").glob(f"*.{locale['locale']}.{paper}.pdf"))
            assert len(PdfReader(pdf).pages) == pages, (locale["locale"], paper)
