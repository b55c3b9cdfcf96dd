"""Sign-off, stale and untranslated text, waivers: what `dncontent validate` remembers about approved content."""

from __future__ import annotations

import datetime
import json
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli
from tests.test_validate import edit


def today() -> datetime.date:
    """The date the command run next will see: read at each use, so a run that crosses midnight still agrees."""
    return datetime.date.today()


REVIEWER = "Dana Ruiz, PT, DPT"
SPANISH_RISKS = {
    "Bleeding": "Sangrado",
    "Bruising": "Moretones",
    "Infection": "Infección",
    "Nerve damage": "Daño a los nervios",
    "Pneumothorax (collapsed lung)": "Neumotórax (pulmón colapsado)",
    "Allergic reaction": "Reacción alérgica",
    "Fainting": "Desmayo",
    "Soreness": "Dolor muscular",
}


def make_spanish(content: Path, record: bool = True) -> Path:
    """content/es, replaced by a copy of en with the title, topic and risks translated by hand, 'Fatigue' left in
    English: a translation whose every unit the tests know."""
    shutil.rmtree(content / "es")
    shutil.copytree(content / "en", content / "es")
    page = content / "es" / "page.yaml"
    edit(page, 'title: "Dry Needling: What You Need to Know"', 'title: "Punción seca: lo que necesita saber"')
    edit(page, "topic: Dry needling", "topic: Punción seca")
    for english, spanish in SPANISH_RISKS.items():
        edit(content / "es" / "risks.yaml", f"label: {english}\n", f"label: {spanish}\n")
    if record:
        result = run_cli("i18n", "mark-current", "--locale", "es", "--content", str(content))
        assert result.returncode == 0, result.stderr
    return content / "es"


def lines_with(result, text: str) -> list[str]:
    assert "Traceback" not in result.stdout + result.stderr
    return [line for line in result.stdout.splitlines() if text in line]


def signoff(content: Path, locale: str = "en", *extra: str):
    result = run_cli("signoff", "--locale", locale, "--by", REVIEWER, "--content", str(content), *extra)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


UNITS = 102  # en: 95 units of text (three of them keyword replies), the session minutes (2), three links, the clinic's name and its SMS sender


def test_signoff_writes_only_its_record_and_the_fingerprints(content_copy):
    page = content_copy / "en" / "page.yaml"
    before = page.read_text("utf-8")
    result = signoff(content_copy, "en", "--date", "2026-01-15")
    assert result.stdout == (
        f"Signed off en by {REVIEWER}: {UNITS} units (first sign-off); next review 2027-01-15 "
        f"({content_copy}/en/page.yaml)\n"
    )
    after = page.read_text("utf-8")
    assert after.startswith(before)  # modeline, comments and every line before it kept
    added = after[len(before) :].splitlines()
    assert added[:5] == [
        "signoff:",
        f"  by: {REVIEWER}",
        '  date: "2026-01-15"',
        '  next_review: "2027-01-15"',
        "  units:",
    ]
    assert all(re.fullmatch(r"    [a-z0-9_/-]+: '?[0-9a-f]{12}'?", line) for line in added[5:])
    assert len(added[5:]) == UNITS
    for unit in (
        "risks/nerve-damage/label",
        "labels/qr_caption",
        "sms/aftercare/body",
        "contraindications/immunosuppression/short",
        "facts/session_minutes/min",
        "facts/session_minutes/max",
        "links/booking",
        "links/contact",
        "links/website",
        "brand/name",
        "brand/sms_sender",
    ):
        assert f"\n    {unit}: " in after, unit
    assert "\nreview:" not in after and "  last_reviewed:" not in after  # nothing typed: the record is the review
    # a second sign-off of the same text on the same day changes nothing
    again = signoff(content_copy, "en", "--date", "2026-01-15")
    assert f"{UNITS} units (0 changed since the last sign-off)" in again.stdout
    assert page.read_text("utf-8") == after


