"""SMS channel: each text message as it is sent, with its measurements.

Per locale it writes `sms/<locale>/<message-id>.txt`, the exact text to send (UTF-8, no trailing newline,
because a newline would be sent and counted as a character), and `sms/<locale>/messages.json`, the
measurements, the locale's review status, and each message's purpose, the consent it needs, how often it may
be sent and whether it is ready to send; and
`sms/<locale>/keywords.json`, the replies to STOP, HELP, START and the locale's own keywords. Shared by every
locale, `sms/registration.json` and `sms/registration.md` gather what a 10DLC campaign registration asks for.
Composition and segment arithmetic live in model/sms.py, which validation uses too. A text that is over its
segment budget, needs UCS-2 without declaring it, or says what its purpose forbids, fails the build.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from ..errors import BuildError
from ..model import Content, LocaleContent, SmsMessage
from ..model.sms import PURPOSES, Measurement, _plural, check, messages, replies
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
            {
                "id": message.id,
                "description": message.description,
                "encoding": measurement.encoding,
                "characters": measurement.characters,
                "septets": measurement.septets,
                "code_units": measurement.code_units,
                "segments": measurement.segments,
                "budget": message.segments,
                "ready_to_send": ready,
                "text": text,
                "purpose": message.purpose,
                "consent": PURPOSES[message.purpose].consent,
                "frequency": page.brand.sms_frequency.get(message.purpose),
            }
            for message, text, measurement in composed
        ],
    }


def keywords(page: LocaleContent, composed: list) -> dict:
    """The replies to the keywords patients text, with the keywords each answers and what it costs; like the
    messages, none is `ready_to_send` while the locale is a draft."""
    ready = not page.is_draft
    return {
        "locale": page.locale,
        "status": "approved" if ready else "draft",
        "sender": page.brand.sms_sender,
        "replies": {
            reply.id: {
                "keywords": list(reply.keywords),
                "encoding": measurement.encoding,
                "characters": measurement.characters,
                "septets": measurement.septets,
                "code_units": measurement.code_units,
                "segments": measurement.segments,
                "budget": reply.segments,
                "ready_to_send": ready,
                "text": text,
            }
            for reply, text, measurement in composed
        },
    }


def registration(content: Content) -> dict:
    """What a 10DLC campaign registration asks for, from brand.yaml and the source locale's built texts."""
    page = content.locales[content.source_locale]
    built = messages(page)
    answers = {reply.id: text for reply, text, _ in replies(page)}
    words = {
        key: list(
            dict.fromkeys(
                word
                for other in content.in_order()
                for reply in content.locales[other].sms_replies
                if reply.id == key
                for word in reply.keywords
            )
        )
        for key in ("start", "stop", "help")
    }
    details = content.brand.sms_registration
    return {
        "brand": {
            "name": content.brand.name,
            "sender": content.brand.sms_sender,
            "website": content.brand.links.get("website"),
        },
        "use_case": details.get("use_case"),
        "description": details.get("description"),
        "purposes": sorted({message.purpose for message in page.sms}),
        "sample_messages": [{"id": message.id, "purpose": message.purpose, "text": text} for message, text, _ in built],
        "opt_in": details.get("opt_in"),
        "opt_in_message": answers.get("start"),
        "opt_out_message": answers.get("stop"),
        "help_message": answers.get("help"),
        "keywords": {"opt_in": words["start"], "opt_out": words["stop"], "help": words["help"]},
        "frequency": content.brand.sms_frequency,
        "languages": content.in_order(),
        "embedded_links": any("http" in text for _, text, _ in built),
        "embedded_phone": bool(content.brand.phone and any(content.brand.phone in text for _, text, _ in built)),
    }


