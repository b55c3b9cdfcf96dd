"""The text channels (JSON, HTML, SMS) match the reviewed golden files byte for byte."""

from __future__ import annotations

from tests.golden import GOLDEN, golden_files, render_text_channels


def test_text_channels_match_golden_files(tmp_path):
    out = tmp_path / "build"
    render_text_channels(out)
    actual, expected = golden_files(out), golden_files(GOLDEN)
    assert sorted(actual) == sorted(expected), "files differ from tests/golden/output; run `make golden` and review"
    changed = [path for path in actual if actual[path] != expected[path]]
    assert not changed, f"{changed} differ from tests/golden/output; if intended, run `make golden` and review the diff"