def test_validate_is_quiet_after_a_signoff_then_warns_at_a_changed_unit(content_copy):
    signoff(content_copy)
    result = run_cli("validate", "--content", str(content_copy))
    assert result.returncode == 0
    assert not lines_with(result, "since the sign-off") and not lines_with(result, "locale 'en' is a draft")
    assert lines_with(result, f"info: signoff: signed off by {REVIEWER} on {today()}: all {UNITS} units as approved")

    edit(content_copy / "en" / "risks.yaml", "label: Nerve damage", "label: Nerve injury")
    result = run_cli("validate", "--content", str(content_copy))
    assert result.returncode == 0
    risks, page = content_copy / "en" / "risks.yaml", content_copy / "en" / "page.yaml"
    signoff_line = page.read_text("utf-8").splitlines().index("signoff:") + 1
    assert lines_with(result, "since the sign-off") == [
        f"{page}:{signoff_line}:1: warning: signoff: locale 'en' is a draft again: 1 unit(s) changed, added or removed "
        f"since the sign-off by {REVIEWER} on {today()} (hint: have a clinician review it, then record the sign-off: "
        f'dncontent signoff --locale en --by "NAME, CREDENTIALS")',
        f"{risks}:11:12: warning: risks[3].label: changed since the sign-off by {REVIEWER} on {today()} "
        f"(risks/nerve-damage/label) (hint: have a clinician review it, then record the sign-off: dncontent signoff "
        f'--locale en --by "NAME, CREDENTIALS")',
    ]
    strict = run_cli("validate", "--strict", "--content", str(content_copy))
    assert strict.returncode == 1
    assert lines_with(strict, f"{risks}:11:12: risks[3].label: changed since the sign-off")

    signoff(content_copy)  # the clinician reviewed the change
    assert not lines_with(run_cli("validate", "--strict", "--content", str(content_copy)), "since the sign-off")


