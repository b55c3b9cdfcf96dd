"""Translator files: gettext PO export that gettext's own tools accept, and an import that checks before it writes."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
from pathlib import Path

import polib
import pytest

from tests.conftest import require, run_cli
from tests.test_governance import make_spanish
from tests.test_validate import edit


def hashes(content: Path) -> dict[str, str]:
    return {
        str(p.relative_to(content)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(content.rglob("*"))
        if p.is_file()
    }


def export(content: Path, target: Path, *extra: str) -> polib.POFile:
    result = run_cli("i18n", "export", "--locale", "es", "--content", str(content), "-o", str(target), *extra)
    assert result.returncode == 0, result.stderr
    return polib.pofile(str(target))


def import_po(content: Path, po: Path, *extra: str):
    return run_cli("i18n", "import", str(po), "--content", str(content), *extra)


def english_units(content: Path) -> list[str]:
    from dncontent.governance.units import docs_by_locale, locale_units
    from dncontent.validate import check_content

    files, _ = check_content(content)
    return [unit.path for unit in locale_units(docs_by_locale(files)["en"])]


def entry(po: polib.POFile, context: str) -> polib.POEntry:
    (found,) = [e for e in po if e.msgctxt == context]
    return found


def test_export_has_every_unit_and_gettext_accepts_it(content_copy, tmp_path):
    make_spanish(content_copy)
    target = tmp_path / "es.po"
    po = export(content_copy, target)
    msgfmt = require("msgfmt", "gettext")
    check = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", "/dev/null", str(target)], capture_output=True, text=True
    )
    assert check.returncode == 0 and "warning" not in check.stderr, check.stderr
    assert check.stderr.startswith("10 translated messages, 85 untranslated messages.")
    assert [e.msgctxt for e in po] == english_units(content_copy)
    assert len(po) == 95 and {
        "sms/aftercare/body",
        "labels/qr_caption",
        "cta/book-online/description",
        "session/phases/during/text",
        "contraindications/pregnancy/short",
    } <= {e.msgctxt for e in po}
    nerve = entry(po, "risks/nerve-damage/label")
    assert (nerve.msgid, nerve.msgstr, nerve.fuzzy) == ("Nerve damage", "Daño a los nervios", False)
    assert nerve.comment == "Web page, brochure and app: list of risks and side effects"
    assert entry(po, "risks/fatigue/label").msgstr == ""  # still English in es: offered as untranslated
    sms = entry(po, "sms/before-your-visit/body")
    assert "Keep the placeholders exactly as written: {page} (the address of this page)" in " ".join(
        sms.comment.split()
    )
    sms = entry(po, "sms/aftercare/body")
    assert (
        "Keep the placeholders exactly as written: {url:contact} (the address of the call to action 'contact')"
        in " ".join(sms.comment.split())
    )
    stop = entry(po, "sms/keywords/stop/reply")
    assert " ".join(stop.comment.split()).startswith(
        "Text message: the reply to the keyword STOP (stop). The sender is added before it"
    )
    assert po.metadata["Language"] == "es" and po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert po.metadata["PO-Revision-Date"] == "2026-11-20 00:00+0000"  # from the content, not the clock
    msgcat = require("msgcat", "gettext")
    assert subprocess.run([msgcat, str(target), "-o", str(tmp_path / "cat.po")], capture_output=True).returncode == 0
    # the same content gives the same file
    assert export(content_copy, tmp_path / "again.po") and (tmp_path / "again.po").read_bytes() == target.read_bytes()


def test_only_stale_or_untranslated(content_copy, tmp_path):
    make_spanish(content_copy)
    edit(content_copy / "en" / "risks.yaml", "label: Bruising", "label: Bruising and swelling")
    assert [e.msgctxt for e in export(content_copy, tmp_path / "stale.po", "--only", "stale")] == [
        "risks/bruising/label"
    ]
    untranslated = export(content_copy, tmp_path / "untranslated.po", "--only", "untranslated")
    assert len(untranslated) == 85 and all(e.msgstr == "" for e in untranslated)


def test_after_an_english_change_the_entry_is_fuzzy_with_the_previous_msgid(content_copy, tmp_path):
    make_spanish(content_copy)
    edit(content_copy / "en" / "risks.yaml", "label: Bruising", "label: Bruising and swelling")
    target = tmp_path / "es.po"
    bruising = entry(export(content_copy, target), "risks/bruising/label")
    assert bruising.fuzzy and bruising.previous_msgid == "Bruising"
    assert (bruising.msgid, bruising.msgstr) == ("Bruising and swelling", "Moretones")
    assert (
        '#, fuzzy\n#| msgid "Bruising"\nmsgctxt "risks/bruising/label"\nmsgid "Bruising and swelling"\n'
        'msgstr "Moretones"\n' in target.read_text("utf-8")
    )
    assert subprocess.run([require("msgfmt", "gettext"), "--check", "-o", "/dev/null", str(target)]).returncode == 0


def test_importing_a_corrected_entry_updates_the_spanish_and_clears_the_stale_warning(content_copy, tmp_path):
    es = make_spanish(content_copy)
    edit(content_copy / "en" / "risks.yaml", "label: Bruising", "label: Bruising and swelling")
    assert "stale translation:" in run_cli("validate", "--content", str(content_copy)).stdout
    target = tmp_path / "es.po"
    po = export(content_copy, target)
    bruising = entry(po, "risks/bruising/label")
    bruising.msgstr, bruising.previous_msgid = "Moretones e hinchazón", None
    bruising.flags.remove("fuzzy")
    po.save(str(target))
    before = (es / "risks.yaml").read_text("utf-8")
    result = import_po(content_copy, target)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "es: 1 unit updated, 9 unchanged, 85 left untranslated, 0 fuzzy taken; translation memory recorded\n"
    )
    after = (es / "risks.yaml").read_text("utf-8")
    assert after == before.replace("label: Moretones\n", "label: Moretones e hinchazón\n")  # comments, order intact
    assert "stale translation:" not in run_cli("validate", "--content", str(content_copy)).stdout
    assert "  risks/bruising/label: Bruising and swelling\n" in (es / "translation.yaml").read_text("utf-8")


def test_importing_an_unchanged_export_records_the_memory_then_changes_nothing(content_copy, tmp_path):
    es = make_spanish(content_copy, record=False)
    target = tmp_path / "es.po"
    export(content_copy, target)
    before = hashes(content_copy)
    first = import_po(content_copy, target)
    assert first.returncode == 0, first.stderr
    assert (
        first.stdout
        == "es: 0 units updated, 10 unchanged, 85 left untranslated, 0 fuzzy taken; translation memory recorded\n"
    )
    recorded = hashes(content_copy)
    assert set(recorded) - set(before) == {"es/translation.yaml"}
    assert {k: v for k, v in recorded.items() if k != "es/translation.yaml"} == before  # content byte-identical
    assert (es / "translation.yaml").read_text("utf-8").count("\n  ") == 10  # the title, the topic and 8 risks
    again = import_po(content_copy, target)
    assert again.returncode == 0 and again.stdout.endswith("translation memory unchanged\n")
    assert hashes(content_copy) == recorded
    # a translation tool that wraps lines its own way changes nothing either
    recat = tmp_path / "recat.po"
    subprocess.run([require("msgcat", "gettext"), "--width=60", str(target), "-o", str(recat)], check=True)
    assert recat.read_text("utf-8") != target.read_text("utf-8")
    assert import_po(content_copy, recat).returncode == 0 and hashes(content_copy) == recorded


def test_a_translated_paragraph_stays_a_folded_block(content_copy, tmp_path):
    es = make_spanish(content_copy)
    target = tmp_path / "es.po"
    po = export(content_copy, target)
    spanish = (
        "La punción seca es una técnica que los fisioterapeutas y otros profesionales de la salud capacitados "
        "utilizan para tratar el dolor musculoesquelético y los problemas de movimiento. Casi siempre se usa "
        "como parte de un plan más amplio de manejo del dolor."
    )
    entry(po, "sections/introduction/paragraphs/1").msgstr = spanish
    po.save(str(target))
    assert import_po(content_copy, target).returncode == 0
    page = (es / "page.yaml").read_text("utf-8")
    assert (
        "      - >-\n        La punción seca es una técnica que los fisioterapeutas y otros profesionales de la salud\n"
        "        capacitados utilizan para tratar el dolor musculoesquelético y los problemas de movimiento.\n"
        "        Casi siempre se usa como parte de un plan más amplio de manejo del dolor.\n"
        "  - id: what-it-is\n"
    ) in page
    import dncontent

    assert dncontent.load_content(content_copy).locales["es"].sections[0].paragraphs[0] == spanish


def _set(po_path: Path, context: str, **fields) -> int:
    po = polib.pofile(str(po_path))
    found = entry(po, context)
    for name, value in fields.items():
        if name == "fuzzy":
            found.flags.append("fuzzy")
        else:
            setattr(found, name, value)
    po.save(str(po_path))
    return msgstr_line(po_path, found.msgctxt)


def msgstr_line(po_path: Path, context: str) -> int:
    """The line of the msgstr of the entry for `context`: where msgfmt and the import report its problems."""
    lines = po_path.read_text("utf-8").splitlines()
    start = lines.index(f'msgctxt "{context}"')
    return next(n for n, line in enumerate(lines[start:], start=start + 1) if line.startswith("msgstr"))


@pytest.mark.parametrize(
    "context, fields, message",
    [
        (
            "risks/bleeding/label",
            {"fuzzy": True, "msgstr": "Hemorragia"},
            "risks/bleeding/label: entry is fuzzy: its translation is not confirmed against the English (hint: check it "
            "against the msgid and remove the fuzzy flag, or import with --accept-fuzzy)",
        ),
        (
            "sms/aftercare/body",
            {"msgstr": "Después de la punción seca, beba agua. ¿Dudas? {url:book-online}"},
            "sms/aftercare/body: placeholders do not match the English: expected {url:contact}, found {url:book-online}",
        ),
        (
            "labels/last_reviewed",
            {"msgstr": "Revisado"},
            "labels/last_reviewed: placeholders do not match the English: expected {date}, found none",
        ),
        (
            "labels/qr_caption",
            {"msgstr": "Escanee el código para reservar su cita en línea"},
            "labels/qr_caption: the content rules refuse this translation: is 48 characters; at most 30 allowed",
        ),
        (
            "risks/bleeding/label",
            {"msgstr": "Sangrado\u0007"},
            "risks/bleeding/label: the content rules refuse this translation: text contains the control character U+0007",
        ),
    ],
)
def test_a_refused_import_names_the_po_line_and_writes_nothing(content_copy, tmp_path, context, fields, message):
    make_spanish(content_copy)
    target = tmp_path / "es.po"
    export(content_copy, target)
    good = entry(polib.pofile(str(target)), "risks/infection/label")  # a valid change in the same file
    _set(target, good.msgctxt, msgstr="Infección local")
    line = _set(target, context, **fields)
    before = hashes(content_copy)
    result = import_po(content_copy, target)
    assert result.returncode == 1
    assert f"{target}:{line}:1: {message}" in result.stderr
    assert "nothing was written" in result.stderr and "Traceback" not in result.stderr
    assert hashes(content_copy) == before


def test_accept_fuzzy_takes_a_checked_entry(content_copy, tmp_path):
    es = make_spanish(content_copy)
    edit(content_copy / "en" / "risks.yaml", "label: Bruising", "label: Bruises")
    target = tmp_path / "es.po"
    export(content_copy, target)  # "Moretones" still fits: the translator keeps it
    assert import_po(content_copy, target).returncode == 1
    taken = import_po(content_copy, target, "--accept-fuzzy")
    assert taken.returncode == 0 and "1 fuzzy taken" in taken.stdout
    assert "stale translation:" not in run_cli("validate", "--content", str(content_copy)).stdout
    assert "risks/bruising/label: Bruises\n" in (es / "translation.yaml").read_text("utf-8")


def test_import_needs_a_translated_locale(content_copy, tmp_path):
    make_spanish(content_copy)
    target = tmp_path / "es.po"
    export(content_copy, target)
    result = run_cli("i18n", "import", str(target), "--locale", "en", "--content", str(content_copy))
    assert result.returncode == 2 and "en is the source language" in result.stderr
    broken = tmp_path / "broken.po"
    broken.write_text('msgid "a"\nmsgstr "b"\nmsgid\n', "utf-8")
    result = import_po(content_copy, broken, "--locale", "es")
    assert result.returncode == 1 and f"{broken}:" in result.stderr and "Traceback" not in result.stderr


def spanish_po(content: Path, target: Path, **msgstrs: str) -> Path:
    """An export of es with some translations changed (keys: unit paths with / as __)."""
    po = export(content, target)
    for context, msgstr in msgstrs.items():
        entry(po, context.replace("__", "/")).msgstr = msgstr
    po.save(str(target))
    return target


def test_a_po_file_whose_header_says_latin_1_but_is_utf_8_is_refused_not_garbled(content_copy, tmp_path):
    es = make_spanish(content_copy)
    exported = polib.pofile(
        str(spanish_po(content_copy, tmp_path / "all.po", risks__infection__label="Infección local"))
    )
    small = polib.POFile()
    small.metadata = exported.metadata
    small.append(entry(exported, "risks/infection/label"))
    utf8 = tmp_path / "utf8.po"
    small.save(str(utf8))
    latin1 = tmp_path / "latin1.po"  # gettext's own conversion: ISO-8859-1 bytes and a header that says so
    subprocess.run([require("msgconv", "gettext"), "--to-code=ISO-8859-1", "-o", str(latin1), str(utf8)], check=True)
    assert "charset=ISO-8859-1" in latin1.read_text("latin-1") and "Infección".encode("latin-1") in latin1.read_bytes()
    target = tmp_path / "es.po"  # what a tool that keeps the template's charset but writes UTF-8 leaves
    text = utf8.read_text("utf-8").replace("charset=UTF-8", "charset=ISO-8859-1")
    target.write_text(text, "utf-8")
    line = text.splitlines().index('"Content-Type: text/plain; charset=ISO-8859-1\\n"') + 1
    before = hashes(content_copy)
    result = import_po(content_copy, target)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert (
        f"{target}:{line}:1: the header says charset=ISO-8859-1, but the text is UTF-8: read as ISO-8859-1 it "
        f"would import garbled ('Infección' as 'InfecciÃ³n') (hint: if the file is UTF-8, change this line to "
        f"charset=UTF-8; if it really is ISO-8859-1, convert it with `msgconv --to-code=UTF-8 -o {target} "
        f"{target}`)"
    ) in result.stderr
    assert f"error: cannot read {target}; nothing was written" in result.stderr
    assert hashes(content_copy) == before
    # one that says UTF-8 but is not is refused at the line of the first byte that is not
    target.write_bytes(latin1.read_bytes().replace(b"charset=ISO-8859-1", b"charset=UTF-8"))
    result = import_po(content_copy, target)
    bad = latin1.read_bytes().split(b"\n").index(b'msgstr "Infecci\xf3n local"') + 1
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert f"{target}:{bad}:1: is not UTF-8 text: byte 0xF3 cannot be read as UTF-8" in result.stderr
    assert hashes(content_copy) == before
    # a file really written in ISO-8859-1 reads as it says
    result = import_po(content_copy, latin1)
    assert result.returncode == 0, result.stderr
    assert "label: Infección local\n" in (es / "risks.yaml").read_text("utf-8")


def test_a_po_file_in_another_language_is_refused(content_copy, tmp_path):
    make_spanish(content_copy)
    shutil.copytree(content_copy / "es", content_copy / "es-419")
    target = spanish_po(content_copy, tmp_path / "es.po", risks__infection__label="Infección local")
    text = target.read_text("utf-8")
    line = text.splitlines().index('"Language: es\\n"') + 1
    before = hashes(content_copy)
    for language, locale, hint in [
        ("pt_BR", "es", "content has no locale pt_BR; if the file really is es, correct this line to Language: es"),
        (
            "es-419",
            "es",
            "import it into es-419 with --locale es-419; if the file really is es, correct this line to Language: es",
        ),
        (
            "es",
            "es-419",
            "import it into es with --locale es; if the file really is es-419, correct this line to Language: es-419",
        ),
        (
            "es_ES",
            "es-419",
            "content has no locale es_ES; if the file really is es-419, correct this line to Language: es-419",
        ),
    ]:
        target.write_text(text.replace('"Language: es\\n"', f'"Language: {language}\\n"'), "utf-8")
        result = import_po(content_copy, target, "--locale", locale)
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert (
            f"{target}:{line}:1: the header says Language: {language}, but the import is into {locale} (hint: {hint})"
        ) in result.stderr
        assert f"error: {target} not imported: it is not in {locale}; nothing was written" in result.stderr
        assert hashes(content_copy) == before
    # the same language, however spelled, is taken, and a region's file fits the language's locale
    for language, locale in [("es_419", "es-419"), ("ES.UTF-8", "es"), ("es_ES", "es"), ("es_MX@formal", "es")]:
        target.write_text(text.replace('"Language: es\\n"', f'"Language: {language}\\n"'), "utf-8")
        result = import_po(content_copy, target, "--locale", locale)
        assert result.returncode == 0, f"{language} into {locale}: {result.stderr}"


def snapshot(root: Path) -> dict[str, tuple]:
    """Every entry under `root`, links not followed: its kind, link target or bytes, mode, inode and time."""
    entries = {}
    for where, folders, files in os.walk(root):
        for name in folders + files:
            path = Path(where) / name
            info = os.lstat(path)
            kind = stat.S_IFMT(info.st_mode)
            data = (
                os.readlink(path)
                if stat.S_ISLNK(info.st_mode)
                else path.read_bytes()
                if stat.S_ISREG(info.st_mode)
                else None
            )
            entries[path.relative_to(root).as_posix()] = (kind, info.st_mode, data) + (
                (info.st_ino, info.st_mtime_ns) if not stat.S_ISDIR(info.st_mode) else ()
            )
    return entries


@pytest.mark.parametrize("change", ["a translation the content rules refuse", "a translation they accept"])
def test_an_import_into_a_locale_with_a_linked_file_writes_nothing_anywhere(content_copy, tmp_path, change):
    """es-419 shares es's labels through an absolute link: an import into es-419 that would write labels.yaml
    must not reach es's file, and a refused import must leave every file, links followed, as it was."""
    make_spanish(content_copy)
    shutil.copytree(content_copy / "es", content_copy / "es-419")
    (content_copy / "es-419" / "labels.yaml").unlink()
    (content_copy / "es-419" / "labels.yaml").symlink_to(content_copy / "es" / "labels.yaml")
    assert run_cli("validate", "--content", str(content_copy)).returncode == 0
    po = export(content_copy, tmp_path / "es-419.po", "--locale", "es-419")
    caption = "Escanee el código para reservar su cita en línea" if change.endswith("refuse") else "Reserve aquí"
    entry(po, "labels/qr_caption").msgstr = caption
    entry(po, "risks/infection/label").msgstr = "Infección local"
    po.save(str(tmp_path / "es-419.po"))
    before, followed = snapshot(content_copy), hashes(content_copy)
    result = import_po(content_copy, tmp_path / "es-419.po", "--locale", "es-419")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "nothing was written" in result.stderr
    assert snapshot(content_copy) == before and hashes(content_copy) == followed
    if change.endswith("accept"):
        assert (
            f"{content_copy}/es-419/labels.yaml:1:1: is a symbolic link (to {content_copy}/es/labels.yaml): "
            f"dncontent edits content files in place and never writes through a link (hint: replace the link "
            f"with a copy of the file it points to)"
        ) in result.stderr
        assert f"error: cannot edit {content_copy}/es-419/labels.yaml; nothing was written" in result.stderr


