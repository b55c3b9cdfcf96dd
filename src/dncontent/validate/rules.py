"""Checks that span fields or files: unique ids, references between files, dates in order, placeholders."""

from __future__ import annotations

import difflib
import math
import os
import re
from collections.abc import Iterator
from typing import cast

from ..colors import AA_TEXT, TEXT_PAIRS, contrast, luminance
from ..errors import Problem
from ..load import ContentFile
from ..load.yaml_reader import Located, format_path
from ..model import LABEL_PLACEHOLDERS, PLACEHOLDER
from ..model.sms import HINT as SMS_HINT
from ..model.sms import NAMES as SMS_NAMES
from ..model.sms import PLACEHOLDER as SMS_PLACEHOLDER
from .facts import stray_brace, where_character

# Sections every locale must have: channels build their snippets and callouts from these.
REQUIRED_SECTIONS = ("introduction", "benefits", "risks", "what-to-expect", "who-it-suits", "disclaimer", "closing")

# (kind, list field) pairs whose items carry ids
ID_LISTS = {
    "brand": "links",
    "page": "sections",
    "conditions": "conditions",
    "risks": "risks",
    "contraindications": "contraindications",
    "session": "phases",
    "cta": "cta",
    "sms": "messages",
}


def _problem(
    file: ContentFile | None, path: tuple, message: str, hint: str = "", code: str = "reference", key=False
) -> Problem:
    assert file is not None and file.doc is not None  # problems are found in files that were read
    line, col = file.doc.where(path, key=key)
    return Problem(file.display, line, col, format_path(path), message, hint, code=code)


def _items(file: ContentFile | None, field: str) -> list[tuple[int, dict]]:
    if file is None or file.doc is None or not isinstance(file.doc.data, dict):
        return []
    items = file.doc.data.get(field)
    return [(i, item) for i, item in enumerate(items) if isinstance(item, dict)] if isinstance(items, list) else []


def _ids(file: ContentFile | None, field: str) -> list[str]:
    return [item["id"] for _, item in _items(file, field) if isinstance(item.get("id"), str)]


def _unknown(file: ContentFile, path: tuple, what: str, value: str, known: list[str], where: str) -> Problem:
    guess = difflib.get_close_matches(value, known, n=1)
    hint = f"did you mean {guess[0]!r}?" if guess else f"{where} has: {', '.join(known) or 'none'}"
    return _problem(file, path, f"no {what} with id {value!r}", hint)


