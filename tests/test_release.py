"""`dncontent build --release`: publishing refuses, at file:line, what may not ship; warnings are for action."""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import CONTENT, ROOT, run_cli
from tests.test_validate import edit

REVIEWER = "Dana Ruiz, PT, DPT"
REFUSED = "error: release refused for {n} reasons (listed above); nothing was written"
DRAFTS = "; a draft is published only on purpose, with --allow-draft LOCALE, and keeps its draft notices"


def cli(*args: str, env: dict | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """The real command, as a user runs it (with `env` added to the environment)."""
    result = run_cli(*args, cwd=cwd, timeout=900, env=env)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


def real_links(content: Path) -> None:
    brand = content / "brand.yaml"
    # no longer than the placeholder's: the Spanish texts are within a few units of 3 segments (tests/test_lints.py)
    brand.write_text(brand.read_text("utf-8").replace("www.example.com", "jubilantpt.com"), "utf-8")


def sign_off(content: Path, locale: str, *options: str) -> None:
    result = cli("signoff", "--content", str(content), "--locale", locale, "--by", REVIEWER, *options)
    assert result.returncode == 0, result.stderr


def snapshot(folder: Path) -> dict[str, tuple]:
    """Every file and folder under `folder` (and the folder itself): kind, bytes and modification time."""
    found = {}
    for path in [folder, *sorted(folder.rglob("*"))] if folder.exists() else []:
        info = path.lstat()
        found[path.relative_to(folder).as_posix()] = (
            path.is_dir(),
            info.st_mtime_ns,
            None if path.is_dir() else path.read_bytes(),
        )
    return found


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if text in line)


def test_a_release_lists_every_reason_at_its_line_and_writes_nothing(content_copy: Path, tmp_path: Path):
    c, site = content_copy, tmp_path / "site"
    assert cli("build", "--content", str(c), "--out", str(site / "build"), "--format", "json").returncode == 0
    edit(c / "en" / "risks.yaml", "label: Nerve damage", "label: Nerve injury")  # stale in Spanish
    sign_off(c, "en", "--date", "2020-01-15", "--next-review", "2021-01-15")  # signed off, its review now overdue
    edit(c / "es" / "risks.yaml", "label: Moretones", "label: Bruising")  # left in English
    conditions = c / "en" / "conditions.yaml"
    conditions.write_text(conditions.read_text("utf-8").split("\n", 1)[1], "utf-8")  # a warning of another kind
    before = snapshot(site)

    result = cli("build", "--release", "--content", str(c), "--out", str(site / "build"))

    assert result.returncode == 1
    *reasons, last = result.stderr.splitlines()
    expected = [
        f"{c}/brand.yaml:8:10: links[0].url: placeholder URL 'https://www.example.com/' for link 'website' "
        "(hint: replace it with the clinic's real address before publishing)",
        f"{c}/brand.yaml:10:10: links[1].url: placeholder URL 'https://www.example.com/contact' for link 'contact'",
        f"{c}/brand.yaml:12:10: links[2].url: placeholder URL 'https://www.example.com/book-online' for link 'booking'",
        f"{c}/en/conditions.yaml:1:1: the first line does not name the file's schema",
        f"{c}/en/page.yaml:{line_of(c / 'en' / 'page.yaml', 'next_review:')}:16: signoff.next_review: review overdue: "
        "the next review was due 2021-01-15",
        f"{c}/es/page.yaml:9:1: locale 'es' is a draft: no clinician has signed off its text",
        f"{c}/es/risks.yaml:{line_of(c / 'es' / 'risks.yaml', 'Bruising')}:12: risks[1].label: not translated: "
        "identical to the English (risks/bruising/label)",
        f"{c}/es/risks.yaml:{line_of(c / 'es' / 'risks.yaml', 'Daño a los nervios')}:12: risks[3].label: stale "
        "translation: the English changed since it was translated (risks/nerve-damage/label;",
    ]
    for start in expected:
        assert len([line for line in reasons if line.startswith(start)]) == 1, (start, reasons)
    assert len(reasons) == len(expected) and last == REFUSED.format(n=len(reasons)) + DRAFTS
    assert snapshot(site) == before  # build/ as it was, and no lock or staging folder beside it


