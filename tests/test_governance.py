"""Sign-off, stale and untranslated text, waivers: what `dncontent validate` remembers about approved content."""
from __future__ import annotations

import datetime
import difflib
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
SPANISH_RISKS = {"Bleeding": "Sangrado", "Bruising": "Moretones", "Infection": "Infección",
                 "Nerve damage": "Daño a los nervios", "Pneumothorax (collapsed lung)": "Neumotórax (pulmón colapsado)",
                 "Allergic reaction": "Reacción alérgica", "Fainting": "Desmayo", "Soreness": "Dolor muscular"}


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


def test_signoff_writes_only_the_review_and_the_fingerprints(content_copy):
    page = content_copy / "en" / "page.yaml"
    before = page.read_text("utf-8")
    result = signoff(content_copy, "en", "--date", "2026-01-15")
    assert result.stdout == (f"Signed off en by {REVIEWER}: 92 units (first sign-off); next review 2027-01-15 "
                             f"({content_copy}/en/page.yaml)\n")
    after = page.read_text("utf-8")
    removed = [l for l in difflib.ndiff(before.splitlines(), after.splitlines()) if l.startswith("- ")]
    added = [l[2:] for l in difflib.ndiff(before.splitlines(), after.splitlines()) if l.startswith("+ ")]
    assert removed == ['-   last_reviewed: "2026-11-20"', '-   next_review: "2027-11-20"']
    assert added[:3] == ['  last_reviewed: "2026-01-15"', '  next_review: "2027-01-15"', f"  reviewed_by: {REVIEWER}"]
    assert added[3:7] == ["signoff:", f"  by: {REVIEWER}", '  date: "2026-01-15"', "  units:"]
    assert all(re.fullmatch(r"    [a-z0-9_/-]+: '?[0-9a-f]{12}'?", line) for line in added[7:])
    assert "    risks/nerve-damage/label: " in after and "    labels/qr_caption: " in after
    assert after.startswith(before.split("review:")[0])  # modeline and comments kept
    assert "  # reviewed_by: name of the clinician who signed off\n" in after
    # a second sign-off of the same text on the same day changes nothing
    again = signoff(content_copy, "en", "--date", "2026-01-15")
    assert "92 units (0 changed since the last sign-off)" in again.stdout
    assert page.read_text("utf-8") == after


def test_validate_is_quiet_after_a_signoff_then_warns_at_a_changed_unit(content_copy):
    signoff(content_copy)
    result = run_cli("validate", "--content", str(content_copy))
    assert result.returncode == 0
    assert not lines_with(result, "since the sign-off")
    assert lines_with(result, f"info: signoff: signed off by {REVIEWER} on {today()}: all 92 units as approved")

    edit(content_copy / "en" / "risks.yaml", "label: Nerve damage", "label: Nerve injury")
    result = run_cli("validate", "--content", str(content_copy))
    assert result.returncode == 0
    risks = content_copy / "en" / "risks.yaml"
    assert lines_with(result, "since the sign-off") == [
        f"{risks}:11:12: warning: risks[3].label: changed since the sign-off by {REVIEWER} on {today()} "
        f"(risks/nerve-damage/label) (hint: have a clinician review it, then record the sign-off: dncontent signoff "
        f'--locale en --by "NAME, CREDENTIALS")']
    strict = run_cli("validate", "--strict", "--content", str(content_copy))
    assert strict.returncode == 1
    assert lines_with(strict, f"{risks}:11:12: risks[3].label: changed since the sign-off")

    signoff(content_copy)  # the clinician reviewed the change
    assert not lines_with(run_cli("validate", "--strict", "--content", str(content_copy)), "since the sign-off")


