"""What the warm processes of tests/warm.py load before they fork, beyond imports: the data dncontent's libraries
read on first use, which every command forked from them would otherwise read again.

- the schemas' validators (jsonschema builds each one the first time it checks a file);
- CLDR's data for the shipped locales (Babel reads it as a locale first formats a date, a list or a number);
- the CMU pronouncing dictionary's text and the hyphenation patterns the readability scores count syllables with;
- the templates, compiled (Jinja compiles each to Python the first time it is loaded);
- what a first check of content builds on the way: the schemas' references looked up, their patterns compiled,
  the fonts' character maps read (a check of the shipped content; dncontent keeps none of its results).

A command forked from a warm process checks, renders and writes as one started afresh; only what its libraries
would build or read before their first use is in memory already. Imported by the fork server (as a module of
PRELOAD); whatever fails here is left for the command to load, as before."""

from __future__ import annotations

import contextlib
from pathlib import Path

from dncontent import cache
from dncontent.channels import html
from dncontent.model import cldr, sms
from dncontent.printing import compose
from dncontent.resources import schemas_dir
from dncontent.validate import check_content, readability, schema

# Each part alone: whatever fails is left for the commands to load (an exception here would stop the fork server).
with contextlib.suppress(Exception):
    for path in sorted(schemas_dir().glob("*.schema.json")):
        schema.validator(path.name.removesuffix(".schema.json"))
with contextlib.suppress(Exception):
    for tag in ("en", "es"):
        cldr.format_date("2026-01-31", tag)
        cldr.join_or(["a", "b", "c"], tag)
        cldr.minute_words(tag)
        cldr.language_name(tag)
with contextlib.suppress(Exception):
    for formula in readability.FORMULAS.values():
        text = "Words to count, of one and more syllables."
        with readability._pronunciations([text], formula):  # as `scores` counts them
            readability._score(text, formula)
with contextlib.suppress(Exception):
    for environment, folder in (
        (html.environment(), ""),
        (sms._environment(), "sms/"),
        (compose._environment(), "pdf/"),
    ):
        for name in environment.list_templates():
            if name.startswith(folder) and name.endswith((".html", ".j2")):
                environment.get_template(name)
with contextlib.suppress(Exception), cache.from_scratch():  # no cache read or written
    check_content(Path(__file__).resolve().parent.parent / "content")
cache._remembered.clear()  # the cache object that check used (it keeps nothing, but a command starts without one)