def check(files: list[ContentFile]) -> Iterator[Problem]:
    by_key = {(f.locale, f.kind): f for f in files}
    brand = by_key.get((None, "brand"))
    link_ids = _ids(brand, "links")
    for file in files:
        if file.doc is None:
            continue
        yield from _duplicate_ids(file)
    for i, link in _items(brand, "links"):
        url = link.get("url")
        if isinstance(url, str) and url.startswith("https://") and not _has_host(url):
            yield _problem(
                brand,
                ("links", i, "url"),
                f"{url!r} is not a valid https address",
                "write it as https://host/path, e.g. https://www.example.org/contact",
            )
    site = brand.doc.data.get("site") if brand and brand.doc and isinstance(brand.doc.data, dict) else None
    base_url = site.get("base_url") if isinstance(site, dict) else None
    if isinstance(base_url, str) and base_url.startswith("https://"):
        if not _has_host(base_url):
            yield _problem(
                brand,
                ("site", "base_url"),
                f"{base_url!r} is not a valid https address",
                "write it as https://host/folder/, e.g. https://www.example.org/patient-info/",
            )
        elif re.search(r"[?#]", base_url):
            yield _problem(
                brand,
                ("site", "base_url"),
                f"base URL {base_url!r} has a query or fragment",
                "give the folder's address alone: outputs' paths are appended to it",
                code="value",
            )
    if link_ids and "booking" not in link_ids:
        yield _problem(
            brand,
            ("links",),
            "no link with id 'booking'",
            "name the online booking page `booking`: calls to action and the brochure's QR code use it",
        )
    if brand and brand.doc and isinstance(brand.doc.data, dict):
        yield from _check_colors(brand)
    logo_path = brand.doc.data.get("logo") if brand and brand.doc and isinstance(brand.doc.data, dict) else None
    if isinstance(logo_path, str) and ".." not in logo_path and not logo_path.startswith("/"):
        assert brand is not None  # the logo's path was read from it
        logo = brand.path.parent / logo_path
        if not os.path.exists(logo):  # never raises, unlike Path.exists
            yield _problem(
                brand,
                ("logo",),
                f"logo file {logo_path!r} not found",
                "give a path relative to the content folder, e.g. assets/logo.svg",
                code="missing-file",
            )
        else:
            from .logo import trouble as logo_trouble  # XML and image decoders load only for a logo

            trouble = logo_trouble(logo)
            if trouble:
                yield _problem(
                    brand, ("logo",), f"logo file {logo_path!r} {trouble.message}", trouble.hint, code="logo"
                )
    locales = sorted({f.locale for f in files if f.locale})
    for locale in locales:
        get = lambda kind: by_key.get((locale, kind))  # noqa: E731, B023 -- called in this iteration only
        page, cta, sms = get("page"), get("cta"), get("sms")
        cta_ids = _ids(cta, "cta")
        if page and page.doc and isinstance(page.doc.data, dict):
            yield from _check_page(page, cta_ids if cta and cta.doc else None)
        booking = [item.get("id") for _, item in _items(cta, "cta") if item.get("link") == "booking"]
        if cta and cta.doc and "booking" in link_ids and cta_ids and not booking:
            yield _problem(
                cta,
                ("cta",),
                "no call to action opens the booking link",
                "add one with `link: booking`: the page's main button and the brochure's QR code use it",
            )
        shown = {
            ref
            for _, section in _items(page, "sections")
            if isinstance(section.get("cta"), list)
            for ref in section["cta"]
        }
        if booking and page and page.doc and _items(page, "sections") and not shown & set(booking):
            yield _problem(
                page,
                ("sections",),
                f"no section shows the booking call to action {booking[0]!r}",
                f"add it to a section's `cta`, usually the closing one: cta: [{booking[0]}]",
            )
        if cta and cta.doc and brand and brand.doc:
            for i, link in _items(cta, "links"):
                link_id, url = link.get("id"), link.get("url")
                if link_id == "phone":
                    yield _problem(
                        cta,
                        ("links", i, "id"),
                        "the link 'phone' dials brand.yaml's `phone`, the same number in every locale",
                        "change the number in brand.yaml; a locale overrides only brand.yaml's `links`",
                    )
                elif isinstance(link_id, str) and link_ids and link_id not in link_ids:
                    yield _unknown(cta, ("links", i, "id"), "link in brand.yaml", link_id, link_ids, "brand.yaml")
                if isinstance(url, str) and url.startswith("https://") and not _has_host(url):
                    yield _problem(
                        cta,
                        ("links", i, "url"),
                        f"{url!r} is not a valid https address",
                        "write it as https://host/path, e.g. https://www.example.org/es/contact",
                    )
            has_phone = isinstance(brand.doc.data.get("phone"), str) if isinstance(brand.doc.data, dict) else False
            for i, item in _items(cta, "cta"):
                target = item.get("link")
                if target == "phone" and not has_phone:
                    yield _problem(
                        cta,
                        ("cta", i, "link"),
                        "link 'phone' dials brand.yaml's `phone`, and brand.yaml gives none",
                        "add the clinic's number to brand.yaml as `phone:`, or name another link",
                    )
                elif isinstance(target, str) and link_ids and target not in link_ids + ["phone"] * has_phone:
                    yield _unknown(
                        cta,
                        ("cta", i, "link"),
                        "link in brand.yaml",
                        target,
                        link_ids + ["phone"] * has_phone,
                        "brand.yaml",
                    )
        if sms and sms.doc:
            yield from _check_sms(sms, cta_ids if cta and cta.doc else None)
        session = get("session")
        if session and session.doc and isinstance(session.doc.data, dict):
            minutes = (
                (session.doc.data.get("facts") or {}).get("session_minutes")
                if isinstance(session.doc.data.get("facts"), dict)
                else None
            )
            if isinstance(minutes, dict) and all(isinstance(minutes.get(k), (int, float)) for k in ("min", "max")):
                if minutes["min"] > minutes["max"]:
                    yield _problem(
                        session, ("facts", "session_minutes", "min"), "min is greater than max", code="value"
                    )
    for locale in locales:
        labels = by_key.get((locale, "labels"))
        if labels and labels.doc and isinstance(labels.doc.data, dict):
            yield from _check_labels(labels)
    yield from _check_mirrors(files, locales)
    yield from _check_document_id(files, locales)