def registration_markdown(packet: dict) -> str:
    """The packet as a person copies it into a registration form, field by field."""
    lines = [
        f"# 10DLC campaign registration: {packet['brand']['name']}",
        "",
        f"- **Brand:** {packet['brand']['name']} (sender: {packet['brand']['sender']})",
        f"- **Website:** {packet['brand']['website']}",
        f"- **Use case:** {packet['use_case']} ({', '.join(packet['purposes'])} messages)",
        f"- **Languages:** {', '.join(packet['languages'])}",
        f"- **Embedded links:** {'yes' if packet['embedded_links'] else 'no'}; "
        f"**embedded phone numbers:** {'yes' if packet['embedded_phone'] else 'no'}",
        "",
        "## Campaign description",
        "",
        packet["description"] or "",
        "",
        "## Sample messages",
        "",
    ]
    lines += [f"{i}. ({sample['purpose']}) {sample['text']}" for i, sample in enumerate(packet["sample_messages"], 1)]
    lines += [
        "",
        "## How patients opt in",
        "",
        packet["opt_in"] or "",
        "",
        "## Opt-in, opt-out and help messages",
        "",
        f"- **Opt-in (START):** {packet['opt_in_message']}",
        f"- **Opt-out (STOP):** {packet['opt_out_message']}",
        f"- **Help (HELP):** {packet['help_message']}",
        "",
        "## Keywords",
        "",
        f"- **Opt-in:** {', '.join(packet['keywords']['opt_in'])}",
        f"- **Opt-out:** {', '.join(packet['keywords']['opt_out'])}",
        f"- **Help:** {', '.join(packet['keywords']['help'])}",
        "",
        "## Frequency",
        "",
    ]
    lines += [
        f"- **{purpose}:** " + ", ".join(f"at most {count} {per.replace('_', ' ')}" for per, count in limits.items())
        for purpose, limits in packet["frequency"].items()
    ]
    return "\n".join(lines) + "\n"


def reads(page: LocaleContent) -> LocaleContent:
    """The part of a locale's model the messages draw on: their bodies, the clinic, the calls to action, the
    contraindications, the session length, the labels and the review status. Not the page's prose or its other
    lists."""
    return page._replace(
        title="",
        topic="",
        source=None,  # type: ignore[arg-type]  # fingerprinted, never shown
        sections=(),
        conditions=(),
        risks=(),
        session_phases=(),
    )


def render(content: Content, options: BuildOptions) -> Iterator[Artifact]:
    """Every locale's messages; every message that cannot be sent, in every locale, is reported together."""
    return iter(render_cached(NAME, content, options))


def render_shared(content: Content, options: BuildOptions) -> Iterator[Artifact]:
    """The registration packet, from the source locale's texts; written only when brand.yaml describes the campaign."""
    if not content.brand.sms_registration or content.source_locale not in content.locales:
        return iter(())
    packet = registration(content)
    return iter(
        [
            Artifact("sms/registration.json", NAME, None, "registration", _json(packet)),
            Artifact("sms/registration.md", NAME, None, "registration", registration_markdown(packet).encode("utf-8")),
        ]
    )


def _json(document: dict) -> bytes:
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def files(content: Content, locale: str | None, options: BuildOptions) -> list[tuple[str, str]]:
    """(path, role) of each file render_locale writes for `locale` (render_shared for None), in order."""
    if locale is None:
        shared = content.brand.sms_registration and content.source_locale in content.locales
        return [("sms/registration.json", "registration"), ("sms/registration.md", "registration")] if shared else []
    return [
        *((message_path(locale, message.id), "message") for message in content.locales[locale].sms),
        (f"sms/{locale}/messages.json", "sidecar"),
        (f"sms/{locale}/keywords.json", "keywords"),
    ]


def message_path(locale: str, message_id: str) -> str:
    return f"sms/{locale}/{message_id}.txt"


def render_locale(content: Content, locale: str, options: BuildOptions) -> Iterator[Artifact]:
    """A locale's messages and their measurements; refuses, with every problem, a message that cannot be sent."""
    page = content.locales[locale]
    composed, answers = messages(page), replies(page)
    found = [problem for entry in composed + answers if (problem := check(page, *entry))]
    if found:
        raise BuildError(failure(found), found)
    artifacts = [
        Artifact(message_path(locale, message.id), NAME, locale, "message", text.encode("utf-8"))
        for message, text, _ in composed
    ]
    return iter(
        artifacts
        + [
            Artifact(f"sms/{locale}/messages.json", NAME, locale, "sidecar", _json(sidecar(page, composed))),
            Artifact(f"sms/{locale}/keywords.json", NAME, locale, "keywords", _json(keywords(page, answers))),
        ]
    )


def failure(problems: list) -> str:
    """The one-line summary of messages that cannot be sent."""
    return f"{_plural(len(problems), 'text message')} cannot be sent as written"
