"""What the warm processes of tests/warm.py load before they fork, beyond imports: the data dncontent's libraries
read on first use, which every command forked from them would otherwise read again.

- the schemas' validators (jsonschema builds each one, references resolved, the first time it checks a file);
- CLDR's data for the shipped locales (Babel reads it as a locale first formats a date, a list or a number);
- the CMU pronouncing dictionary and the hyphenation patterns the readability scores count syllables with;
- what checking content builds as it first runs: the schemas' references resolved and their patterns compiled,
  the fonts' character maps read (by a check of the shipped content; dncontent keeps none of its results).

A command forked from a warm process does the same work as one started afresh, on data already in memory.
Imported by the fork server (as a module of PRELOAD); a failure here leaves the data for the command to load."""

from __future__ import annotations

import contextlib
from pathlib import Path

from dncontent import cache
from dncontent.model import cldr
from dncontent.resources import schemas_dir
from dncontent.validate import check_content, readability, schema

for path in sorted(schemas_dir().glob("*.schema.json")):
    with contextlib.suppress(Exception):
        schema.validator(path.name.removesuffix(".schema.json"))
for tag in ("en", "es"):
    with contextlib.suppress(Exception):
        cldr.format_date("2026-01-31", tag)
        cldr.join_or(["a", "b", "c"], tag)
        cldr.minute_words(tag)
        cldr.language_name(tag)
for formula in readability.FORMULAS.values():
    with contextlib.suppress(Exception):
        readability._score("Words to count, of one and more syllables.", formula)
with contextlib.suppress(Exception), cache.from_scratch():  # no cache read or written
    check_content(Path(__file__).resolve().parent.parent / "content")
