"""Whatever an editor adds to any section reaches every full channel: JSON, the web page and the brochure."""

from __future__ import annotations

import json
import re
import subprocess

import yaml

from tests import approved
from tests.conftest import formats, require, run_build, run_cli


def test_added_paragraphs_reach_every_full_channel(content_copy, tmp_path):
    """Each section gets a marker sentence and a second copy of its text; every channel still carries all."""
    page_file = content_copy / "en" / "page.yaml"
    text = page_file.read_text("utf-8")
    page = yaml.safe_load(text)
    added = []
    for section in page["sections"]:
        marker = f"Marker sentence for {section['id']} number {len(added) + 1}."
        added.append(marker)
        # twice the text, so the brochure must lay out far more than it was designed around
        section.setdefault("closing", []).extend([marker, *section["paragraphs"]])
    modeline = text.splitlines()[0]
    page_file.write_text(modeline + "\n" + yaml.safe_dump(page, allow_unicode=True, sort_keys=False), "utf-8")
    out = tmp_path / "build"
    result = run_build(content_copy, out, *formats("json", "html", "pdf"))
    assert result.returncode == 0, result.stderr

    export = json.dumps(json.loads((out / "json" / "dry-needling.en.json").read_text("utf-8")))
    html = (out / "html" / "en" / "dry-needling.html").read_text("utf-8")
    pdftotext = require("pdftotext", "poppler-utils")
    for name in ("letter", "a4"):
        brochure = subprocess.run(
            [pdftotext, "-raw", str(out / "pdf" / f"dry-needling.en.{name}.pdf"), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        missing = [m for m in added if approved.normalize(m) not in approved.normalize(brochure)]
        assert missing == [], f"{name} brochure lacks {missing}"
    assert [m for m in added if m not in export] == []
    visible = re.sub(r"<[^>]+>", " ", html)
    assert [m for m in added if m not in visible] == []


def test_a_brochure_twice_as_long_still_builds_whole(content_copy, tmp_path):
    page_file = content_copy / "en" / "page.yaml"
    text = page_file.read_text("utf-8")
    page = yaml.safe_load(text)
    for section in page["sections"]:
        for part in ("paragraphs", "closing"):
            if part in section:
                section[part] = [p for paragraph in section[part] for p in (paragraph, paragraph)]
    page_file.write_text(text.splitlines()[0] + "\n" + yaml.safe_dump(page, allow_unicode=True, sort_keys=False))
    out = tmp_path / "build"
    result = run_cli("build", "--content", str(content_copy), "--out", str(out), "--format", "pdf")
    assert result.returncode == 0, result.stderr
    brochure = subprocess.run(
        [require("pdftotext", "poppler-utils"), "-raw", str(out / "pdf" / "dry-needling.en.letter.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert approved.missing_from(brochure) == []
