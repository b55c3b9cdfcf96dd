"""The documentation holds: the editing guide says what `dncontent validate` prints (its line formats, hints once
per kind, and its examples), every `dncontent` command the README and the guides show runs as they say, README.md
stays short, and every relative link leads to a file and a heading that exist."""

from __future__ import annotations

import json
import re
import select
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import CONTENT, ROOT, run_cli

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
EDITING = (ROOT / "docs" / "editing.md").read_text("utf-8")
VALIDATE = EDITING[EDITING.index("## `dncontent validate`") : EDITING.index("## Pre-commit")]
EDITS = {  # the edits that produce the guide's example problems
    "brand.yaml": ("https://www.example.com/contact", "http://www.example.com/contact"),
    "en/page.yaml": ("cta: [contact]", "cta: [contakt]"),
    "en/risks.yaml": ("    label: Bruising", "    lable: Bruising"),
}


def _formats() -> list[re.Pattern]:
    """The line formats the guide gives (`FILE:LINE:COL: ...`), as patterns with one group per part."""
    described = re.findall(r"`(FILE:LINE:COL: [^`]+)`", " ".join(VALIDATE.split()))
    assert len(described) == 2, described
    patterns = []
    for text in described:
        pattern = re.escape(text)
        for part, group in (
            ("FILE", r"(?P<file>[^:]+)"),
            ("LINE", r"(?P<line>\d+)"),
            ("COL", r"(?P<col>\d+)"),
            ("SEVERITY", r"(?P<severity>[a-z]+)"),
            (re.escape("FIELD: "), r"(?:(?P<field>[^\s:]+): )?"),  # left out for a whole file
            ("MESSAGE", r"(?P<message>.+?)"),
            (re.escape(" (hint: HINT)"), r"(?: \(hint: (?P<hint>.*)\))?"),
        ):
            pattern = pattern.replace(part, group)
        patterns.append(re.compile(pattern))
    return patterns