def _check_colors(brand: ContentFile) -> Iterator[Problem]:
    """Refuse brand colours whose text would be too faint to read: every pair channels use needs 4.5:1."""
    assert brand.doc is not None  # the caller checks it was read
    colors = brand.doc.data.get("colors")
    if not isinstance(colors, dict):
        return
    for text, background in TEXT_PAIRS:
        fg, bg = colors.get(text), colors.get(background)
        if not (isinstance(fg, str) and isinstance(bg, str) and _is_color(fg) and _is_color(bg)):
            continue  # the schema reports it
        ratio = contrast(fg, bg)
        if ratio < AA_TEXT:
            shown = math.floor(ratio * 100) / 100  # never round a failing ratio up to a passing one
            apart = ("lighten", "darken") if luminance(fg) > luminance(bg) else ("darken", "lighten")
            yield _problem(
                brand,
                ("colors", text),
                f"{text} {fg} on {background} {bg} has contrast {shown:.2f}:1; "
                f"text needs at least {AA_TEXT}:1 (WCAG AA)",
                f"{apart[0]} {text} or {apart[1]} {background}",
                code="contrast",
            )


def _has_host(url: str) -> bool:
    from urllib.parse import urlsplit

    try:
        return bool(urlsplit(url).hostname)
    except ValueError:  # e.g. an unclosed [ in the host
        return False


def _is_color(value: str) -> bool:
    return re.fullmatch(r"#[0-9a-fA-F]{6}", value) is not None


def _check_labels(file: ContentFile) -> Iterator[Problem]:
    """Labels are text with a few named placeholders: no others, none twice, no stray braces."""
    assert file.doc is not None  # the caller checks it was read
    for name, wording in file.doc.data.items():
        if not isinstance(wording, str):
            continue
        allowed = LABEL_PLACEHOLDERS.get(name, ())
        used = PLACEHOLDER.findall(wording)
        rest = PLACEHOLDER.sub("", wording)
        hint = (
            f"{name} may use {', '.join('{' + a + '}' for a in allowed)}, each once"
            if allowed
            else f"{name} takes no placeholders"
        )
        unknown = [u for u in used if u not in allowed]
        if unknown or "{" in rest or "}" in rest:
            shown = f"{{{unknown[0]}}}" if unknown else "a brace"
            yield _problem(file, (name,), f"unknown placeholder or stray brace ({shown})", hint, code="placeholder")
        elif len(used) != len(set(used)):
            yield _problem(file, (name,), "a placeholder is used twice", hint, code="placeholder")


def _duplicate_ids(file: ContentFile) -> Iterator[Problem]:
    field = ID_LISTS.get(file.kind)
    if field is None:
        return
    seen: dict[str, int] = {}
    for i, item in _items(file, field):
        value = item.get("id")
        if not isinstance(value, str):
            continue
        if value in seen:
            assert file.doc is not None  # it holds the items
            first_line = file.doc.where((field, seen[value], "id"))[0]
            yield _problem(
                file,
                (field, i, "id"),
                f"duplicate id {value!r}",
                f"first used on line {first_line}; ids must be unique",
                code="duplicate-id",
            )
        else:
            seen[value] = i


def _check_page(page: ContentFile, cta_ids: list[str] | None) -> Iterator[Problem]:
    assert page.doc is not None  # the caller checks it was read
    data = page.doc.data
    url = data.get("url")
    if isinstance(url, str) and url.startswith("https://") and not _has_host(url):
        yield _problem(
            page,
            ("url",),
            f"{url!r} is not a valid https address",
            "write it as https://host/path, e.g. https://www.example.org/patient-info/shoulder-pain/",
        )
    sections = _items(page, "sections")
    present = {item.get("id") for _, item in sections if isinstance(item.get("id"), str)}
    for required in REQUIRED_SECTIONS:
        if isinstance(data.get("sections"), list) and required not in present:
            yield _problem(
                page,
                ("sections",),
                f"missing section {required!r}",
                f"every page has the sections {', '.join(REQUIRED_SECTIONS)}",
                code="missing-section",
            )
    shown: dict[str, int] = {}
    for i, item in sections:
        lst = item.get("list")
        if isinstance(lst, str):
            if lst in shown:
                yield _problem(
                    page,
                    ("sections", i, "list"),
                    f"list {lst!r} is already shown by sections[{shown[lst]}]",
                    "show each list in one section",
                    code="reference",
                )
            shown[lst] = i
        if cta_ids is not None and isinstance(item.get("cta"), list):
            for j, ref in enumerate(item["cta"]):
                if isinstance(ref, str) and ref not in cta_ids:
                    yield _unknown(page, ("sections", i, "cta", j), "call to action", ref, cta_ids, "cta.yaml")
    if isinstance(data.get("sections"), list):
        for lst in ("conditions", "risks", "contraindications", "session_phases"):
            if lst not in shown:
                yield _problem(
                    page,
                    ("sections",),
                    f"list {lst!r} is not shown by any section",
                    f"add `list: {lst}` to the section that introduces it",
                    code="missing-section",
                )
    signoff = data.get("signoff")
    if isinstance(signoff, dict):
        date, nxt = signoff.get("date"), signoff.get("next_review")
        if isinstance(date, str) and isinstance(nxt, str) and _is_date(date) and _is_date(nxt) and nxt <= date:
            yield _problem(
                page,
                ("signoff", "next_review"),
                f"next review {nxt} is not after the sign-off on {date}",
                "record the sign-off again with a later --next-review",
                code="date-order",
            )


