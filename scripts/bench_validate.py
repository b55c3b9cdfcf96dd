"""Benchmark `dncontent validate` against what it cannot avoid and against check-jsonschema.

Runs, in one session and interleaved so machine noise hits all alike:
  A  dncontent validate                                 (the editor's on-save command)
  B  python -c "import yaml, jsonschema, jinja2, click"  (the floor: importing the dependencies)
  C  check-jsonschema, one run per schema over the same files (what a team would use without us)
  D  dncontent validate with an empty cache, as after the text of every section changed (reading grades are
     cached by text; computing them counts syllables with the CMU pronouncing dictionary and textstat)
and prints medians and the ratios A/B and A/C. Usage: python scripts/bench_validate.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def check_jsonschema_commands(content: Path) -> list[list[str]]:
    """One check-jsonschema call per schema, covering every content file (all locales)."""
    by_kind: dict[str, list[str]] = {}
    for path in sorted(content.rglob("*.yaml")):
        by_kind.setdefault(path.stem, []).append(str(path))
    return [
        [str(BIN / "check-jsonschema"), "--schemafile", str(ROOT / "schemas" / f"{kind}.schema.json"), *files]
        for kind, files in by_kind.items()
    ]


def timed(commands: list[list[str]], env: dict | None = None) -> float:
    started = time.perf_counter()
    for command in commands:
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=env)
    return time.perf_counter() - started


def cold(commands: list[list[str]]) -> float:
    with tempfile.TemporaryDirectory() as cache:
        return timed(commands, env={**os.environ, "XDG_CACHE_HOME": cache})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    args = parser.parse_args()
    candidates = {
        "dncontent validate": [[str(BIN / "dncontent"), "validate", "--content", str(args.content)]],
        "import yaml, jsonschema, jinja2, click": [[sys.executable, "-c", "import yaml, jsonschema, jinja2, click"]],
        "check-jsonschema (per schema)": check_jsonschema_commands(args.content),
    }
    for commands in candidates.values():  # warm the file cache and .pyc files
        timed(commands)
    samples: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(args.runs):
        for name, commands in candidates.items():
            samples[name].append(timed(commands))
    validate_cold = [cold(candidates["dncontent validate"]) for _ in range(max(3, args.runs // 3))]
    medians = {name: statistics.median(values) for name, values in samples.items()}
    print(f"{'command':42} {'median':>9} {'min':>9}  ({args.runs} runs each, interleaved)")
    for name, values in samples.items():
        print(f"{name:42} {medians[name] * 1000:7.0f}ms {min(values) * 1000:7.0f}ms")
    print(
        f"{'dncontent validate, empty grade cache':42} {statistics.median(validate_cold) * 1000:7.0f}ms "
        f"{min(validate_cold) * 1000:7.0f}ms"
    )
    validate, floor, baseline = medians.values()
    print(f"\nvalidate / import floor      = {validate / floor:.2f}   (goal <= 1.5)")
    print(
        f"validate / check-jsonschema  = {validate / baseline:.2f}   (goal < 1.0; "
        f"{len(candidates['check-jsonschema (per schema)'])} check-jsonschema runs, one per schema)"
    )


if __name__ == "__main__":
    main()
