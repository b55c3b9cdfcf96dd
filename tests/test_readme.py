"""The README says what `dncontent validate` prints: its line formats, hints once per kind, and its examples."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from tests.conftest import CONTENT, ROOT, run_cli

README = (ROOT / "README.md").read_text("utf-8")
VALIDATE = README[README.index("### `dncontent validate`"):README.index("### Pre-commit")]
EDITS = {  # the edits that produce the README's example problems
    "brand.yaml": ("https://www.example.com/contact", "http://www.example.com/contact"),
    "en/page.yaml": ("cta: [contact]", "cta: [contakt]"),
    "en/risks.yaml": ("    label: Bruising", "    lable: Bruising"),
}


def _formats() -> list[re.Pattern]:
    """The line formats the README gives (`FILE:LINE:COL: ...`), as patterns with one group per part."""
    described = re.findall(r"`(FILE:LINE:COL: [^`]+)`", " ".join(VALIDATE.split()))
    assert len(described) == 2, described
    patterns = []
    for text in described:
        pattern = re.escape(text)
        for part, group in (("FILE", r"(?P<file>[^:]+)"), ("LINE", r"(?P<line>\d+)"), ("COL", r"(?P<col>\d+)"),
                            ("SEVERITY", r"(?P<severity>[a-z]+)"),
                            (re.escape("FIELD: "), r"(?:(?P<field>[^\s:]+): )?"),  # left out for a whole file
                            ("MESSAGE", r"(?P<message>.+?)"),
                            (re.escape(" (hint: HINT)"), r"(?: \(hint: (?P<hint>.*)\))?")):
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


def test_every_line_validate_prints_reads_as_the_readme_says(tmp_path: Path):
    errors, whole_file = _edited(tmp_path), tmp_path / "whole-file"
    shutil.copytree(CONTENT, whole_file)
    (whole_file / "en" / "cta.yaml").unlink()
    error_format, severity_format = _formats()
    seen = set()
    for content in (CONTENT, errors, whole_file):
        text = run_cli("validate", "--content", str(content), cwd=content.parent)
        records = json.loads(run_cli("validate", "--format", "json", "--content", str(content),
                                     cwd=content.parent).stdout)["problems"]
        lines = text.stdout.splitlines()
        assert len(lines) == len(records)
        hinted = set()  # each hint is printed on the first line of its kind (same check, same hint) only
        for line, record in zip(lines, records):
            form = error_format if record["severity"] == "error" else severity_format
            match = form.fullmatch(line)
            assert match, (line, form.pattern)
            parsed = {key: value for key, value in match.groupdict().items() if value is not None}
            expected = {key: str(record[key]) for key in ("file", "line", "col", "field", "message", "hint",
                                                          "severity") if record[key] and key in form.groupindex}
            if (record["code"], record["hint"]) in hinted:
                expected.pop("hint", None)
            hinted.add((record["code"], record["hint"]))
            assert parsed == expected, line
            seen.add(record["severity"])
    assert seen == {"error", "warning", "note", "info"}


def test_the_readme_examples_are_what_validate_prints(tmp_path: Path):
    blocks = [body for lang, body in re.findall(r"^```(\w*)\n(.*?)^```$", VALIDATE, re.DOTALL | re.MULTILINE)
              if not lang]
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