def _is_date(value: str) -> bool:
    import datetime

    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def _check_sms(sms: ContentFile, cta_ids: list[str] | None) -> Iterator[Problem]:
    assert sms.doc is not None  # the caller checks it was read
    keywords = sms.doc.data.get("keywords") if isinstance(sms.doc.data, dict) else None
    replies = (
        [(("keywords", key, "reply"), reply.get("reply")) for key, reply in keywords.items() if isinstance(reply, dict)]
        if isinstance(keywords, dict)
        else []
    )
    texts = [(("messages", i, "body"), message.get("body")) for i, message in _items(sms, "messages")]
    for path, body in texts + replies:
        if not isinstance(body, str):
            continue
        for match in SMS_PLACEHOLDER.finditer(body):
            name, _, arg = match.group(1).partition(":")
            if name == "url":
                if cta_ids is not None and arg not in cta_ids:
                    yield _unknown(sms, path, "call to action", arg, cta_ids, "cta.yaml")
            elif name not in SMS_NAMES or arg:
                guess = difflib.get_close_matches(name, SMS_NAMES + ("url",), n=1)
                yield _problem(
                    sms,
                    path,
                    f"unknown placeholder {match.group(0)!r}",
                    f"did you mean {{{guess[0]}}}?" if guess else SMS_HINT,
                    code="placeholder",
                )
        stray = stray_brace(body, SMS_PLACEHOLDER)
        if stray is not None:  # a half-typed placeholder would reach patients as written
            problem = _problem(
                sms,
                path,
                f"stray brace {body[stray]!r} in the message",
                "write placeholders as {clinic} or {url:CTA-ID}, each in one pair of braces; "
                "messages cannot show braces",
                code="placeholder",
            )
            at = where_character(sms, path, body, stray)
            yield problem._replace(line=at[0], col=at[1]) if at else problem


def _check_document_id(files: list[ContentFile], locales: list[str]) -> Iterator[Problem]:
    """Every locale's page.yaml names the same document: outputs and the export are named after its id."""
    pages = {
        f.locale: f
        for f in files
        if f.kind == "page"
        and f.locale in locales
        and f.doc
        and isinstance(f.doc.data, dict)
        and isinstance(f.doc.data.get("id"), str)
    }
    if len(pages) < 2:
        return
    base = "en" if "en" in pages else sorted(pages)[0]
    expected = cast(Located, pages[base].doc).data["id"]  # pages holds read files only
    if re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", expected) is None:
        return  # the schema reports the base's id itself; it is no id to tell the others to write
    for _locale, page in sorted(pages.items()):
        found = cast(Located, page.doc).data["id"]
        if found != expected:
            yield _problem(
                page,
                ("id",),
                f"document id {found!r} differs from the {base} locale's {expected!r}",
                f"every locale names the same document: write id: {expected}",
                code="mirror",
            )


def _check_mirrors(files: list[ContentFile], locales: list[str]) -> Iterator[Problem]:
    """A second locale mirrors the first: the same ids in every list, so apps can match items across languages."""
    if len(locales) < 2:
        return
    base = "en" if "en" in locales else locales[0]
    by_key = {(f.locale, f.kind): f for f in files}
    for locale in locales:
        if locale == base:
            continue
        for kind, field in ID_LISTS.items():
            if kind == "brand":
                continue
            ours, theirs = by_key.get((locale, kind)), by_key.get((base, kind))
            if not ours or not theirs or not ours.doc or not theirs.doc:
                continue
            mine, reference = _ids(ours, field), _ids(theirs, field)
            missing = [i for i in reference if i not in mine]
            extra = [i for i in mine if i not in reference]
            if missing or extra:
                detail = "; ".join(
                    filter(
                        None,
                        [
                            f"missing {', '.join(missing)}" if missing else "",
                            f"not in {base}: {', '.join(extra)}" if extra else "",
                        ],
                    )
                )
                yield _problem(
                    ours,
                    (field,),
                    f"ids differ from the {base} locale ({detail})",
                    f"every locale mirrors {base}: translate the text, keep the ids",
                    code="mirror",
                )
