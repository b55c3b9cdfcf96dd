"""The text channels (JSON, HTML, SMS) match the reviewed golden files byte for byte."""
from __future__ import annotations

from pathlib import Path

from tests.golden import GOLDEN, render_text_channels


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_text_channels_match_golden_files(tmp_path):
    out = tmp_path / "build"
    render_text_channels(out)
    actual, expected = _tree(out), _tree(GOLDEN)
    assert sorted(actual) == sorted(expected), "files differ from tests/golden/output; run `make golden` and review"
    changed = [path for path in actual if actual[path] != expected[path]]
    assert not changed, f"{changed} differ from tests/golden/output; if intended, run `make golden` and review the diff"
