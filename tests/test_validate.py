"""`dncontent validate`: clean content passes; every class of bad input is reported located, all at once."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import CONTENT, run_cli

LINE = re.compile(r"^(?P<file>[^:]+\.yaml):(?P<line>\d+):(?P<col>\d+): ")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def problems_of(result) -> list[str]:
    assert "Traceback" not in result.stdout + result.stderr
    return [line for line in result.stdout.splitlines() if line.strip()]


def test_shipped_content_is_valid():
    result = run_cli("validate", "--content", str(CONTENT))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr.startswith("Content is valid")
    levels = {line.split(": ")[1] for line in result.stdout.splitlines()}
    assert levels <= {"warning", "note", "info"}, result.stdout  # editorial lines only, no errors


# (file to edit, old text, new text, expected file:line, expected text in the problem line)
BAD_INPUTS = {
    "yaml-syntax": (
        "en/risks.yaml",
        "  - id: bruising\n",
        "  - id: [bruising\n",
        "en/risks.yaml:7",
        "YAML syntax error",
    ),
    "duplicate-key": (
        "en/risks.yaml",
        "    label: Bruising\n",
        "    label: Bruising\n    label: Bruises\n",
        "en/risks.yaml:8:5",
        "duplicate key 'label'",
    ),
    "unknown-field": (
        "en/conditions.yaml",
        "    label: Whiplash",
        "    lable: Whiplash",
        "en/conditions.yaml:27:5",
        "conditions[11].lable: unknown field 'lable' (hint: did you mean 'label'?)",
    ),
    "missing-field": (
        "en/cta.yaml",
        "    link: booking\n",
        "",
        "en/cta.yaml:9:5",
        "cta[1]: missing required field 'link'",
    ),
    "wrong-type": (
        "en/risks.yaml",
        "label: Fatigue",
        "label: [Fatigue, Tiredness]",
        "en/risks.yaml:21:12",
        "risks[8].label: expected a string, got a list",
    ),
    "bad-id": ("en/conditions.yaml", "id: knee-pain", "id: Knee Pain", "en/conditions.yaml:16:9", "'knee-pain'"),
    "duplicate-id": ("en/risks.yaml", "id: fainting", "id: bleeding", "en/risks.yaml:16:9", "duplicate id 'bleeding'"),
    "unknown-reference": (
        "en/page.yaml",
        "cta: [contact]",
        "cta: [contakt]",
        "en/page.yaml:91:11",
        "no call to action with id 'contakt' (hint: did you mean 'contact'?)",
    ),
    "unknown-link": (
        "en/cta.yaml",
        "link: booking",
        "link: bookings",
        "en/cta.yaml:12:11",
        "no link in brand.yaml with id 'bookings' (hint: did you mean 'booking'?)",
    ),
    "http-url": (
        "brand.yaml",
        "https://www.example.com/contact",
        "http://www.example.com/contact",
        "brand.yaml:10:10",
        "URL scheme 'http:' is not allowed",
    ),
    "javascript-url": (
        "brand.yaml",
        "https://www.example.com/book-online",
        "javascript:alert(1)",
        "brand.yaml:12:10",
        "URL scheme 'javascript:' is not allowed",
    ),
    "impossible-date": (
        "en/page.yaml",
        '"2026-11-20"',
        '"2026-13-45"',
        "en/page.yaml:14:13",
        "'2026-13-45' is not a real calendar date",
    ),
    "unquoted-impossible-date": (
        "en/page.yaml",
        'captured: "2026-11-20"',
        "captured: 2026-02-30",
        "en/page.yaml:14:13",
        "not a real calendar date",
    ),
    "typed-approval": (
        "en/page.yaml",
        "topic: Dry needling\n",
        "topic: Dry needling\nreview:\n  status: approved\n",
        "en/page.yaml:12:11",
        "review.status: 'approved' is not a status to type: no sign-off is "
        "recorded (hint: only a recorded sign-off approves a locale; remove this line, and once a "
        'clinician has reviewed the text: dncontent signoff --locale en --by "NAME, CREDENTIALS")',
    ),
    "typed-review-date": (
        "es/page.yaml",
        "topic: Punción seca\n",
        'topic: Punción seca\nreview:\n  status: draft\n  last_reviewed: "2026-11-20"\n',
        "es/page.yaml:14:3",
        "review.last_reviewed: 'last_reviewed' is no longer typed by hand: "
        "review dates come from the sign-off record now (hint: remove it; once a clinician has "
        'reviewed the text, `dncontent signoff --locale es --by "NAME, CREDENTIALS"` records the '
        "date, the reviewer and the next review)",
    ),
    "typed-reviewer": (
        "en/page.yaml",
        "topic: Dry needling\n",
        "topic: Dry needling\nreview:\n  reviewed_by: Dr. A\n",
        "en/page.yaml:12:3",
        "review.reviewed_by: 'reviewed_by' is no longer typed by hand: the "
        "reviewer comes from the sign-off record now (hint: remove it; once a clinician",
    ),
    "yaml-tag": (
        "en/risks.yaml",
        "label: Soreness",
        "label: !!python/object/apply:os.system [ls]",
        "en/risks.yaml:19:12",
        "YAML tag",
    ),
    "unknown-placeholder": (
        "en/sms.yaml",
        "lasts {session_minutes}",
        "lasts {session_minute}",
        "en/sms.yaml:13:11",
        "unknown placeholder '{session_minute}' (hint: did you mean {session_minutes}?)",
    ),
    "unknown-list": ("en/page.yaml", "list: risks", "list: risk", "en/page.yaml:77:11", "did you mean 'risks'?"),
    "missing-logo": (
        "brand.yaml",
        "name: Jubilant Therapy Services\n",
        "name: Jubilant Therapy Services\nlogo: logo.svg\n",
        "brand.yaml:4:7",
        "logo file 'logo.svg' not found",
    ),
    "label-unknown-placeholder": (
        "en/labels.yaml",
        'last_reviewed: "Last reviewed {date}"',
        'last_reviewed: "Last reviewed {date} by {who}"',
        "en/labels.yaml:10:16",
        "unknown placeholder or stray brace ({who})",
    ),
    "label-format-spec": (
        "en/labels.yaml",
        'reviewed_by: "Reviewed by {name}"',
        'reviewed_by: "Reviewed by {name} ({name:>999999999})"',
        "en/labels.yaml:12:14",
        "reviewed_by may use {name}, each once",
    ),
    "label-placeholder-twice": (
        "en/labels.yaml",
        'next_review: "Next review due {date}"',
        'next_review: "Next review due {date} ({date})"',
        "en/labels.yaml:11:14",
        "a placeholder is used twice",
    ),
    "not-a-number": (
        "en/page.yaml",
        "topic: Dry needling",
        "topic: Dry needling\nreading_grade_target: .nan",
        "en/page.yaml:11:23",
        "'.nan' is not a usable number",
    ),
    "list-not-shown": ("en/page.yaml", "    list: risks\n", "", "en/page.yaml:17:3", "list 'risks' is not shown"),
    "faint-colour": (
        "brand.yaml",
        'on_primary: "#ffffff"',
        'on_primary: "#a8c8cd"',
        "brand.yaml:15:15",
        "colors.on_primary: on_primary #a8c8cd on primary #0b5d6b has contrast 4.22:1",
    ),
    "logo-outside-content": (
        "brand.yaml",
        "name: Jubilant Therapy Services\n",
        "name: Jubilant Therapy Services\nlogo: ../../etc/logo.png\n",
        "brand.yaml:4:7",
        "does not have the expected form",
    ),
    "no-booking-link": ("brand.yaml", "id: booking", "id: appointments", "brand.yaml:7:3", "no link with id 'booking'"),
    "bad-host": (
        "brand.yaml",
        "https://www.example.com/contact",
        "https://[clinic",
        "brand.yaml:10:10",
        "'https://[clinic' is not a valid https address",
    ),
    "tel-with-spaces": (
        "brand.yaml",
        "https://www.example.com/contact",
        "tel:+1 555 123 4567",
        "brand.yaml:10:10",
        "'tel:+1 555 123 4567' is not a valid tel: address",
    ),
    "control-character": (
        "en/risks.yaml",
        "label: Fainting",
        'label: "Faint\\x01ing"',
        "en/risks.yaml:17:12",
        "text contains the control character U+0001",
    ),
    "blank-text": (
        "en/labels.yaml",
        "skip_to_content: Skip to main content",
        'skip_to_content: "\\t "',
        "en/labels.yaml:6:18",
        "text is blank",
    ),
    "tab-indent": ("en/risks.yaml", "    label: Infection", "\tlabel: Infection", "en/risks.yaml:9:1", "tabs"),
    # A value that ends with a line break matches no anchored pattern, in Python as in JavaScript
    "id-line-break": (
        "en/page.yaml",
        "id: dry-needling",
        'id: "dry-needling\\n"',
        "en/page.yaml:8:5",
        "id: 'dry-needling\\n' ends with a line break",
    ),
    "url-line-break": (
        "brand.yaml",
        "    url: https://www.example.com/book-online",
        "    url: |\n      https://www.example.com/book-online",
        "brand.yaml:12:10",
        "links[2].url: 'https://www.example.com/book-online\\n' ends with a line break (hint: keep it "
        "on one line; a `|` or `>` block keeps the final line break, `|-` and `>-` drop it)",
    ),
    "colour-line-break": (
        "brand.yaml",
        'primary: "#0b5d6b"',
        'primary: "#0b5d6b\\n"',
        "brand.yaml:14:12",
        "colors.primary: '#0b5d6b\\n' ends with a line break",
    ),
    "sender-line-break": (
        "brand.yaml",
        "sender: Jubilant PT",
        'sender: "Jubilant PT\\n"',
        "brand.yaml:22:11",
        "sms.sender: 'Jubilant PT\\n' ends with a line break",
    ),
    # facts are typed once: prose draws them in, and says no other number of minutes
    "prose-minutes-disagree": (
        "en/session.yaml",
        "{session_minutes.min} and {session_minutes.max}",
        "20 and 40",
        "en/session.yaml:26:51",
        "phases[1].text: states the session length as 20-40 minutes "
        "('20 and 40 minutes'), but the fact in en/session.yaml is 15-30 (hint: write the "
        "numbers as the fact's placeholders, {session_minutes.min} and {session_minutes.max}",
    ),
    "prose-minutes-disagree-es": (
        "es/session.yaml",
        "{session_minutes.min} y {session_minutes.max}",
        "15 y 40",
        "es/session.yaml:22:43",
        "states the session length as 15-40 minutos",
    ),
    "prose-unknown-placeholder": (
        "en/session.yaml",
        "and {session_minutes.max}",
        "and {session_minutes.maximum}",
        "en/session.yaml:26:77",
        "phases[1].text: unknown placeholder '{session_minutes.maximum}' (hint: did you mean {session_minutes.max}?)",
    ),
    "facts-disagree-in-a-translation": (
        "es/session.yaml",
        "\nphases:\n",
        "\nfacts:\n  session_minutes: {min: 20, max: 40}\nphases:\n",
        "es/session.yaml:4:1",
        "facts: gives session_minutes 20-40, but every "
        "locale shows en/session.yaml's 15-30 (hint: remove `facts` from this file",
    ),
    "invalid-phone": (
        "brand.yaml",
        "name: Jubilant Therapy Services\n",
        'name: Jubilant Therapy Services\nphone: "(555) 010-0199"\n',
        "brand.yaml:4:8",
        "phone: phone '(555) 010-0199' is not a valid phone number (no such area or network code)",
    ),
    "phone-digit-missing": (
        "brand.yaml",
        "name: Jubilant Therapy Services\n",
        'name: Jubilant Therapy Services\nphone: "(212) 555-012"\n',
        "brand.yaml:4:8",
        "phone: phone '(212) 555-012' has too few or too many digits",
    ),
    "phone-link-without-phone": (
        "en/cta.yaml",
        "link: contact",
        "link: phone",
        "en/cta.yaml:8:11",
        "cta[0].link: link 'phone' dials brand.yaml's `phone`, and brand.yaml gives none",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_reported_with_location(content_copy, case):
    name, old, new, where, expected = BAD_INPUTS[case]
    edit(content_copy / name, old, new)
    result = run_cli("validate", "--content", str(content_copy))
    assert result.returncode == 1, result.stdout + result.stderr
    lines = problems_of(result)
    shown = str(content_copy / where)
    matching = [line for line in lines if line.startswith(shown) and expected in line]
    assert len([line for line in lines if line.startswith(shown)]) == 1, lines  # reported once
    assert matching, f"expected a problem at {shown} containing {expected!r}, got:\n" + "\n".join(lines)
    assert all(LINE.match(line) for line in lines), lines


PHONE = 'name: Jubilant Therapy Services\nphone: "212-555-0123"\n'


def test_a_tel_link_that_dials_another_number_than_the_brand_phone_is_refused_at_its_line(content_copy):
    edit(content_copy / "brand.yaml", "name: Jubilant Therapy Services\n", PHONE)
    edit(content_copy / "brand.yaml", "https://www.example.com/contact", "tel:+1-212-555-0199")
    result = run_cli("validate", "--content", str(content_copy))
    assert result.returncode == 1, result.stdout + result.stderr
    errors = [line for line in problems_of(result) if ": warning:" not in line and ": info:" not in line]
    assert errors == [
        f"{content_copy / 'brand.yaml'}:11:10: links[1].url: tel: link dials (212) 555-0199, but "
        "brand.yaml's phone is (212) 555-0123 (hint: name the link `phone` in cta.yaml (`link: phone`), "
        "so the button dials the number the brochure prints, or correct it to tel:+12125550123)"
    ]
    # the same number, however it is written, is the brand's: accepted, with the fictional range pointed out
    edit(content_copy / "brand.yaml", "tel:+1-212-555-0199", "tel:+1(212)555.0123")
    result = run_cli("validate", "--content", str(content_copy))
    assert result.returncode == 0, result.stdout + result.stderr
    warning = f"{content_copy / 'brand.yaml'}:4:8: warning: phone: placeholder phone number (212) 555-0123"
    assert warning in result.stdout


def test_a_locale_cannot_give_the_phone_another_number(content_copy):
    edit(content_copy / "brand.yaml", "name: Jubilant Therapy Services\n", PHONE)
    edit(
        content_copy / "es" / "cta.yaml",
        "\ncta:\n",
        "\nlinks:\n  - id: contact\n    url: tel:+12125550100\n  - id: phone\n    url: tel:+12125550123\ncta:\n",
    )
    lines = problems_of(result := run_cli("validate", "--content", str(content_copy)))
    assert result.returncode == 1
    shown = str(content_copy / "es" / "cta.yaml")
    assert [line for line in lines if line.startswith(shown)] == [
        f"{shown}:11:10: links[0].url: tel: link dials (212) 555-0100, but brand.yaml's phone is (212) 555-0123 "
        "(hint: name the link `phone` in cta.yaml (`link: phone`), so the button dials the number the brochure "
        "prints, or correct it to tel:+12125550123)",
        f"{shown}:12:9: links[1].id: the link 'phone' dials brand.yaml's `phone`, the same number in every locale "
        "(hint: change the number in brand.yaml; a locale overrides only brand.yaml's `links`)",
    ]


def test_not_utf8(content_copy):
    path = content_copy / "en" / "risks.yaml"
    path.write_bytes(path.read_bytes().replace(b"Fatigue", b"Fatig\xe9"))
    lines = problems_of(result := run_cli("validate", "--content", str(content_copy)))
    assert result.returncode == 1
    assert any(line.startswith(f"{path}:21:17: file is not UTF-8") for line in lines), lines


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", "file is empty"),
        ("# only a comment\n", "file is empty"),
        ("- neck-pain\n- back-pain\n", "must be a mapping"),
        ("just a sentence\n", "must be a mapping"),
    ],
)
def test_empty_and_non_mapping_files(content_copy, text, expected):
    path = content_copy / "en" / "conditions.yaml"
    path.write_text(text, "utf-8")
    lines = problems_of(result := run_cli("validate", "--content", str(content_copy)))
    assert result.returncode == 1
    assert any(line.startswith(f"{path}:") and expected in line for line in lines), lines


def test_alias_bomb_is_refused_quickly(content_copy):
    layers = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev, name = chr(ord("a") + i - 1), chr(ord("a") + i)
        layers.append(f"{name}: &{name} [{', '.join(['*' + prev] * 10)}]")
    path = content_copy / "en" / "risks.yaml"
    path.write_text("\n".join(layers) + "\n", "utf-8")  # 10**9 values once expanded
    # refused while reading: a parser that expanded the aliases would not finish within the timeout
    lines = problems_of(result := run_cli("validate", "--content", str(content_copy), timeout=60))
    assert result.returncode == 1
    assert any(line.startswith(f"{path}:") and "aliases" in line for line in lines), lines


def test_huge_file_is_refused_quickly(content_copy):
    path = content_copy / "en" / "risks.yaml"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("risks:\n")
        fh.write("  - {id: x, label: " + "y" * 100 + "}\n" * 1)
        fh.write(("# " + "z" * 98 + "\n") * 200_000)  # 20 MB
    lines = problems_of(result := run_cli("validate", "--content", str(content_copy), timeout=60))
    assert result.returncode == 1
    assert any(line.startswith(f"{path}:1:1: file is too large") for line in lines), lines


def test_deep_nesting_is_refused(content_copy):
    path = content_copy / "en" / "risks.yaml"
    path.write_text("risks: " + "[" * 20000 + "]" * 20000 + "\n", "utf-8")
    lines = problems_of(result := run_cli("validate", "--content", str(content_copy), timeout=60))
    assert result.returncode == 1
    assert any(line.startswith(f"{path}:") for line in lines), lines


def test_all_problems_are_reported_at_once(content_copy):
    edit(content_copy / "en" / "risks.yaml", "label: Bruising", "lable: Bruising")
    edit(content_copy / "en" / "page.yaml", '"2026-11-20"', '"2026-02-30"')
    edit(content_copy / "brand.yaml", "https://www.example.com/contact", "ftp://example.com/contact")
    edit(content_copy / "en" / "conditions.yaml", "label: Whiplash", "label: Whiplash\n    label: Whiplash")
    result = run_cli("validate", "--content", str(content_copy))
    lines = problems_of(result)
    assert result.returncode == 1
    files = {LINE.match(line).group("file") for line in lines}
    assert len(files) == 4, lines
    assert "Found 4 problems in 4 files" in result.stderr


def test_a_character_the_font_lacks_and_a_stated_length_hide_no_text_over_its_budget(content_copy):
    """Errors that leave the content readable (a glyph the brochure's font lacks, prose stating another session
    length) are reported with those found on the content model, such as a text over its segment budget."""
    edit(content_copy / "en" / "risks.yaml", "label: Bruising", "label: Bruising \u2192 rare")
    edit(
        content_copy / "en" / "session.yaml",
        "perform a physical examination",
        "perform a 45 minutes physical examination",
    )
    edit(
        content_copy / "en" / "sms.yaml",
        "minutes. Book online:",
        "minutes, and we will be glad to answer every "
        "question you have about it before you come in for your first appointment with one of our licensed "
        "physical therapists at the clinic. "
        "Book online:",
    )
    result = run_cli("validate", "--content", str(content_copy))
    lines = problems_of(result)
    assert result.returncode == 1
    errors = [line for line in lines if ": warning: " not in line and ": note: " not in line and ": info: " not in line]
    assert [LINE.match(line).group("file").rsplit("content/", 1)[1] for line in errors] == [
        "en/risks.yaml",
        "en/session.yaml",
        "en/sms.yaml",
    ], errors
    assert "cannot draw the character U+2192" in errors[0]
    assert "states the session length as 45 minutes" in errors[1]
    assert "'booking-invitation'" in errors[2] and "its budget is 2" in errors[2]
    assert "Found 3 problems in 3 files" in result.stderr


def test_logo_in_the_assets_folder(content_copy):
    (content_copy / "assets").mkdir()
    (content_copy / "assets" / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', "utf-8")
    edit(
        content_copy / "brand.yaml",
        "name: Jubilant Therapy Services\n",
        "name: Jubilant Therapy Services\nlogo: assets/logo.svg\n",
    )
    result = run_cli("validate", "--quiet", "--content", str(content_copy))
    assert result.returncode == 0, result.stdout
    assert [line for line in result.stdout.splitlines() if " logo:" in line or "unknown" in line] == []


@pytest.mark.parametrize(
    "name, data, expected",
    [
        ("logo.png", b"", "is not a PNG image"),
        ("logo.png", b"GIF89a" + b"0" * 100, "is not a PNG image"),
        ("logo.svg", b"<html>not a drawing</html>", "is not an SVG image"),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/x.png"/></svg>',
            "refers to other files or addresses",
        ),
    ],
)
def test_unusable_logo_files(content_copy, name, data, expected):
    (content_copy / "assets").mkdir()
    (content_copy / "assets" / name).write_bytes(data)
    edit(
        content_copy / "brand.yaml",
        "name: Jubilant Therapy Services\n",
        f"name: Jubilant Therapy Services\nlogo: assets/{name}\n",
    )
    lines = problems_of(result := run_cli("validate", "--content", str(content_copy)))
    assert result.returncode == 1
    assert [line for line in lines if f"brand.yaml:4:7: logo: logo file 'assets/{name}' {expected}" in line], lines


def test_missing_and_unknown_files(content_copy):
    (content_copy / "en" / "risks.yaml").rename(content_copy / "en" / "risk.yaml")
    lines = problems_of(result := run_cli("validate", "--content", str(content_copy)))
    assert result.returncode == 1
    assert any("risks.yaml:1:1: file is missing" in line for line in lines), lines
    assert any("risk.yaml:1:1: unknown content file (hint: did you mean risks.yaml?)" in line for line in lines), lines


def test_json_format_carries_the_same_problems(content_copy):
    edit(content_copy / "en" / "risks.yaml", "id: fainting", "id: bleeding")
    text = run_cli("validate", "--content", str(content_copy))
    result = run_cli("validate", "--content", str(content_copy), "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False
    errors = [p for p in report["problems"] if p["severity"] == "error"]
    assert [f"{p['file']}:{p['line']}:{p['col']}" for p in errors] == [
        LINE.match(line).group(0)[:-2] for line in problems_of(text) if ": warning:" not in line
    ]
    assert errors[0]["field"] == "risks[6].id" and errors[0]["code"] == "duplicate-id"


def test_usage_errors_exit_2(tmp_path):
    result = run_cli("validate", "--content", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "content folder not found" in result.stderr and "Traceback" not in result.stderr
    assert run_cli("validate", "--format", "xml").returncode == 2


def test_api_returns_the_same_problems(content_copy):
    import dncontent

    edit(content_copy / "en" / "risks.yaml", "id: fainting", "id: bleeding")
    problems = [p for p in dncontent.validate(content_copy) if p.severity == "error"]
    # the duplicate, and Spanish no longer mirroring the English ids
    assert [(p.file, p.code) for p in problems] == [
        (str(content_copy / "en" / "risks.yaml"), "duplicate-id"),
        (str(content_copy / "es" / "risks.yaml"), "mirror"),
    ]
    with pytest.raises(dncontent.ContentError) as raised:
        dncontent.load_content(content_copy)
    assert [p.code for p in raised.value.problems if p.severity == "error"] == ["duplicate-id", "mirror"]


def test_api_loads_the_model():
    import dncontent

    content = dncontent.load_content(CONTENT)
    en = content.locales["en"]
    assert (len(en.conditions), len(en.risks), len(en.contraindications)) == (14, 9, 7)
    assert [p.id for p in en.session_phases] == ["before", "during", "after", "results"]
    assert (en.session_minutes.min, en.session_minutes.max) == (15, 30)
    assert {c.id: c.url for c in en.cta} == {
        "contact": "https://www.example.com/contact",
        "book-online": "https://www.example.com/book-online",
    }
    assert content.brand.name == "Jubilant Therapy Services"


# A YAML layout mistake, as an editor makes it: (old line, new line, the place to fix, the words, the hint's words)
LAYOUT_MISTAKES = {
    "list item indented further": (
        "  - id: infection",
        "   - id: infection",
        "en/risks.yaml:8:4",
        "this line does not line up with the list it is in",
        "the list from line 4 has its '-' in column 3",
    ),
    "field indented less": (
        "  - id: infection",
        " - id: infection",
        "en/risks.yaml:8:2",
        "this line does not line up with the fields around it",
        "the fields from line 3 start in column 1",
    ),
    "quote left open": (
        "    label: Infection",
        '    label: "Infection',
        "en/risks.yaml:9:12",
        "a quoted value is not closed",
        "the quote that opens here, on line 9",
    ),
    "colon left out": (
        "    label: Infection",
        "    label Infection",
        "en/risks.yaml:9:5",
        "a field has no ':' after its name",
        "write `name: value`",
    ),
    "tab": (
        "    label: Infection",
        "\tlabel: Infection",
        "en/risks.yaml:9:1",
        "a tab in the indentation",
        "indent with spaces",
    ),
}


@pytest.mark.parametrize("case", LAYOUT_MISTAKES, ids=list(LAYOUT_MISTAKES))
def test_a_yaml_layout_mistake_is_said_in_plain_words_at_the_line_to_fix(content_copy, case):
    old, new, where, words, hint = LAYOUT_MISTAKES[case]
    edit(content_copy / "en" / "risks.yaml", old, new)
    result = run_cli("validate", "--content", str(content_copy))
    assert result.returncode == 1
    [line] = [line for line in problems_of(result) if "risks.yaml" in line]
    assert f"/content/{where}: {words} (YAML syntax error: " in line, line
    assert hint in line.partition("(hint: ")[2], line


def test_a_stray_brace_is_located_at_the_brace_not_at_its_field(content_copy):
    """In text folded over several lines, the place given is the brace's own line and column."""
    edit(content_copy / "en" / "sms.yaml", "      plenty of water and avoid", "      plenty of water {and avoid")
    edit(content_copy / "en" / "session.yaml", "goals for treatment. They will", "goals for treatment. } They will")
    result = run_cli("validate", "--content", str(content_copy))
    assert result.returncode == 1
    for name, marker in (("sms.yaml", "plenty of water {"), ("session.yaml", "goals for treatment. }")):
        lines = (content_copy / "en" / name).read_text("utf-8").splitlines()
        row = next(i for i, text in enumerate(lines, 1) if marker in text)
        col = lines[row - 1].index(marker) + len(marker)
        [line] = [line for line in problems_of(result) if f"en/{name}:" in line and "stray brace" in line]
        assert f"/en/{name}:{row}:{col}: " in line, line


def test_a_text_made_long_by_the_short_forms_names_the_short_forms_lines(content_copy):
    edit(
        content_copy / "en" / "sms.yaml",
        "tell your therapist about: {page}",
        "tell your therapist about: {page} Tell us about: {contraindications}",
    )
    result = run_cli("validate", "--content", str(content_copy))
    assert result.returncode == 1
    [line] = [line for line in problems_of(result) if "'before-your-visit' is too long" in line]
    hint = line.partition("(hint: ")[2]
    lines = (content_copy / "en" / "contraindications.yaml").read_text("utf-8").splitlines()
    shorts = sorted(
        ((len(text.split("short: ", 1)[1]), i) for i, text in enumerate(lines, 1) if "short: " in text), reverse=True
    )
    places = re.findall(r"content/en/contraindications\.yaml:(\d+):(\d+) \([\w-]+, (\d+) characters\)", hint)
    assert len(places) == 3 and int(places[0][0]) == shorts[0][1], hint  # the longest first
    assert [int(n) for _, _, n in places] == sorted((int(n) for _, _, n in places), reverse=True)
    for row, col, _ in places:  # each at its short form's value
        assert lines[int(row) - 1].index("short: ") + len("short: ") == int(col) - 1, (row, col)
