"""No edit of content/ makes validate crash, and content validate accepts always builds.

Seeded random mutations of the shipped files, checked in-process so hundreds run in seconds.
"""

from __future__ import annotations

import random
import re
import shutil

import pytest

import dncontent
from tests.conftest import CONTENT

MUTATIONS = 400
TEXT_CHANNELS = ("json", "html", "sms")  # the brochure's renderer takes a second a build; its own tests cover it


def mutate(rng: random.Random, text: bytes) -> bytes:
    lines = text.split(b"\n")
    choice = rng.randrange(8)
    i = rng.randrange(len(lines))
    if choice == 0:  # delete a line
        del lines[i]
    elif choice == 1:  # duplicate a line
        lines.insert(i, lines[i])
    elif choice == 2:  # change indentation
        lines[i] = b" " * rng.randrange(0, 9) + lines[i].lstrip()
    elif choice == 3:  # flip a byte
        data = bytearray(text)
        data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)
    elif choice == 4:  # insert YAML punctuation
        pos = rng.randrange(len(lines[i]) + 1)
        lines[i] = (
            lines[i][:pos]
            + rng.choice(
                [
                    b": ",
                    b"- ",
                    b"[",
                    b"]",
                    b"{",
                    b"&a ",
                    b"*a",
                    b"!!str ",
                    b"'",
                    b"\t",
                    b"? ",
                    b"|",
                    b">",
                    b"#",
                    b"%",
                    b"@",
                    b"null",
                    b"1e9",
                ]
            )
            + lines[i][pos:]
        )
    elif choice == 5:  # swap two lines
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif choice == 6:  # truncate
        return text[: rng.randrange(len(text))]
    else:  # give a field an odd value
        candidates = [n for n, line in enumerate(lines) if re.match(rb"^\s*(- )?[a-z_]+: \S", line)]
        if candidates:
            n = rng.choice(candidates)
            key = lines[n].split(b": ", 1)[0]
            lines[n] = key + b": " + rng.choice(ODD_VALUES)
    return b"\n".join(lines)


ODD_VALUES = [
    b'"{x}"',
    b'"<script>alert(1)</script>"',
    b'""',
    b'"\\u00e9\\u20ac\\u2014"',
    b'"' + b"long " * 300 + b'"',
    b"0",
    b"-1",
    b"1.5",
    b"true",
    b'"2026-02-30"',
    b'"#fff"',
    b'"#000000"',
    b"[]",
    b"{}",
    b"null",
    b'"https://example.org/x"',
    b'"javascript:alert(1)"',
    b'"{date} {date}"',
    b'"\\U0001F600"',
]


@pytest.mark.parametrize("chunk", range(4))
def test_random_edits_never_crash_validate(tmp_path, chunk):
    rng = random.Random(chunk)
    files = sorted(p.relative_to(CONTENT) for p in CONTENT.rglob("*.yaml"))
    target = tmp_path / "content"
    built = 0
    for n in range(MUTATIONS // 4):
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(CONTENT, target)
        for _ in range(rng.randrange(1, 4)):
            path = target / rng.choice(files)
            path.write_bytes(mutate(rng, path.read_bytes()))
        problems = dncontent.validate(target)  # must not raise
        for problem in problems:
            assert problem.line >= 1 and problem.col >= 1 and problem.file.endswith(".yaml"), (n, problem)
        if not any(p.severity == "error" for p in problems):
            built += 1
            dncontent.build(dncontent.BuildOptions(content=target, out=tmp_path / "build", formats=TEXT_CHANNELS))
    assert built > MUTATIONS // 40  # enough edits stayed valid to exercise the channels