def test_units_added_and_removed_since_the_signoff(content_copy):
    signoff(content_copy)
    risks = content_copy / "en" / "risks.yaml"
    edit(risks, "  - id: fatigue\n    label: Fatigue\n", "  - id: dizziness\n    label: Dizziness\n")
    edit(content_copy / "es" / "risks.yaml", "  - id: fatigue\n    label: Cansancio\n", "  - id: dizziness\n    label: Mareo\n")
    result = run_cli("validate", "--content", str(content_copy))
    assert lines_with(result, f"{risks}:21:12: warning: risks[8].label: added since the sign-off by {REVIEWER} "
                              f"on {today()} (risks/dizziness/label)")
    page = content_copy / "en" / "page.yaml"
    line = page.read_text("utf-8").splitlines().index("    risks/fatigue/label: " + _fingerprint("Fatigue")) + 1
    assert lines_with(result, f"{page}:{line}:5: warning: signoff.units.risks/fatigue/label: risks/fatigue/label was "
                              f"removed since the sign-off by {REVIEWER} on {today()}")


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
    future = run_cli("signoff", "--locale", "en", "--by", REVIEWER, "--date", str(today() + datetime.timedelta(days=3)),
                     "--content", str(content_copy))
    assert future.returncode == 2 and "is in the future" in future.stderr
    unknown = run_cli("signoff", "--locale", "fr", "--by", REVIEWER, "--content", str(content_copy))
    assert unknown.returncode == 2 and "no content for locale 'fr'" in unknown.stderr
    assert page.read_bytes() == before


def test_signoff_marks_a_draft_approved_and_keeps_the_layout(tmp_path):
    """Where a page records review.status, signing off (a clinician's review) is what makes it approved."""
    from dncontent.governance.signoff import record
    from dncontent.governance.yamledit import Document

    page = tmp_path / "page.yaml"
    text = (ROOT / "content" / "en" / "page.yaml").read_text("utf-8")
    page.write_text(text.replace("  status: approved\n", "  status: draft\n"), "utf-8")
    doc = Document(page)
    record(doc.data, {"page/title": "0123456789ab"}, REVIEWER, datetime.date(2026, 2, 1), datetime.date(2027, 2, 1))
    out = doc.text()
    assert "  status: approved\n" in out and "status: draft" not in out
    assert out.splitlines()[0] == text.splitlines()[0]
    assert "    page/title: 0123456789ab\n" in out


def test_stale_translation_is_reported_at_the_spanish_line(content_copy):
    es = make_spanish(content_copy)
    assert (es / "translation.yaml").read_text("utf-8").startswith(
        "# yaml-language-server: $schema=../../schemas/translation.schema.json\n")
    clean = run_cli("validate", "--content", str(content_copy))
    assert clean.returncode == 0 and not lines_with(clean, "stale translation")

    edit(content_copy / "en" / "risks.yaml", "label: Bruising", "label: Bruising and swelling")
    result = run_cli("validate", "--content", str(content_copy))
    assert result.returncode == 0
    assert lines_with(result, "stale translation") == [
        f"{es}/risks.yaml:7:12: warning: risks[1].label: stale translation: the English changed since it was "
        f'translated (risks/bruising/label; English now: "Bruising and swelling"; then: "Bruising") (hint: update the '
        f"translation: dncontent i18n export --locale es --only stale, then dncontent i18n import the translated file)"]
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
    assert ('English now: "…include exercise, stretching, massage, heat and other techniques."; '
            'then: "…include exercise, stretching, massage, and other techniques.")') in line


def test_untranslated_text_is_reported_at_the_translated_line(content_copy):
    es = make_spanish(content_copy)
    result = run_cli("validate", "--content", str(content_copy))
    assert lines_with(result, f"{es}/risks.yaml:21:12: warning: risks[8].label: not translated: identical to the "
                              "English (risks/fatigue/label)")
    assert not lines_with(result, f"{es}/risks.yaml:19:12")  # Dolor muscular
    strict = run_cli("validate", "--strict", "--content", str(content_copy))
    assert lines_with(strict, f"{es}/risks.yaml:21:12: risks[8].label: not translated")
    # English text is never recorded as a translation by mark-current
    assert "risks/fatigue/label" not in (es / "translation.yaml").read_text("utf-8")