def test_fact_placeholders_travel_through_the_po_file_as_written(content_copy, tmp_path):
    target = tmp_path / "es.po"
    during = entry(export(content_copy, target), "session/phases/during/text")
    assert "between {session_minutes.min} and {session_minutes.max} minutes." in " ".join(during.msgid.split())
    assert "entre {session_minutes.min} y {session_minutes.max} minutos." in during.msgstr
    comment = " ".join(during.comment.split())
    assert (
        "Keep the placeholders exactly as written: {session_minutes.max} (the longest typical session in minutes, "
        "e.g. 30), {session_minutes.min} (the shortest typical session in minutes, e.g. 15)" in comment
    )
    # a translator who types the numbers instead is refused at the entry, and nothing is written
    line = _set(
        target,
        "session/phases/during/text",
        msgstr=during.msgstr.replace("{session_minutes.min} y {session_minutes.max}", "15 y 30"),
    )
    before = hashes(content_copy)
    result = import_po(content_copy, target)
    assert result.returncode == 1
    assert (
        f"{target}:{line}:1: session/phases/during/text: placeholders do not match the English: expected "
        "{session_minutes.max}, {session_minutes.min}, found none"
    ) in result.stderr
    assert hashes(content_copy) == before


def test_a_template_of_the_source_locale_for_a_new_translation(content_copy, tmp_path):
    target = tmp_path / "dncontent.pot"
    result = run_cli("i18n", "export", "--template", "--content", str(content_copy), "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"Wrote 95 entries of the template to {target}\n"
    pot = polib.pofile(str(target))
    assert [e.msgctxt for e in pot] == english_units(content_copy) and all(e.msgstr == "" for e in pot)
    spanish = export(content_copy, tmp_path / "es.po")  # the same entries, comments and flags as a locale's file
    assert [(e.msgctxt, e.msgid, e.comment, e.occurrences, e.flags) for e in pot] == [
        (e.msgctxt, e.msgid, e.comment, e.occurrences, [f for f in e.flags if f != "fuzzy"]) for e in spanish
    ]
    text = target.read_text("utf-8")
    assert '#, fuzzy\nmsgid ""\nmsgstr ""\n"Project-Id-Version: dncontent\\n"\n' in text
    assert pot.metadata["POT-Creation-Date"] == "2026-11-20 00:00+0000"  # from the content, not the clock
    assert (pot.metadata["PO-Revision-Date"], pot.metadata["Last-Translator"], pot.metadata["Language"]) == (
        "YEAR-MO-DA HO:MI+ZONE",
        "FULL NAME <EMAIL@ADDRESS>",
        "",
    )
    check = subprocess.run(
        [require("msgfmt", "gettext"), "--check", "-o", "/dev/null", str(target)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
    # gettext starts a locale from it, and the file it makes imports
    started = tmp_path / "es-new.po"
    subprocess.run(
        [require("msginit", "gettext"), "--no-translator", "-l", "es", "-i", str(target), "-o", str(started)],
        check=True,
        capture_output=True,
    )
    po = polib.pofile(str(started))
    entry(po, "risks/infection/label").msgstr = "Infección local"
    po.save(str(started))
    result = import_po(content_copy, started)
    assert result.returncode == 0, result.stderr
    assert "label: Infección local\n" in (content_copy / "es" / "risks.yaml").read_text("utf-8")
    assert "\nby:" not in (content_copy / "es" / "translation.yaml").read_text("utf-8")  # no translator named


@pytest.mark.parametrize("args, word", [(["--template", "--locale", "es"], "both"), ([], "neither")])
def test_export_takes_a_locale_or_the_template(args, word):
    result = run_cli("i18n", "export", *args)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert (
        f"Error: give either --locale LOCALE (a locale's PO file) or --template (the POT of the source locale), "
        f"not {word}\n"
    ) in result.stderr
    source = run_cli("i18n", "export", "--locale", "en")
    assert (
        source.returncode == 2 and "for a template of its units, use dncontent i18n export --template" in source.stderr
    )


def test_placeholders_are_python_brace_format_so_msgfmt_checks_them(content_copy, tmp_path):
    target = tmp_path / "es.po"
    po = export(content_copy, target)
    from dncontent.governance.units import placeholders

    assert [e.msgctxt for e in po if "python-brace-format" in e.flags] == [
        e.msgctxt for e in po if placeholders(e.msgid)
    ] and len([e for e in po if placeholders(e.msgid)]) > 5
    assert '#, python-brace-format\nmsgctxt "labels/last_reviewed"\n' in target.read_text("utf-8")
    msgfmt = require("msgfmt", "gettext")

    def check(path: Path) -> subprocess.CompletedProcess:
        return subprocess.run([msgfmt, "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)

    assert check(target).returncode == 0, check(target).stderr
    english = entry(po, "labels/last_reviewed").msgid
    assert "{date}" in english
    for name, msgstr, reason in [
        ("dropped", "Revisado", "a format specification for argument 'date' doesn't exist in 'msgstr'"),
        (
            "renamed",
            entry(po, "labels/last_reviewed").msgstr.replace("{date}", "{fecha}"),
            "a format specification for argument 'date' doesn't exist in 'msgstr'",
        ),
    ]:
        bad = tmp_path / f"{name}.po"
        shutil.copy(target, bad)
        line = _set(bad, "labels/last_reviewed", msgstr=msgstr)
        result = check(bad)
        assert result.returncode == 1 and f"{bad}:{line}: {reason}" in result.stderr, result.stderr
        refused = import_po(content_copy, bad)  # and the import refuses it at the same line
        assert (
            refused.returncode == 1
            and f"{bad}:{line}:1: labels/last_reviewed: placeholders do not match" in refused.stderr
        )


def test_an_entry_whose_unit_is_gone_is_skipped_with_a_warning(content_copy, tmp_path):
    es = make_spanish(content_copy)
    target = tmp_path / "es.po"
    export(content_copy, target)
    _set(target, "risks/infection/label", msgstr="Infección local")
    line = _set(target, "risks/bleeding/label", msgctxt="risks/haemorrhage/label", msgstr="Hemorragia")
    result = import_po(content_copy, target)
    assert result.returncode == 0, result.stderr
    assert result.stderr == (
        f"{target}:{line}:1: warning: risks/haemorrhage/label: skipped: no such unit in content/en "
        f"(removed or renamed since the file was exported) (hint: export again for the current "
        f"units: dncontent i18n export --locale es)\n"
    )
    assert result.stdout.startswith("es: 1 unit updated, ")
    risks = (es / "risks.yaml").read_text("utf-8")
    assert "label: Infección local\n" in risks and "Hemorragia" not in risks


def test_an_import_that_updates_nothing_says_what_is_still_stale(content_copy, tmp_path):
    make_spanish(content_copy)
    old = tmp_path / "old.po"
    export(content_copy, old)  # exported before the English changed
    edit(content_copy / "en" / "risks.yaml", "label: Bruising", "label: Bruising and swelling")
    edit(content_copy / "en" / "risks.yaml", "label: Infection", "label: Local infection")
    before = hashes(content_copy)
    result = import_po(content_copy, old)
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith("translation memory unchanged\n") and hashes(content_copy) == before
    assert result.stderr == (
        "es: this file updated nothing, and 2 units are still stale; get them with: "
        "dncontent i18n export --locale es --only stale\n"
    )
    # a file that updates something says nothing of the units it leaves stale
    current = export(content_copy, tmp_path / "current.po", "--only", "stale")
    bruising = entry(current, "risks/bruising/label")
    bruising.msgstr, bruising.previous_msgid = "Moretones e hinchazón", None
    bruising.flags.remove("fuzzy")
    current.remove(entry(current, "risks/infection/label"))
    current.save(str(tmp_path / "current.po"))
    result = import_po(content_copy, tmp_path / "current.po")
    assert result.returncode == 0 and result.stdout.startswith("es: 1 unit updated") and result.stderr == ""


def test_the_last_translator_is_recorded_for_the_units_the_import_changed(content_copy, tmp_path):
    es = make_spanish(content_copy)
    target = tmp_path / "es.po"
    po = export(content_copy, target)
    po.metadata["Last-Translator"] = "Ana García <ana@example.com>"
    entry(po, "risks/infection/label").msgstr = "Infección local"
    po.save(str(target))
    result = import_po(content_copy, target)
    assert result.returncode == 0, result.stderr
    memory = (es / "translation.yaml").read_text("utf-8")
    assert memory.endswith("\nby:\n  risks/infection/label: Ana García <ana@example.com>\n")  # only the unit it changed
    assert memory.startswith("# yaml-language-server: $schema=../../schemas/translation.schema.json\n")
    assert run_cli("validate", "--content", str(content_copy)).returncode == 0  # the schema takes it
    assert run_cli("i18n", "mark-current", "--locale", "es", "--content", str(content_copy)).returncode == 0
    assert (es / "translation.yaml").read_text("utf-8") == memory  # kept by the other writer of the memory
    # a file with the template's header, or none, records nobody
    for header in ("FULL NAME <EMAIL@ADDRESS>", ""):
        po.metadata["Last-Translator"] = header
        entry(po, "risks/infection/label").msgstr = f"Infección {len(header)}"
        po.save(str(target))
        assert import_po(content_copy, target).returncode == 0
        assert (es / "translation.yaml").read_text("utf-8") == memory
    # a translator name is one line
    broken = tmp_path / "broken"
    shutil.copytree(content_copy, broken)
    edit(
        broken / "es" / "translation.yaml",
        "risks/infection/label: Ana García <ana@example.com>",
        "risks/infection/label: [Ana]",
    )
    refused = run_cli("validate", "--content", str(broken))
    assert (
        refused.returncode == 1
        and "es/translation.yaml:" in refused.stdout
        and "by.risks/infection/label" in refused.stdout
    ), refused.stdout


def test_the_committed_translation_files_are_in_step_and_an_english_edit_puts_them_out(tmp_path):
    from tests.conftest import ROOT

    assert (ROOT / "po" / "dncontent.pot").is_file() and (ROOT / "po" / "es.po").is_file()
    result = run_cli("i18n", "sync", "--check")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "2 translation files in step with the content in po\n"
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copytree(ROOT / "po", tmp_path / "po")
    content, po = tmp_path / "content", tmp_path / "po"
    edit(content / "en" / "risks.yaml", "label: Bruising", "label: Bruising and swelling")
    before = hashes(po)
    result = run_cli("i18n", "sync", "--check", "--content", str(content))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    pot_line = msgstr_line(po / "dncontent.pot", "risks/bruising/label") - 1
    assert (
        f"{po}/dncontent.pot:{pot_line}:1: out of step with the content from this line (hint: rewrite it with "
        f"dncontent i18n sync)\n" in result.stderr
    )
    assert f"{po}/es.po:" in result.stderr
    assert "error: 2 translation files out of step with the content; nothing was written" in result.stderr
    assert hashes(po) == before
    written = run_cli("i18n", "sync", "--content", str(content))
    assert written.returncode == 0 and written.stdout == f"{po}: 2 written, 0 unchanged\n", written.stderr
    assert 'msgid "Bruising and swelling"' in (po / "dncontent.pot").read_text("utf-8")
    synced = hashes(po)
    again = run_cli("i18n", "sync", "--content", str(content))
    assert again.stdout == f"{po}: 0 written, 2 unchanged\n" and hashes(po) == synced  # reproducible
    assert run_cli("i18n", "sync", "--check", "--content", str(content)).returncode == 0
    (po / "es.po").unlink()
    missing = run_cli("i18n", "sync", "--check", "--content", str(content), "--po-dir", str(po))
    assert missing.returncode == 1 and f"{po}/es.po:1:1: missing: the content gives this file" in missing.stderr
