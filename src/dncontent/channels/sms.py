"""SMS channel: each text message as it is sent, with its measurements.

Per locale it writes `sms/<locale>/<message-id>.txt`, the exact text to send (UTF-8, no trailing newline,
because a newline would be sent and counted as a character), and `sms/<locale>/messages.json`, the
measurements. Composition and segment arithmetic live in model/sms.py, which validation uses too. A message
that is over its segment budget, or that needs UCS-2 without declaring it, fails the build.
"""
from __future__ import annotations

import json
from collections.abc import Iterator

from ..errors import BuildError
from ..model import Content, LocaleContent, SmsMessage
from ..model.sms import Measurement, _plural, check, messages
from ..options import BuildOptions
from ..write import Artifact

NAME = "sms"
DESCRIPTION = "text messages within their segment budgets, with their encoding and segment counts"


def sidecar(page: LocaleContent, composed: list[tuple[SmsMessage, str, Measurement]]) -> dict:
    """The measurements of a locale's messages, for whoever sends them. Key order is part of the contract.

    `septets` is the GSM-7 length (null for UCS-2), `code_units` the UCS-2 length in UTF-16 code units
    (null for GSM-7).
    """
    return {
        "locale": page.locale,
        "sender": page.brand.sms_sender,
        "messages": [
            {"id": message.id, "description": message.description, "encoding": measurement.encoding,
             "characters": measurement.characters, "septets": measurement.septets,
             "code_units": measurement.code_units, "segments": measurement.segments,
             "budget": message.segments, "text": text}
            for message, text, measurement in composed
        ],
    }


def render(content: Content, options: BuildOptions) -> Iterator[Artifact]:
    composed_by_locale, found = {}, []
    for locale, page in content.locales.items():
        try:
            composed_by_locale[locale] = composed = messages(page)
        except BuildError as exc:
            found += exc.problems
            continue
        found += [problem for entry in composed if (problem := check(page, *entry))]
    if found:
        raise BuildError(f"{_plural(len(found), 'text message')} cannot be sent as written", found)
    for locale, composed in composed_by_locale.items():
        for message, text, _ in composed:
            yield Artifact(f"sms/{locale}/{message.id}.txt", NAME, locale, "message", text.encode("utf-8"))
        document = sidecar(content.locales[locale], composed)
        data = (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        yield Artifact(f"sms/{locale}/messages.json", NAME, locale, "sidecar", data)