def test_a_problem_in_content_stops_a_release_as_it_stops_any_build(content_copy: Path, tmp_path: Path):
    c, site = content_copy, tmp_path / "site"
    edit(c / "en" / "sms.yaml", "purpose: care\n    segments: 2", "purpose: care\n    segments: 1")  # over budget
    result = cli("build", "--release", "--content", str(c), "--out", str(site / "build"))
    assert result.returncode == 1 and not site.exists()
    lines = result.stderr.splitlines()
    assert [line for line in lines if ": warning: " not in line and ": note: " not in line] == [
        f"{c}/en/sms.yaml:16:5: messages[1]: text message 'before-your-visit' is too long: it would be sent as 2 "
        "texts joined together, and its budget is 1 (188 septets as GSM-7 = 2 segments) (hint: shorten it, or "
        "raise `segments` if the cost is intended; as GSM-7 one text holds 160 septets, a longer message 153 per "
        "segment)",
        "error: 1 problem(s) in content",
    ]


def test_allow_draft_publishes_a_draft_with_its_draft_notices(content_copy: Path, tmp_path: Path):
    c, out = content_copy, tmp_path / "build"
    real_links(c)
    sign_off(c, "en")
    formats = ("--format", "json", "--format", "html")
    refused = cli("build", "--release", "--content", str(c), "--out", str(out), *formats)
    assert refused.returncode == 1 and not out.exists()
    *reasons, last = refused.stderr.splitlines()
    assert [line.split(": ")[0] for line in reasons] == [f"{c}/es/page.yaml:9:1"]
    assert last == REFUSED.format(n=1).replace("reasons", "reason") + DRAFTS

    result = cli("build", "--release", "--allow-draft", "es", "--content", str(c), "--out", str(out), *formats)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        f"Released en (approved), es (draft-allowed); {out}/manifest.json records each locale's status and sign-off"
    )
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["release"] is True
    assert manifest["locales"] == {
        "en": {"status": "approved", "signoff": signoff_fingerprint(c, "en")},
        "es": {"status": "draft-allowed", "signoff": None},
    }
    notice = " ".join(yaml.safe_load((c / "es" / "labels.yaml").read_text("utf-8"))["draft_notice"].split())
    assert notice in " ".join((out / "html" / "es" / "dry-needling.html").read_text("utf-8").split())
    assert json.loads((out / "json" / "dry-needling.es.json").read_text("utf-8"))["review"]["status"] == "draft"
    assert notice not in (out / "html" / "en" / "dry-needling.html").read_text("utf-8")
    alone = cli("build", "--allow-draft", "es", "--content", str(c), "--out", str(tmp_path / "dev"))
    assert (
        alone.returncode == 2 and "--allow-draft publishes a draft in a release: use it with --release" in alone.stderr
    )
    unknown = cli("build", "--release", "--allow-draft", "fr", "--content", str(c), "--out", str(tmp_path / "fr"))
    assert unknown.returncode == 2 and "no content for locale(s): fr" in unknown.stderr