# What patients see besides the text, each changed after the sign-off: (file, old, new, where, unit, shared by every
# locale: brand.yaml, or the facts in en/session.yaml)
CHANGES = {
    "text": (
        "es/risks.yaml",
        "label: Moretones",
        "label: Hematomas",
        "es/risks.yaml:8:12",
        "risks/bruising/label",
        False,
    ),
    "minutes": ("en/session.yaml", "min: 15", "min: 20", "en/session.yaml:7:10", "facts/session_minutes/min", True),
    "link": (
        "brand.yaml",
        "https://www.example.com/book-online",
        "https://www.example.com/book",
        "brand.yaml:13:10",
        "links/booking",
        True,
    ),
    "phone": ("brand.yaml", "phone: +1 212 555 0123", "phone: +1 212 555 0199", "brand.yaml:6:8", "brand/phone", True),
    "sender": ("brand.yaml", "sender: Jubilant PT", "sender: Jubilant", "brand.yaml:23:11", "brand/sms_sender", True),
    "clinic": (
        "brand.yaml",
        "name: Jubilant Therapy Services",
        "name: Jubilant Therapy",
        "brand.yaml:3:7",
        "brand/name",
        True,
    ),
    "short form": (
        "es/contraindications.yaml",
        "short: un ",
        "short: ",
        "es/contraindications.yaml:12:12",
        "contraindications/bleeding-disorder/short",
        False,
    ),
    "label": (
        "es/labels.yaml",
        "qr_caption: Escanee para reservar",
        "qr_caption: Escanee y reserve",
        "es/labels.yaml:22:13",
        "labels/qr_caption",
        False,
    ),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_change_to_anything_patients_see_after_the_signoff_is_reported_at_its_line(content_copy, change):
    name, old, new, where, unit, shared = CHANGES[change]
    brand = content_copy / "brand.yaml"
    edit(brand, "links:\n", "phone: +1 212 555 0123\nlinks:\n")  # so that a phone number is signed off too
    signoff(content_copy, "es")
    out = content_copy.parent / "out"
    assert (
        run_cli(
            "build", "--format", "json", "--locale", "es", "--content", str(content_copy), "--out", str(out)
        ).returncode
        == 0
    )
    assert json.loads((out / "json" / "dry-needling.es.json").read_text("utf-8"))["review"]["status"] == "approved"
    edit(content_copy / name, old, new)
    result = run_cli("validate", "--content", str(content_copy))
    assert result.returncode == 0, result.stdout
    since = f"the es sign-off by {REVIEWER}" if shared else f"the sign-off by {REVIEWER}"
    changed = lines_with(result, f"changed since {since} on {today()} ({unit})")
    assert len(changed) == 1 and changed[0].startswith(f"{content_copy / where}: warning: "), result.stdout
    assert len(lines_with(result, "changed since")) == 1
    assert lines_with(result, "warning: signoff: locale 'es' is a draft again: 1 unit(s) changed")
    assert (
        run_cli(
            "build", "--format", "json", "--locale", "es", "--content", str(content_copy), "--out", str(out)
        ).returncode
        == 0
    )
    assert json.loads((out / "json" / "dry-needling.es.json").read_text("utf-8"))["review"] == {
        "status": "draft",
        "last_reviewed": None,
        "next_review": None,
        "reviewed_by": None,
    }


def test_an_older_signoff_record_reports_what_it_never_covered_as_added(content_copy):
    """A record written before the sign-off covered facts, links and names: those are new to it, so the locale is a
    draft until a clinician signs them off."""
    signoff(content_copy, "en")
    page = content_copy / "en" / "page.yaml"
    lines = page.read_text("utf-8").splitlines()
    older = [line for line in lines if not re.match(r"    (facts|links|brand)/|  next_review:", line)]
    page.write_text("\n".join(older) + "\n", "utf-8")
    result = run_cli("validate", "--content", str(content_copy))
    assert result.returncode == 0, result.stdout
    assert len(lines_with(result, " added since the ")) == 7  # minutes, three links, the clinic's name and sender
    assert lines_with(
        result,
        f"{content_copy}/en/session.yaml:7:10: warning: facts.session_minutes.min: added since "
        f"the en sign-off by {REVIEWER} on {today()} (facts/session_minutes/min)",
    )
    assert lines_with(
        result,
        f"{content_copy}/brand.yaml:12:10: warning: links[2].url: added since the en sign-off by "
        f"{REVIEWER} on {today()} (links/booking)",
    )
    assert lines_with(result, "locale 'en' is a draft again: 7 unit(s) changed, added or removed")
    signoff(content_copy, "en")
    assert not lines_with(run_cli("validate", "--content", str(content_copy)), "since the sign-off")


def test_a_next_review_before_the_signoff_is_refused_at_its_line(content_copy):
    signoff(content_copy, "en", "--date", "2026-01-15")
    page = content_copy / "en" / "page.yaml"
    edit(page, 'next_review: "2027-01-15"', 'next_review: "2025-12-01"')
    line = page.read_text("utf-8").splitlines().index('  next_review: "2025-12-01"') + 1
    result = run_cli("validate", "--content", str(content_copy))
    assert result.returncode == 1
    assert lines_with(
        result, f"{page}:{line}:16: signoff.next_review: next review 2025-12-01 is not after the sign-off on 2026-01-15"
    )


def test_units_added_and_removed_since_the_signoff(content_copy):
    signoff(content_copy)
    risks = content_copy / "en" / "risks.yaml"
    edit(risks, "  - id: fatigue\n    label: Fatigue\n", "  - id: dizziness\n    label: Dizziness\n")
    edit(
        content_copy / "es" / "risks.yaml",
        "  - id: fatigue\n    label: Cansancio\n",
        "  - id: dizziness\n    label: Mareo\n",
    )
    result = run_cli("validate", "--content", str(content_copy))
    assert lines_with(
        result,
        f"{risks}:21:12: warning: risks[8].label: added since the sign-off by {REVIEWER} "
        f"on {today()} (risks/dizziness/label)",
    )
    page = content_copy / "en" / "page.yaml"
    line = page.read_text("utf-8").splitlines().index("    risks/fatigue/label: " + _fingerprint("Fatigue")) + 1
    assert lines_with(
        result,
        f"{page}:{line}:5: warning: signoff.units.risks/fatigue/label: risks/fatigue/label was "
        f"removed since the sign-off by {REVIEWER} on {today()}",
    )


def _fingerprint(text: str) -> str:
    from dncontent.governance.fingerprint import fingerprint

    return fingerprint(text)


def test_fingerprints_ignore_how_a_paragraph_is_wrapped():
    from dncontent.governance.fingerprint import fingerprint

    assert fingerprint("Dry needling is\n  a technique.") == fingerprint("Dry needling is a technique.")
    assert fingerprint("Cafe\u0301") == fingerprint("Café")  # decomposed and composed accents are the same text
    assert fingerprint("Dry needling is a technique") != fingerprint("Dry needling is a technique.")
    assert re.fullmatch(r"[0-9a-f]{12}", fingerprint("Bleeding"))


def test_signoff_refuses_invalid_content_and_claims_about_the_future(content_copy):
    page = content_copy / "en" / "page.yaml"
    before = page.read_bytes()
    edit(content_copy / "en" / "risks.yaml", "label: Bleeding", "lable: Bleeding")
    result = run_cli("signoff", "--locale", "en", "--by", REVIEWER, "--content", str(content_copy))
    assert result.returncode == 1
    assert "risks[0].lable: unknown field 'lable'" in result.stderr
    edit(content_copy / "en" / "risks.yaml", "lable: Bleeding", "label: Bleeding")
    future = run_cli(
        "signoff",
        "--locale",
        "en",
        "--by",
        REVIEWER,
        "--date",
        str(today() + datetime.timedelta(days=3)),
        "--content",
        str(content_copy),
    )
    assert future.returncode == 2 and "is in the future" in future.stderr
    unknown = run_cli("signoff", "--locale", "fr", "--by", REVIEWER, "--content", str(content_copy))
    assert unknown.returncode == 2 and "no content for locale 'fr'" in unknown.stderr
    assert page.read_bytes() == before


@pytest.mark.parametrize(
    "name, message",
    [
        (
            "Dana Ruiz\u202e, TD ,TP",
            "--by: text contains the bidirectional control character U+202E RIGHT-TO-LEFT "
            "OVERRIDE; nothing was written (hint: remove it: it is invisible and makes text display in a different order "
            "from how it is stored)",
        ),
        (
            "Dana\u200bRuiz, PT",
            "--by: text contains the invisible format character U+200B ZERO WIDTH SPACE; nothing was written",
        ),
        (
            "Dana Ruiz\a, PT",
            "--by: text contains the control character U+0007; nothing was written (hint: remove it; "
            "use plain spaces and line breaks)",
        ),
        (
            "\u738b\u533b\u751f",
            "--by: the brochure's font cannot draw U+738B CJK UNIFIED IDEOGRAPH-738B '\u738b', "
            "U+533B CJK UNIFIED IDEOGRAPH-533B '\u533b', U+751F CJK UNIFIED IDEOGRAPH-751F '\u751f'; nothing was written",
        ),
    ],
)
def test_signoff_refuses_a_name_the_content_rules_refuse(content_copy, name, message):
    """The name goes into page.yaml twice: were it written, the page would no longer validate, and no later
    sign-off could put that right."""
    page = content_copy / "en" / "page.yaml"
    before = page.read_bytes()
    result = run_cli("signoff", "--locale", "en", "--by", name, "--content", str(content_copy))
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and errors[0].startswith(f"Error: {message}"), result.stderr
    assert page.read_bytes() == before
    assert run_cli("validate", "--content", str(content_copy)).returncode == 0
    signoff(content_copy, "en")  # and a name the rules accept is signed off as before
    assert f"  by: {REVIEWER}\n" in page.read_text("utf-8")


def test_a_typed_approval_is_refused_until_a_signoff_earns_it(content_copy, tmp_path):
    """`status: approved` by hand removes no draft notice: validate and build refuse it at its line, naming the
    command that records a clinician's review; once that review is recorded, the same line is accepted."""
    page = content_copy / "es" / "page.yaml"
    edit(page, "topic: Punción seca\n", "topic: Punción seca\nreview:\n  status: approved\n")
    refusal = (
        f"{page}:13:11: review.status: 'approved' is not a status to type: no sign-off is recorded (hint: "
        "only a recorded sign-off approves a locale; remove this line, and once a clinician has reviewed the "
        'text: dncontent signoff --locale es --by "NAME, CREDENTIALS")'
    )
    checked = run_cli("validate", "--content", str(content_copy))
    assert checked.returncode == 1 and lines_with(checked, f"{page}:13:11:") == [refusal]
    out = tmp_path / "build"
    built = run_cli("build", "--content", str(content_copy), "--out", str(out), "--format", "json")
    assert built.returncode == 1 and refusal in built.stderr.splitlines() and not out.exists()
    signoff(content_copy, "es")
    assert run_cli("validate", "--strict", "--content", str(content_copy)).stdout.count("locale 'es' is a draft") == 0
    assert run_cli("build", "--content", str(content_copy), "--out", str(out), "--format", "json").returncode == 0
    assert json.loads((out / "json" / "dry-needling.es.json").read_text("utf-8"))["review"]["status"] == "approved"


def test_review_status_draft_keeps_a_signed_off_locale_a_draft(content_copy):
    """`review.status: draft` is the one review field an editor may type: it holds a locale back; a sign-off
    leaves it as it is and says so."""
    page = content_copy / "es" / "page.yaml"
    edit(page, "topic: Punción seca\n", "topic: Punción seca\nreview:\n  status: draft\n")
    result = signoff(content_copy, "es")
    assert result.stdout.endswith("; it stays a draft while its page.yaml says review.status: draft\n")
    assert "  status: draft\n" in page.read_text("utf-8")
    checked = run_cli("validate", "--content", str(content_copy))
    assert lines_with(
        checked,
        f"{page}:13:11: warning: review.status: locale 'es' is kept a draft by review.status, "
        f"though signed off by {REVIEWER} on {today()} (hint: remove `status: draft` to publish "
        "it as approved)",
    )
    out = content_copy.parent / "out"
    assert run_cli("build", "--format", "json", "--content", str(content_copy), "--out", str(out)).returncode == 0
    export = json.loads((out / "json" / "dry-needling.es.json").read_text("utf-8"))
    assert export["review"] == {"status": "draft", "last_reviewed": None, "next_review": None, "reviewed_by": None}


def test_stale_translation_is_reported_at_the_spanish_line(content_copy):
    es = make_spanish(content_copy)
    assert (
        (es / "translation.yaml")
        .read_text("utf-8")
        .startswith("# yaml-language-server: $schema=../../schemas/translation.schema.json\n")
    )
    clean = run_cli("validate", "--content", str(content_copy))
    assert clean.returncode == 0 and not lines_with(clean, "stale translation")

    edit(content_copy / "en" / "risks.yaml", "label: Bruising", "label: Bruising and swelling")
    result = run_cli("validate", "--content", str(content_copy))
    assert result.returncode == 0
    assert lines_with(result, "stale translation") == [
        f"{es}/risks.yaml:7:12: warning: risks[1].label: stale translation: the English changed since it was "
        f'translated (risks/bruising/label; English now: "Bruising and swelling"; then: "Bruising") (hint: update the '
        f"translation: dncontent i18n export --locale es --only stale, then dncontent i18n import the translated file)"
    ]
    strict = run_cli("validate", "--strict", "--content", str(content_copy))
    assert strict.returncode == 1 and lines_with(strict, f"{es}/risks.yaml:7:12: risks[1].label: stale translation")


def test_a_long_stale_paragraph_is_quoted_around_the_change(content_copy):
    make_spanish(content_copy)
    edit(content_copy / "es" / "page.yaml", "Dry needling is a technique that", "La punción seca es una técnica que")
    run_cli("i18n", "mark-current", "--locale", "es", "--content", str(content_copy))
    edit(content_copy / "en" / "page.yaml", "stretching, massage, and other", "stretching, massage, heat and other")
    result = run_cli("validate", "--content", str(content_copy))
    (line,) = lines_with(result, "stale translation")
    assert "sections[0].paragraphs[0]: stale translation" in line
    assert (
        'English now: "…include exercise, stretching, massage, heat and other techniques."; '
        'then: "…include exercise, stretching, massage, and other techniques.")'
    ) in line


def test_untranslated_text_is_reported_at_the_translated_line(content_copy):
    es = make_spanish(content_copy)
    result = run_cli("validate", "--content", str(content_copy))
    assert lines_with(
        result,
        f"{es}/risks.yaml:21:12: warning: risks[8].label: not translated: identical to the "
        "English (risks/fatigue/label)",
    )
    assert not lines_with(result, f"{es}/risks.yaml:19:12")  # Dolor muscular
    strict = run_cli("validate", "--strict", "--content", str(content_copy))
    assert lines_with(strict, f"{es}/risks.yaml:21:12: risks[8].label: not translated")
    # English text is never recorded as a translation by mark-current
    assert "risks/fatigue/label" not in (es / "translation.yaml").read_text("utf-8")


@pytest.mark.parametrize(
    "text, neutral",
    [
        ("Jubilant Therapy Services", True),
        ("{clinic}: {url:contact}", True),
        ("15–30", True),
        ("HIV", True),
        ("https://www.example.com/book", True),
        ("MRI / HIV", True),
        ("Fatigue", False),
        ("Call Jubilant Therapy Services", False),
        ("{min}–{max} minutes", False),
        ("A", False),
    ],
)
def test_language_neutral_text_may_match_the_english(text, neutral):
    from dncontent.governance.checks import language_neutral

    assert language_neutral(text, ["Jubilant Therapy Services", "Jubilant"]) is neutral


def test_without_a_translation_memory_staleness_is_not_tracked(content_copy):
    make_spanish(content_copy, record=False)
    edit(content_copy / "en" / "risks.yaml", "label: Bruising", "label: Bruises")
    result = run_cli("validate", "--content", str(content_copy))
    assert not lines_with(result, "stale translation:")
    assert lines_with(
        result,
        "info: title: no translation memory (content/es/translation.yaml): stale translations "
        "are not tracked (hint: record what each unit was translated from: dncontent i18n "
        "mark-current --locale es)",
    )


def test_mark_current_keeps_stale_units_stale_unless_asked(content_copy):
    make_spanish(content_copy)
    edit(content_copy / "en" / "risks.yaml", "label: Bruising", "label: Bruises")
    kept = run_cli("i18n", "mark-current", "--locale", "es", "--content", str(content_copy))
    assert kept.returncode == 0 and "1 still stale" in kept.stdout
    assert lines_with(run_cli("validate", "--content", str(content_copy)), "stale translation")
    taken = run_cli("i18n", "mark-current", "--locale", "es", "--include-stale", "--content", str(content_copy))
    assert "0 still stale" in taken.stdout
    assert not lines_with(run_cli("validate", "--content", str(content_copy)), "stale translation")
    source = run_cli("i18n", "mark-current", "--locale", "en", "--content", str(content_copy))
    assert source.returncode == 2 and "en is the source language" in source.stderr


def set_publishable(content: Path) -> None:
    """Real URLs, the English aftercare message reworded past the reading target (kept, as translated, in the
    translation memory) and both locales signed off: what remains under --strict is that wording's score."""
    from tests.test_lints import HARD

    brand = content / "brand.yaml"
    brand.write_text(
        brand.read_text("utf-8").replace("www.example.com", "jubilantpt.com"), "utf-8"
    )  # see set_real_urls
    sms = content / "en" / "sms.yaml"
    text = sms.read_text("utf-8")
    start = text.index("      After dry needling, some soreness")
    end = text.index("{url:contact}\n", start) + len("{url:contact}\n")
    sms.write_text(text[:start] + f"      {HARD} {{url:contact}}\n" + text[end:], "utf-8")
    for command in (
        ["i18n", "mark-current", "--locale", "es", "--include-stale"],
        ["signoff", "--locale", "en", "--by", REVIEWER],
        ["signoff", "--locale", "es", "--by", REVIEWER],
    ):
        result = run_cli(*command, "--content", str(content))
        assert result.returncode == 0, result.stderr


def add_waivers(content: Path, waivers: list[dict], locale: str = "en") -> Path:
    page = content / locale / "page.yaml"
    block = "waivers:\n" + "".join(
        f"  - check: {w['check']}\n    unit: {w['unit']}\n    reason: {w.get('reason', 'Approved clinical wording.')}\n"
        f'    accepted_by: {REVIEWER}\n    until: "{w.get("until", today() + datetime.timedelta(days=90))}"\n'
        for w in waivers
    )
    edit(page, "sections:\n", block + "sections:\n")
    return page


def test_waivers_let_strict_pass_where_only_accepted_warnings_remain(content_copy):
    set_publishable(content_copy)
    before = run_cli("validate", "--strict", "--quiet", "--content", str(content_copy))
    assert before.returncode == 1
    assert [line.split(": ")[1] for line in before.stdout.splitlines()] == ["messages[2].body", "note", "note"]
    page = add_waivers(content_copy, [{"check": "reading-grade", "unit": "sms/aftercare"}])
    result = run_cli("validate", "--strict", "--quiet", "--content", str(content_copy))
    assert result.returncode == 0, result.stdout
    assert result.stderr == "Content is valid, 2 notes\n"  # messages near their budgets: notes need no waiver
    shown = run_cli("validate", "--strict", "--content", str(content_copy))
    waiver = page.read_text("utf-8").splitlines().index("    unit: sms/aftercare")
    (line,) = lines_with(shown, "reading grade")
    assert line.startswith(
        f"{content_copy}/en/sms.yaml:28:11: info: messages[2].body: message 'aftercare': reading grade"
    )
    assert line.endswith(
        f"is above the target of 8 (waived until {today() + datetime.timedelta(days=90)} by "
        f"{page}:{waiver}, accepted by {REVIEWER}: Approved clinical wording.)"
    )


def test_an_expired_waiver_warns_and_no_longer_waives(content_copy):
    set_publishable(content_copy)
    page = add_waivers(
        content_copy, [{"check": "reading-grade", "unit": "aftercare", "until": today() - datetime.timedelta(days=1)}]
    )
    result = run_cli("validate", "--content", str(content_copy))
    assert result.returncode == 0
    line = page.read_text("utf-8").splitlines().index(f'    until: "{today() - datetime.timedelta(days=1)}"') + 1
    assert lines_with(
        result,
        f"{page}:{line}:12: warning: waivers[0].until: waiver for reading-grade on 'aftercare' "
        f"expired on {today() - datetime.timedelta(days=1)}",
    )
    assert lines_with(result, "warning: messages[2].body: message 'aftercare': reading grade")


@pytest.mark.parametrize(
    "check, message",
    [
        ("stale", "waiver: 'stale' must be fixed, not waived (hint: waivable checks: reading-grade)"),
        ("placeholder-url", "waiver: 'placeholder-url' must be fixed, not waived"),
        ("changed-since-signoff", "waiver: 'changed-since-signoff' must be fixed, not waived"),
        ("untranslated", "waiver: 'untranslated' must be fixed, not waived"),
        ("draft", "waiver: 'draft' must be fixed, not waived"),
        ("sms-budget", "waiver: 'sms-budget' is never a warning: a note blocks nothing, an error must be fixed"),
        (
            "reading-grde",
            "waiver: 'reading-grde' is not a check that can be waived (hint: did you mean 'reading-grade'?)",
        ),
    ],
)
def test_what_cannot_be_waived_is_refused_at_the_waiver(content_copy, check, message):
    page = add_waivers(content_copy, [{"check": check, "unit": "risks/bruising/label"}])
    result = run_cli("validate", "--content", str(content_copy))
    assert result.returncode == 1
    assert lines_with(result, f"{page}:17:12: waivers[0].check: {message}")


def test_report_lists_the_signoff_and_stale_units(content_copy):
    signoff(content_copy)
    make_spanish(content_copy)
    edit(content_copy / "en" / "risks.yaml", "label: Bruising", "label: Bruises")
    records = {
        r["locale"]: r
        for r in json.loads(
            run_cli("report", "--format", "json", "--no-brochures", "--content", str(content_copy)).stdout
        )
    }
    assert records["en"]["signed_off_by"] == REVIEWER and records["en"]["signed_off_on"] == str(today())
    assert records["en"]["changed_since_signoff"] == [
        {"unit": "risks/bruising/label", "where": f"{content_copy}/en/risks.yaml:7:12"}
    ]
    assert records["es"]["stale"] == [
        {
            "unit": "risks/bruising/label",
            "where": f"{content_copy}/es/risks.yaml:7:12",
            "detail": 'now: "Bruises"; then: "Bruising"',
        }
    ]
    assert {"unit": "risks/fatigue/label", "where": f"{content_copy}/es/risks.yaml:21:12"} in records["es"][
        "untranslated"
    ]
    text = run_cli("report", "--no-brochures", "--content", str(content_copy)).stdout
    assert f"  Sign-off: by {REVIEWER} on {today()}, 1 units changed since\n" in text
    assert re.search(
        r"Translation: 1 stale, \d+ untranslated\n    risks/bruising/label +\S+es/risks.yaml:7:12  now: "
        r'"Bruises"; then: "Bruising"',
        text,
    )


@pytest.mark.parametrize(
    "command, guide",
    [
        (["signoff"], "review-and-release.md"),
        (["i18n", "export"], "translating.md"),
        (["i18n", "import"], "translating.md"),
        (["i18n", "mark-current"], "translating.md"),
        (["i18n", "sync"], "translating.md"),
    ],
)
def test_governance_commands_are_documented(command, guide):
    from click.testing import CliRunner

    from dncontent.cli import main

    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0 and len(result.output) > 200
    text = "\n".join(
        re.findall(r"^```text\n(.*?)^```$", (ROOT / "docs" / guide).read_text("utf-8"), re.DOTALL | re.MULTILINE)
    )  # the synopses, not the examples
    usage = re.search(rf"^dncontent {' '.join(command)} (.*(?:\n {{8,}}.*)*)", text, re.M)
    assert usage, f"docs/{guide} has no usage line for dncontent {' '.join(command)}"
    group = main
    for name in command:
        group = group.commands[name]
    options = [opt for param in group.params for opt in param.opts if opt.startswith("--")]
    assert [opt for opt in options if opt not in usage.group(1) and opt != "--help"] == []