@pytest.mark.parametrize("text, neutral", [
    ("Jubilant Therapy Services", True), ("{clinic}: {url:contact}", True), ("15–30", True), ("HIV", True),
    ("https://www.example.com/book", True), ("MRI / HIV", True), ("Fatigue", False), ("Call Jubilant Therapy Services", False),
    ("{min}–{max} minutes", False), ("A", False),
])
def test_language_neutral_text_may_match_the_english(text, neutral):
    from dncontent.governance.checks import language_neutral

    assert language_neutral(text, ["Jubilant Therapy Services", "Jubilant"]) is neutral


def test_without_a_translation_memory_staleness_is_not_tracked(content_copy):
    make_spanish(content_copy, record=False)
    edit(content_copy / "en" / "risks.yaml", "label: Bruising", "label: Bruises")
    result = run_cli("validate", "--content", str(content_copy))
    assert not lines_with(result, "stale translation:")
    assert lines_with(result, "info: title: no translation memory (content/es/translation.yaml): stale translations "
                              "are not tracked (hint: record what each unit was translated from: dncontent i18n "
                              "mark-current --locale es)")


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
    brand.write_text(brand.read_text("utf-8").replace("www.example.com", "www.jubilanttherapy.com"), "utf-8")
    sms = content / "en" / "sms.yaml"
    text = sms.read_text("utf-8")
    start = text.index("      After dry needling, some soreness")
    sms.write_text(text[:start] + f"      {HARD} {{url:contact}}\n", "utf-8")
    for command in (["i18n", "mark-current", "--locale", "es", "--include-stale"],
                    ["signoff", "--locale", "en", "--by", REVIEWER], ["signoff", "--locale", "es", "--by", REVIEWER]):
        result = run_cli(*command, "--content", str(content))
        assert result.returncode == 0, result.stderr


def add_waivers(content: Path, waivers: list[dict], locale: str = "en") -> Path:
    page = content / locale / "page.yaml"
    block = "waivers:\n" + "".join(
        f"  - check: {w['check']}\n    unit: {w['unit']}\n    reason: {w.get('reason', 'Approved clinical wording.')}\n"
        f"    accepted_by: {REVIEWER}\n    until: \"{w.get('until', today() + datetime.timedelta(days=90))}\"\n"
        for w in waivers)
    edit(page, "sections:\n", block + "sections:\n")
    return page


def test_waivers_let_strict_pass_where_only_accepted_warnings_remain(content_copy):
    set_publishable(content_copy)
    before = run_cli("validate", "--strict", "--quiet", "--content", str(content_copy))
    assert before.returncode == 1
    assert [line.split(": ")[1] for line in before.stdout.splitlines()] == ["note", "messages[2].body", "note"]
    page = add_waivers(content_copy, [{"check": "reading-grade", "unit": "sms/aftercare"}])
    result = run_cli("validate", "--strict", "--quiet", "--content", str(content_copy))
    assert result.returncode == 0, result.stdout
    assert result.stderr == "Content is valid, 2 notes\n"  # messages near their budgets: notes need no waiver
    shown = run_cli("validate", "--strict", "--content", str(content_copy))
    waiver = page.read_text("utf-8").splitlines().index("    unit: sms/aftercare")
    (line,) = lines_with(shown, "reading grade")
    assert line.startswith(f"{content_copy}/en/sms.yaml:25:11: info: messages[2].body: message 'aftercare': reading grade")
    assert line.endswith(f"is above the target of 8 (waived until {today() + datetime.timedelta(days=90)} by "
                         f"{page}:{waiver}, accepted by {REVIEWER}: Approved clinical wording.)")


