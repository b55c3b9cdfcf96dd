"""Text that lies: half-typed SMS placeholders, invisible reordering characters, letters the brochure cannot draw."""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path

import pytest

import dncontent
from tests.conftest import run_cli


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def errors(content: Path) -> list[str]:
    return [p.format() for p in dncontent.validate(content, lints=False) if p.severity == "error"]


# (body, where its stray brace is in it)
STRAY = [
    ("Book online: {url:book-online", "{url"),
    ("Book online: {url:book-online}. {clinic", "{clinic"),
    ("Book online at {{clinic}}: {url:book-online}", "{{"),
    ("Book online: {url:book-online} }", "} }"),
    ("Book online: url:book-online}", "}"),
]


@pytest.mark.parametrize("body, stray", STRAY, ids=[body for body, _ in STRAY])
def test_stray_braces_in_sms_bodies_are_refused_at_the_brace(content_copy, body, stray):
    sms = content_copy / "en" / "sms.yaml"
    edit(sms, "Book online: {url:book-online}", body)
    found = errors(content_copy)
    row, text = next((i, line) for i, line in enumerate(sms.read_text("utf-8").splitlines(), 1) if body in line)
    at = text.index(body) + body.index(stray) + (2 if stray == "} }" else 0) + 1
    where = f"{sms}:{row}:{at}: messages[0].body: stray brace"
    assert [line for line in found if line.startswith(where)], (where, found)


BIDI = [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x200E, 0x200F, 0x061C]
INVISIBLE = [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x180E, 0xE0041, 0xFFF9]


@pytest.mark.parametrize("code", BIDI + INVISIBLE, ids=lambda code: f"U+{code:04X}")
def test_bidirectional_and_invisible_characters_are_refused_and_named(content_copy, code):
    char = chr(code)
    edit(content_copy / "en" / "risks.yaml", "label: Fainting", f"label: Faint{char}ing")
    found = errors(content_copy)
    kind = "bidirectional control character" if code in BIDI else "invisible format character"
    expected = (
        f"{content_copy / 'en' / 'risks.yaml'}:17:12: risks[6].label: text contains the {kind} "
        f"U+{code:04X} {unicodedata.name(char)} (hint: remove it: it is invisible"
    )
    assert [line for line in found if line.startswith(expected)], found


def test_a_right_to_left_override_is_named_on_the_command_line(content_copy):
    # "Take 1 tablet" stored, "telbat 1 ekaT" shown: the override makes text read otherwise than it is stored
    edit(content_copy / "en" / "risks.yaml", "label: Fainting", 'label: "Fainting \\u202Etelbat 1 ekaT"')
    result = run_cli("validate", "--content", str(content_copy))
    assert result.returncode == 1
    assert (
        f"{content_copy / 'en' / 'risks.yaml'}:17:12: risks[6].label: text contains the bidirectional control "
        f"character U+202E RIGHT-TO-LEFT OVERRIDE"
    ) in result.stdout


def test_every_invisible_format_character_but_the_soft_hyphen_is_refused():
    from dncontent.load import yaml_reader

    formats = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"]
    refused = [c for c in formats if yaml_reader._INVISIBLE.match(c)]
    assert sorted(set(formats) - set(refused)) == ["\u00ad"]


def test_a_soft_hyphen_is_text(content_copy):
    edit(content_copy / "en" / "risks.yaml", "label: Fainting", "label: Faint\u00ading")
    assert errors(content_copy) == []


# Characters the bundled font cannot draw