def signoff_fingerprint(content: Path, locale: str) -> str:
    """sha256 of the locale's sign-off record as canonical JSON, read as dncontent reads the page."""
    from dncontent.load.yaml_reader import read_yaml

    page = content / locale / "page.yaml"
    doc, problems = read_yaml(page.read_bytes(), str(page))
    assert not problems
    canonical = json.dumps(doc.data["signoff"], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def plant(cache: Path, path: str, data: bytes) -> None:
    """Rewrite the cache entry holding `path` so that it holds `data` instead, whole and with a matching hash:
    what a damaged disk cannot do, but someone with access to the cache could."""
    from dncontent.cache import FORMAT

    for entry in sorted(cache.glob("*/*.entry")):
        body = entry.read_bytes().partition(b"\n")[2]  # below the line with the format and the body's hash
        head, _, rest = body.partition(b"\n")
        header = json.loads(head)
        if path not in [part["path"] for part in header["parts"]]:
            continue
        chunks, at = [], 0
        for part in header["parts"]:
            chunk, at = rest[at : at + part["bytes"]], at + part["bytes"]
            if part["path"] == path:
                chunk, part["bytes"] = data, len(data)
            chunks.append(chunk)
        body = json.dumps(header, ensure_ascii=False).encode("utf-8") + b"\n" + b"".join(chunks)
        entry.write_bytes(f"dncontent-cache {FORMAT} {hashlib.sha256(body).hexdigest()}\n".encode("ascii") + body)
        return
    raise AssertionError(f"no cache entry holds {path}")


def test_a_release_never_reads_or_writes_a_cache(content_copy: Path, tmp_path: Path):
    c, cache, scores = content_copy, tmp_path / "cache", tmp_path / "xdg"
    env = {"DNCONTENT_CACHE_DIR": str(cache), "XDG_CACHE_HOME": str(scores)}
    real_links(c)
    sign_off(c, "en")
    message, planted = "sms/en/booking-invitation.txt", b"Jubilant Therapy Services: planted text"

    def build(out: str, *options: str) -> dict[str, bytes]:
        result = cli("build", "--content", str(c), "--out", str(tmp_path / out), "--format", "sms", *options, env=env)
        assert result.returncode == 0, result.stderr
        return {
            p.relative_to(tmp_path / out).as_posix(): p.read_bytes()
            for p in sorted((tmp_path / out).rglob("*"))
            if p.is_file() and p.name != "manifest.json"
        }

    build("dev")
    plant(cache, message, planted)
    assert build("planted")[message] == planted  # a development build serves what the cache holds
    before = snapshot(cache), snapshot(scores)

    released = build("release", "--release", "--allow-draft", "es")

    assert (snapshot(cache), snapshot(scores)) == before  # no entry read (reading one touches it) or written
    assert released[message] != planted
    assert released == build("scratch", "--no-cache")


def test_the_shipped_content_releases_once_its_links_are_real_and_every_locale_is_signed_off(
    content_copy: Path, tmp_path: Path
):
    c = content_copy
    real_links(c)
    sign_off(c, "en")
    sign_off(c, "es")

    first = cli("build", "--release", "--content", str(c), "--out", str(tmp_path / "first"))
    second = cli("build", "--release", "--content", str(c), "--out", str(tmp_path / "second"))

    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[-1] == (
        f"Released en (approved), es (approved); {tmp_path / 'first'}/"
        "manifest.json records each locale's status and sign-off"
    )
    manifest = json.loads((tmp_path / "first" / "manifest.json").read_text("utf-8"))
    assert manifest["release"] is True
    assert manifest["locales"] == {
        locale: {"status": "approved", "signoff": signoff_fingerprint(c, locale)} for locale in ("en", "es")
    }
    assert {e["format"] for e in manifest["artifacts"]} == {"json", "html", "sms", "pdf", "fhir"}
    for locale in ("en", "es"):  # what an EHR receives says the text is final
        fhir = json.loads((tmp_path / "first" / "fhir" / f"dry-needling.{locale}.json").read_text("utf-8"))
        assert fhir["docStatus"] == "final" and fhir["authenticator"]["display"] == REVIEWER
    assert second.returncode == 0, second.stderr
    assert (tmp_path / "second" / "manifest.json").read_bytes() == (tmp_path / "first" / "manifest.json").read_bytes()


def test_a_development_build_ends_with_one_line_on_what_a_release_would_refuse(content_copy: Path, tmp_path: Path):
    def last_line(content: Path, out: str) -> str:
        result = cli("build", "--content", str(content), "--out", str(tmp_path / out), "--format", "json")
        assert result.returncode == 0, result.stderr
        assert json.loads((tmp_path / out / "manifest.json").read_text("utf-8"))["release"] is False
        return result.stdout.splitlines()[-1]

    shipped = last_line(CONTENT, "shipped")
    warnings = [
        p for p in json.loads(cli("validate", "--format", "json").stdout)["problems"] if p["severity"] == "warning"
    ]
    assert shipped.startswith(f"{len(warnings)} warnings; a release would refuse: 3 placeholder links, ")
    assert shipped.endswith(" (dncontent validate shows them)")
    real_links(content_copy)
    sign_off(content_copy, "en")
    assert (
        last_line(content_copy, "es-draft")
        == "1 warning; a release would refuse: 1 draft locale (dncontent validate shows them)"
    )
    sign_off(content_copy, "es")
    assert last_line(content_copy, "clean") == "No warnings: a release would go ahead (dncontent build --release)"


def test_notes_are_shown_and_never_refuse(content_copy: Path, tmp_path: Path):
    c = content_copy
    real_links(c)
    sign_off(c, "en", "--next-review", str(datetime.date.today() + datetime.timedelta(days=10)))
    sign_off(c, "es")  # its booking invitation and aftercare are within 10% of their budgets

    strict = cli("validate", "--strict", "--content", str(c))

    assert strict.returncode == 0, strict.stdout
    notes = [line for line in strict.stdout.splitlines() if ": note: " in line]
    assert [line.split(": ")[0].removeprefix(f"{c}/") for line in notes] == [
        f"en/page.yaml:{line_of(c / 'en' / 'page.yaml', 'next_review:')}:16",
        "es/sms.yaml:13:11",
        "es/sms.yaml:29:11",
    ]
    assert "review due soon" in notes[0] and "message 'aftercare' uses 200 of 201" in notes[2]
    assert strict.stderr == "Content is valid, 3 notes\n"
    release = cli("build", "--release", "--content", str(c), "--out", str(tmp_path / "build"), "--format", "json")
    assert release.returncode == 0, release.stderr


def test_validate_shows_the_shipped_content_only_what_to_act_on_with_each_hint_once():
    text = cli("validate")
    records = json.loads(cli("validate", "--format", "json").stdout)["problems"]
    warnings = [p for p in records if p["severity"] == "warning"]
    assert {p["code"] for p in warnings} == {"placeholder-url", "draft"}
    assert not [p for p in records if p["code"] == "reading-grade"]  # the approved prose's scores are in `report`
    placeholders = [line for line in text.stdout.splitlines() if "placeholder URL" in line]
    assert (
        len(placeholders) == 3
        and [p["hint"] for p in records if p["code"] == "placeholder-url"]
        == ["replace it with the clinic's real address before publishing"] * 3
    )  # every record keeps its hint
    assert placeholders[0].endswith("(hint: replace it with the clinic's real address before publishing)")
    assert not [line for line in placeholders[1:] if "hint" in line]  # printed once per kind
    drafts = [line for line in text.stdout.splitlines() if "is a draft" in line]
    assert len(drafts) == 2  # both shipped locales are drafts; each hint names its own locale, so each keeps it
    for draft, locale in zip(drafts, ("en", "es")):
        assert draft.endswith(
            "(hint: once a clinician has reviewed it, record the sign-off: dncontent signoff "
            f'--locale {locale} --by "NAME, CREDENTIALS")'
        )


def test_the_pre_commit_hook_passes_on_the_shipped_tree_and_refuses_errors(tmp_path: Path):
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    command = shlex.split(hook["entry"])
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    shipped = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env, timeout=300)
    assert shipped.returncode == 0, shipped.stdout + shipped.stderr
    assert "placeholder URL" in shipped.stdout  # shown, not refused: a release refuses it
    broken = tmp_path / "repository"
    (broken / "content").mkdir(parents=True)
    subprocess.run(["cp", "-r", f"{CONTENT}/.", str(broken / "content")], check=True)
    edit(broken / "content" / "en" / "risks.yaml", "label: Bruising", "lable: Bruising")
    refused = subprocess.run(command, cwd=broken, capture_output=True, text=True, env=env, timeout=300)
    assert refused.returncode == 1 and "risks[1].lable: unknown field 'lable'" in refused.stdout