def _edited(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    for name, (old, new) in EDITS.items():
        text = (content / name).read_text("utf-8")
        assert old in text
        (content / name).write_text(text.replace(old, new, 1), "utf-8")
    return content


def test_every_line_validate_prints_reads_as_the_guide_says(tmp_path: Path):
    errors, whole_file = _edited(tmp_path), tmp_path / "whole-file"
    shutil.copytree(CONTENT, whole_file)
    (whole_file / "en" / "cta.yaml").unlink()
    signed = tmp_path / "signed"  # a signed-off locale adds the info line on its review status
    shutil.copytree(CONTENT, signed)
    assert run_cli("signoff", "--locale", "en", "--by", "Dana Ruiz, PT, DPT", "--content", str(signed)).returncode == 0
    error_format, severity_format = _formats()
    seen = set()
    for content in (CONTENT, errors, whole_file, signed):
        text = run_cli("validate", "--content", str(content), cwd=content.parent)
        records = json.loads(
            run_cli("validate", "--format", "json", "--content", str(content), cwd=content.parent).stdout
        )["problems"]
        lines = text.stdout.splitlines()
        assert len(lines) == len(records)
        hinted = set()  # each hint is printed on the first line of its kind (same check, same hint) only
        for line, record in zip(lines, records):
            form = error_format if record["severity"] == "error" else severity_format
            match = form.fullmatch(line)
            assert match, (line, form.pattern)
            parsed = {key: value for key, value in match.groupdict().items() if value is not None}
            expected = {
                key: str(record[key])
                for key in ("file", "line", "col", "field", "message", "hint", "severity")
                if record[key] and key in form.groupindex
            }
            if (record["code"], record["hint"]) in hinted:
                expected.pop("hint", None)
            hinted.add((record["code"], record["hint"]))
            assert parsed == expected, line
            seen.add(record["severity"])
    assert seen == {"error", "warning", "note", "info"}


def test_the_guide_examples_are_what_validate_prints(tmp_path: Path):
    blocks = [
        body for lang, body in re.findall(r"^```(\w*)\n(.*?)^```$", VALIDATE, re.DOTALL | re.MULTILINE) if not lang
    ]
    errors, shipped = blocks[0].splitlines(), blocks[1].splitlines()
    content = _edited(tmp_path)
    result = run_cli("validate", "--content", "content", cwd=content.parent)
    assert result.stdout.splitlines() == errors[:-1]
    assert result.stderr.strip() == errors[-1]
    result = run_cli("validate", "--content", "content", cwd=ROOT)
    days = re.compile(r"\(in \d+ days\)")
    printed = {days.sub("(in N days)", line) for line in result.stdout.splitlines()}
    for line in shipped:
        assert days.sub("(in N days)", line) in printed, line


# Every command the documentation shows --------------------------------------------------------------------------

SHELL_BLOCK = re.compile(r"^```(?:sh|bash|console)\n(.*?)^```$", re.DOTALL | re.MULTILINE)
EXITS = re.compile(r"#.*\bexits (\d+)\b")  # `dncontent build --release   # exits 1 while ...`
SERVERS = ("preview", "studio")  # long-running: started on a free port, checked to print their address, stopped


def commands(text: str) -> list[tuple[str, int]]:
    """Each `dncontent` command line in the text's shell blocks (continuations joined), with the exit code it is
    documented to end with: 0 unless its comment says `exits N`."""
    found = []
    for block in SHELL_BLOCK.findall(text):
        lines, joined = block.splitlines(), []
        while lines:
            line = lines.pop(0)
            while line.rstrip().endswith("\\") and lines:
                line = line.rstrip()[:-1].rstrip() + " " + lines.pop(0).strip()
            joined.append(line.strip())
        for line in joined:
            line = line.removeprefix("$ ")
            if line.startswith("dncontent "):
                exits = EXITS.search(line)
                found.append((line, int(exits.group(1)) if exits else 0))
    return found


def _serve(args: list[str], cwd: Path) -> tuple[int | None, str]:
    """Start a server command on a free port; return None and its first line once it prints its address (then
    stop it), or its exit code and output if it ends first."""
    args = [a for a in args]
    if "--port" in args:
        args[args.index("--port") + 1] = "0"
    else:
        args += ["--port", "0"]
    process = subprocess.Popen(
        [sys.executable, "-m", "dncontent", *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    output, deadline = "", time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([process.stdout], [], [], 1)
            if ready:
                line = process.stdout.readline()
                if not line:
                    break
                output += line
                if re.search(r" at http://127\.0\.0\.1:\d+/ ", line):
                    return None, line
            elif process.poll() is not None:
                break
        return process.wait(timeout=10) if process.poll() is None else process.returncode, output
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)
        process.stdout.close()


def run_documented(doc: Path, tmp_path: Path) -> list[str]:
    """Run every command the document shows, in order, as a reader would: in a folder holding a private copy of
    the shipped content (and its po/ folder). Returns one line per command that did not do as documented."""
    shutil.copytree(CONTENT, tmp_path / "content")
    shutil.copytree(ROOT / "po", tmp_path / "po")
    failures = []
    for line, expected in commands(doc.read_text("utf-8")):
        args = shlex.split(line, comments=True)[1:]
        assert "--open" not in args, f"{doc.name}: {line!r} would open a browser; show it without --open"
        if args[0] in SERVERS:
            code, output = _serve(args, tmp_path)
            if code is not None:
                failures.append(f"{line!r} did not print its address (exit {code}):\n{output}")
            continue
        result = run_cli(*args, cwd=tmp_path)
        if result.returncode != expected:
            failures.append(f"{line!r} exited {result.returncode}, documented {expected}:\n{result.stderr[-2000:]}")
    return failures


@pytest.mark.parametrize("doc", DOCS, ids=lambda doc: doc.name)
def test_every_command_the_documentation_shows_runs_as_documented(doc: Path, tmp_path: Path):
    assert run_documented(doc, tmp_path) == []


def test_a_misspelled_option_in_a_document_fails(tmp_path: Path):
    doc = tmp_path / "guide.md"
    doc.write_text("```sh\ndncontent validate --strickt\ndncontent report --no-brochures\n```\n", "utf-8")
    failures = run_documented(doc, tmp_path / "run")
    assert len(failures) == 1 and "--strickt" in failures[0]


def test_commands_are_read_from_shell_blocks_only():
    text = (
        "```text\ndncontent build [--out DIR]\n```\n"
        "```sh\n$ dncontent build --release \\\n    --allow-draft es   # exits 1: placeholder links\n"
        "make build\n```\n"
    )
    assert commands(text) == [("dncontent build --release --allow-draft es   # exits 1: placeholder links", 1)]


# README.md is short, and every link leads somewhere ------------------------------------------------------------


def test_the_readme_is_at_most_250_lines():
    lines = (ROOT / "README.md").read_text("utf-8").splitlines()
    assert len(lines) <= 250, f"README.md has {len(lines)} lines; move detail into docs/"


def _prose(text: str) -> str:
    """The text without its fenced code blocks and inline code, where brackets are not links."""
    text = re.sub(r"^```.*?^```$", "", text, flags=re.DOTALL | re.MULTILINE)
    return re.sub(r"`[^`\n]*`", "", text)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", lambda m: m.group(1) or "", heading.strip()).lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(doc: Path) -> set[str]:
    text = re.sub(r"^```.*?^```$", "", doc.read_text("utf-8"), flags=re.DOTALL | re.MULTILINE)
    seen: dict[str, int] = {}
    found = set()
    for heading in re.findall(r"^#{1,6} +(.+?) *#*$", text, re.MULTILINE):
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def test_slugs_are_githubs():
    assert slug("`brand.yaml`, field by field") == "brandyaml-field-by-field"
    assert (
        slug("The print server: WeasyPrint kept warm between builds")
        == "the-print-server-weasyprint-kept-warm-between-builds"
    )
    assert slug("FHIR (for EHRs and patient portals)") == "fhir-for-ehrs-and-patient-portals"


@pytest.mark.parametrize("doc", DOCS, ids=lambda doc: doc.name)
def test_every_relative_link_leads_to_a_file_and_heading_that_exist(doc: Path):
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", _prose(doc.read_text("utf-8"))):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):
            continue  # https:, mailto: ...
        path, _, anchor = target.partition("#")
        linked = (doc.parent / path).resolve() if path else doc
        if not linked.exists():
            broken.append(f"{target}: no such file")
        elif anchor and anchor not in anchors(linked):
            broken.append(f"{target}: no heading #{anchor} in {linked.relative_to(ROOT)}")
    assert broken == []