@pytest.mark.parametrize(
    "file, old, new, where, expected",
    [
        (
            "en/conditions.yaml",
            "label: Whiplash",
            "label: Хлыстовая травма",
            "en/conditions.yaml:27:12: conditions[11].label",
            "the brochure's font Atkinson Hyperlegible cannot draw the characters U+0425 CYRILLIC CAPITAL LETTER HA 'Х', "
            "U+043B CYRILLIC SMALL LETTER EL 'л', U+044B CYRILLIC SMALL LETTER YERU 'ы', U+0441 CYRILLIC SMALL LETTER ES "
            "'с', U+0442 CYRILLIC SMALL LETTER TE 'т' and 6 more (hint: the brochure would print them with whatever fonts",
        ),
        (
            "en/labels.yaml",
            "qr_caption: Scan to book online",
            "qr_caption: 扫码预约",
            "en/labels.yaml:18:13: qr_caption",
            "cannot draw the characters U+626B CJK UNIFIED IDEOGRAPH-626B '扫'",
        ),
        (
            "en/risks.yaml",
            "label: Fainting",
            "label: Fainting \u2192 rest",
            "en/risks.yaml:17:12: risks[6].label",
            "cannot draw the character U+2192 RIGHTWARDS ARROW '→'",
        ),
        (
            "en/risks.yaml",
            "label: Fainting",
            "label: Fainting 🙂",
            "en/risks.yaml:17:12: risks[6].label",
            "U+1F642 SLIGHTLY SMILING FACE",
        ),
        (
            "en/risks.yaml",
            "label: Fainting",
            "label: Fe\u0301vrier",
            "en/risks.yaml:17:12: risks[6].label",
            "cannot draw the character U+0301 COMBINING ACUTE ACCENT (hint: the accents are typed as separate marks",
        ),
        (
            "brand.yaml",
            "name: Jubilant Therapy Services",
            "name: Jubilant Ѳerapy",
            "brand.yaml:3:7: name",
            "U+0472 CYRILLIC CAPITAL LETTER FITA",
        ),
    ],
)
def test_characters_the_bundled_font_lacks_are_refused(content_copy, file, old, new, where, expected):
    edit(content_copy / file, old, new)
    found = errors(content_copy)
    assert [
        line
        for line in found
        if line.startswith(f"{content_copy / where}: {expected}")
        or (line.startswith(f"{content_copy / where}: ") and expected in line)
    ], found


def test_latin_letters_and_spaces_the_font_has_pass(content_copy):
    edit(
        content_copy / "en" / "risks.yaml",
        "label: Fainting",
        "label: Évanouissement – «\u00a0Ohnmacht\u202f» Łódź Şişli Dvořák ő ñ ß € 1\u20092",
    )
    assert errors(content_copy) == []


def test_text_only_text_messages_carry_is_not_held_to_the_brochure_font(content_copy):
    edit(content_copy / "en" / "contraindications.yaml", "short: a fear of needles or anxiety", "short: боязнь игл")
    edit(content_copy / "en" / "labels.yaml", "sms_opt_out: Reply STOP to opt out.", "sms_opt_out: STOP: СТОП")
    assert not [p for p in dncontent.validate(content_copy, lints=False) if p.code == "glyph"]


def test_the_stored_coverage_matches_the_fonts():
    from dncontent.validate import glyphs

    stored = json.loads(glyphs.coverage_file().read_text("utf-8"))
    assert stored == glyphs.measure(), "run `python -m dncontent.validate.glyphs` after changing the fonts"
    drawn = glyphs.faces()
    assert set(drawn) == {"Atkinson Hyperlegible " + s for s in ("Regular", "Bold", "Italic", "Bold Italic")}
    assert all(ord(c) in codes for codes in drawn.values() for c in "Aé€–ŁőŞ")
    assert not any(ord(c) in codes for codes in drawn.values() for c in "Б扫\u2192\u0301")  # outside every range


def test_a_model_that_skipped_validation_is_not_printed_with_the_machines_fonts():
    from dncontent.errors import BuildError
    from dncontent.pipeline import load_content
    from dncontent.printing.compose import PAPERS, compose
    from tests.conftest import CONTENT

    page = load_content(CONTENT).locales["en"]
    page = page._replace(title="Сухая игла", labels=page.labels._replace(page_of="Стр. {page} из {pages}"))
    with pytest.raises(BuildError, match="cannot draw U\\+0421 CYRILLIC CAPITAL LETTER ES"):
        compose(page, PAPERS[0])
    only_css = page._replace(title=load_content(CONTENT).locales["en"].title)  # the label reaches only the CSS
    with pytest.raises(BuildError, match="CYRILLIC"):
        compose(only_css, PAPERS[0])
