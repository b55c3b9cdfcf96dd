"""No edit of content/ makes validate crash: seeded random mutations of the shipped files, checked in-process."""
from __future__ import annotations

import random
import shutil

import pytest

import dncontent
from tests.conftest import CONTENT

MUTATIONS = 400


def mutate(rng: random.Random, text: bytes) -> bytes:
    lines = text.split(b"\n")
    choice = rng.randrange(7)
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
        lines[i] = lines[i][:pos] + rng.choice([b": ", b"- ", b"[", b"]", b"{", b"&a ", b"*a", b"!!str ", b"'", b"\t",
                                                   b"? ", b"|", b">", b"#", b"%", b"@", b"null", b"1e9"]) + lines[i][pos:]
    elif choice == 5:  # swap two lines
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    else:  # truncate
        return text[: rng.randrange(len(text))]
    return b"\n".join(lines)


@pytest.mark.parametrize("chunk", range(4))
def test_random_edits_never_crash_validate(tmp_path, chunk):
    rng = random.Random(chunk)
    files = sorted(p.relative_to(CONTENT) for p in CONTENT.rglob("*.yaml"))
    target = tmp_path / "content"
    for n in range(MUTATIONS // 4):
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(CONTENT, target)
        for _ in range(rng.randrange(1, 4)):
            path = target / rng.choice(files)
            path.write_bytes(mutate(rng, path.read_bytes()))
        problems = dncontent.validate(target)  # must not raise
        for problem in problems:
            assert problem.line >= 1 and problem.col >= 1 and problem.file.endswith(".yaml"), (n, problem)