def test_an_expired_waiver_warns_and_no_longer_waives(content_copy):
    set_publishable(content_copy)
    page = add_waivers(content_copy, [{"check": "reading-grade", "unit": "aftercare",
                                       "until": today() - datetime.timedelta(days=1)}])
    result = run_cli("validate", "--content", str(content_copy))
    assert result.returncode == 0
    assert lines_with(result, f"{page}:22:12: warning: waivers[0].until: waiver for reading-grade on 'aftercare' "
                              f"expired on {today() - datetime.timedelta(days=1)}")
    assert lines_with(result, "warning: messages[2].body: message 'aftercare': reading grade")


@pytest.mark.parametrize("check, message", [
    ("stale", "waiver: 'stale' must be fixed, not waived (hint: waivable checks: reading-grade)"),
    ("placeholder-url", "waiver: 'placeholder-url' must be fixed, not waived"),
    ("changed-since-signoff", "waiver: 'changed-since-signoff' must be fixed, not waived"),
    ("untranslated", "waiver: 'untranslated' must be fixed, not waived"),
    ("draft", "waiver: 'draft' must be fixed, not waived"),
    ("sms-budget", "waiver: 'sms-budget' is never a warning: a note blocks nothing, an error must be fixed"),
    ("reading-grde", "waiver: 'reading-grde' is not a check that can be waived (hint: did you mean 'reading-grade'?)"),
])
def test_what_cannot_be_waived_is_refused_at_the_waiver(content_copy, check, message):
    page = add_waivers(content_copy, [{"check": check, "unit": "risks/bruising/label"}])
    result = run_cli("validate", "--content", str(content_copy))
    assert result.returncode == 1
    assert lines_with(result, f"{page}:17:12: waivers[0].check: {message}")


def test_report_lists_the_signoff_and_stale_units(content_copy):
    signoff(content_copy)
    make_spanish(content_copy)
    edit(content_copy / "en" / "risks.yaml", "label: Bruising", "label: Bruises")
    records = {r["locale"]: r for r in json.loads(run_cli("report", "--format", "json", "--no-brochures",
                                                          "--content", str(content_copy)).stdout)}
    assert records["en"]["signed_off_by"] == REVIEWER and records["en"]["signed_off_on"] == str(today())
    assert records["en"]["changed_since_signoff"] == [{"unit": "risks/bruising/label",
                                                       "where": f"{content_copy}/en/risks.yaml:7:12"}]
    assert records["es"]["stale"] == [{"unit": "risks/bruising/label", "where": f"{content_copy}/es/risks.yaml:7:12",
                                       "detail": 'now: "Bruises"; then: "Bruising"'}]
    assert {"unit": "risks/fatigue/label", "where": f"{content_copy}/es/risks.yaml:21:12"} in records["es"]["untranslated"]
    text = run_cli("report", "--no-brochures", "--content", str(content_copy)).stdout
    assert f"  Sign-off: by {REVIEWER} on {today()}, 1 units changed since\n" in text
    assert re.search(r"Translation: 1 stale, \d+ untranslated\n    risks/bruising/label +\S+es/risks.yaml:7:12  now: "
                     r'"Bruises"; then: "Bruising"', text)


@pytest.mark.parametrize("command", [["signoff"], ["i18n", "export"], ["i18n", "import"], ["i18n", "mark-current"]])
def test_governance_commands_are_documented(command):
    from click.testing import CliRunner

    from dncontent.cli import main

    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0 and len(result.output) > 200
    readme = (ROOT / "README.md").read_text("utf-8")
    usage = re.search(rf"^dncontent {' '.join(command)} (.*(?:\n {{8,}}.*)*)", readme, re.M)
    assert usage, f"README has no usage line for dncontent {' '.join(command)}"
    group = main
    for name in command:
        group = group.commands[name]
    options = [opt for param in group.params for opt in param.opts if opt.startswith("--")]
    assert [opt for opt in options if opt not in usage.group(1) and opt != "--help"] == []
