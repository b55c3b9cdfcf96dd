"""Golden outputs: the text channels rendered from the shipped content, compared byte for byte.

Regenerate after an intended change with `make golden` (or `python -m tests.golden`), then review the diff.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "output"
ROOT = Path(__file__).resolve().parents[2]
TEXT_FORMATS = ("json", "html", "sms")
# Copied files, not rendered ones: the manifest's sha256 still pins them.
NOT_GOLDEN = ("html/fonts/",)


def golden_files(root: Path) -> dict[str, bytes]:
    """The rendered text files under `root`, by path."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.relative_to(root).as_posix().startswith(NOT_GOLDEN)
    }


def render_text_channels(out: Path) -> None:
    """Build the text channels of the shipped content into `out` with the real CLI."""
    args = [sys.executable, "-m", "dncontent", "build", "--content", str(ROOT / "content"), "--out", str(out)]
    for fmt in TEXT_FORMATS:
        args += ["--format", fmt]
    subprocess.run(args, check=True, cwd=ROOT)


def regenerate() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "build"
        render_text_channels(out)
        if GOLDEN.exists():
            shutil.rmtree(GOLDEN)
        for path, data in golden_files(out).items():
            (GOLDEN / path).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / path).write_bytes(data)
    print(f"golden files rewritten in {GOLDEN.relative_to(ROOT)}; review them with `git diff`")
