"""SMS channel: each text message as it is sent, with its measurements.

Per locale it writes `sms/<locale>/<message-id>.txt`, the exact text to send (UTF-8, no trailing newline,
because a newline would be sent and counted as a character), and `sms/<locale>/messages.json`, the
measurements, the locale's review status and whether each message is ready to send. Composition and
segment arithmetic live in model/sms.py, which validation uses too. A message that is over its segment
budget, or that needs UCS-2 without declaring it, fails the build.
"""
from __future__ import annotations

import json
from collections.abc import Iterator

from ..errors import BuildError
from ..model import Content, LocaleContent, SmsMessage
from ..model.sms import Measurement, _plural, check, messages
from ..options import BuildOptions
from ..write import Artifact
from . import render_cached

NAME = "sms"
DESCRIPTION = "text messages within their segment budgets, with their encoding and segment counts"


def sidecar(page: LocaleContent, composed: list[tuple[SmsMessage, str, Measurement]]) -> dict:
    """The measurements of a locale's messages, for whoever sends them. Key order is part of the contract.

    `septets` is the GSM-7 length (null for UCS-2), `code_units` the UCS-2 length in UTF-16 code units
    (null for GSM-7). `status` is the locale's review status; while it is `draft`, no message is
    `ready_to_send` (the texts themselves never say "draft": they are what a patient would receive).
    """
    ready = not page.is_draft
    return {
        "locale": page.locale,
        # approved only while a clinician's recorded sign-off covers this locale's messages as they are
        "status": "approved" if ready else "draft",
        "sender": page.brand.sms_sender,
        "messages": [
            {"id": message.id, "description": message.description, "encoding": measurement.encoding,
             "characters": measurement.characters, "septets": measurement.septets,
             "code_units": measurement.code_units, "segments": measurement.segments,
             "budget": message.segments, "ready_to_send": ready, "text": text}
            for message, text, measurement in composed
        ],
    }


def reads(page: LocaleContent) -> LocaleContent:
    """The part of a locale's model the messages draw on: their bodies, the clinic, the calls to action, the
    contraindications, the session length, the labels and the review status. Not the page's prose or its other
    lists."""
    return page._replace(title="", topic="", source=None, sections=(), conditions=(), risks=(), session_phases=())


def render(content: Content, options: BuildOptions) -> Iterator[Artifact]:
    """Every locale's messages; every message that cannot be sent, in every locale, is reported together."""
    return iter(render_cached(NAME, content, options))


def render_shared(content: Content, options: BuildOptions) -> Iterator[Artifact]:
    return iter(())  # every file is a locale's own


def files(content: Content, locale: str | None, options: BuildOptions) -> list[tuple[str, str]]:
    """(path, role) of each file render_locale writes for `locale` (render_shared for None), in order."""
    if locale is None:
        return []
    return [*((message_path(locale, message.id), "message") for message in content.locales[locale].sms),
            (f"sms/{locale}/messages.json", "sidecar")]


def message_path(locale: str, message_id: str) -> str:
    return f"sms/{locale}/{message_id}.txt"


def render_locale(content: Content, locale: str, options: BuildOptions) -> Iterator[Artifact]:
    """A locale's messages and their measurements; refuses, with every problem, a message that cannot be sent."""
    page = content.locales[locale]
    composed = messages(page)
    found = [problem for entry in composed if (problem := check(page, *entry))]
    if found:
        raise BuildError(failure(found), found)
    artifacts = [Artifact(message_path(locale, message.id), NAME, locale, "message", text.encode("utf-8"))
                 for message, text, _ in composed]
    document = sidecar(page, composed)
    data = (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return iter(artifacts + [Artifact(f"sms/{locale}/messages.json", NAME, locale, "sidecar", data)])


def failure(problems: list) -> str:
    """The one-line summary of messages that cannot be sent."""
    return f"{_plural(len(problems), 'text message')} cannot be sent as written"
