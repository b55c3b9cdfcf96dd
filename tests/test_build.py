"""`dncontent build`: manifest, reproducibility, and a previous build that survives any failure."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import CONTENT, ROOT, run_cli


def tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def build_json(content: Path, out: Path) -> subprocess.CompletedProcess:
    return run_cli("build", "--content", str(content), "--out", str(out), "--format", "json")


def test_manifest_lists_every_file_with_its_hash(built):
    manifest = json.loads((built / "manifest.json").read_text("utf-8"))
    files = tree(built)
    files.pop("manifest.json")
    listed = {entry["path"]: entry for entry in manifest["artifacts"]}
    assert sorted(listed) == sorted(files)
    for path, entry in listed.items():
        data = (built / path).read_bytes()
        assert entry["sha256"] == files[path] and entry["bytes"] == len(data)
        assert set(entry) == {"path", "format", "locale", "role", "bytes", "sha256"}
        assert entry["format"] in {"json", "html", "sms", "pdf", "fhir"}
    assert [e["path"] for e in manifest["artifacts"]] == sorted(listed)


def test_two_builds_are_byte_identical(built, tmp_path):
    again = tmp_path / "again"
    result = run_cli("build", "--content", str(CONTENT), "--out", str(again))
    assert result.returncode == 0, result.stderr
    assert tree(again) == tree(built)


def test_invalid_content_writes_nothing(content_copy, tmp_path):
    out = tmp_path / "build"
    assert build_json(content_copy, out).returncode == 0
    before = tree(out)
    (content_copy / "en" / "risks.yaml").write_text("risks: [\n", "utf-8")
    result = build_json(content_copy, out)
    assert result.returncode == 1
    assert (
        "risks.yaml:2:1: a '[' or '{' is not closed (YAML syntax error" in result.stderr
        and "Traceback" not in result.stderr
    )
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build", "content"]  # no staging left behind


def test_a_build_folder_with_things_added_by_hand_is_not_replaced(tmp_path):
    out = tmp_path / "build"
    assert build_json(CONTENT, out).returncode == 0
    (out / "json" / "notes").mkdir()
    result = build_json(CONTENT, out)
    assert result.returncode == 2 and "holds files an earlier build did not write" in result.stderr
    (out / "json" / "notes").rmdir()
    (out / "link").symlink_to(tmp_path)
    assert build_json(CONTENT, out).returncode == 2
    (out / "link").unlink()
    assert build_json(CONTENT, out).returncode == 0


def test_repeated_formats_are_built_once(tmp_path):
    result = run_cli(
        "build", "--content", str(CONTENT), "--out", str(tmp_path / "b"), "--format", "json", "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Built 6 files (6 json;")  # two schemas, the types, the index, two exports


def test_first_build_of_invalid_content_creates_no_output(content_copy, tmp_path):
    (content_copy / "en" / "risks.yaml").write_text("", "utf-8")
    assert build_json(content_copy, tmp_path / "build").returncode == 1
    assert not (tmp_path / "build").exists()


def test_killed_build_leaves_previous_build_or_the_new_one_whole(content_copy, tmp_path):
    """Kill the build at many moments: build/ is always one complete build, never a mix."""
    out = tmp_path / "build"
    assert (
        run_cli(
            "build",
            "--content",
            str(content_copy),
            "--out",
            str(out),
            "--format",
            "json",
            "--format",
            "sms",
            "--format",
            "html",
        ).returncode
        == 0
    )
    old = tree(out)
    page = content_copy / "en" / "page.yaml"
    page.write_text(page.read_text("utf-8").replace("Dry Needling: What You Need to Know", "Dry Needling Guide", 1))
    seen = set()
    for delay in (0.05, 0.15, 0.3, 0.45, 0.6, 0.8, 1.0, 1.5):
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "dncontent",
                "build",
                "--content",
                str(content_copy),
                "--out",
                str(out),
                "--format",
                "json",
                "--format",
                "sms",
                "--format",
                "html",
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = tree(out)
        if now == old:
            seen.add("old")
        else:
            manifest = json.loads((out / "manifest.json").read_text("utf-8"))
            assert {e["path"]: e["sha256"] for e in manifest["artifacts"]} == {
                k: v for k, v in now.items() if k != "manifest.json"
            }, "build/ holds a mix of two builds"
            assert now != old
            seen.add("new")
            # put the old build back so the next kill is tested against it
            assert (
                run_cli(
                    "build",
                    "--content",
                    str(CONTENT),
                    "--out",
                    str(out),
                    "--format",
                    "json",
                    "--format",
                    "sms",
                    "--format",
                    "html",
                ).returncode
                == 0
            )
            old = tree(out)
    assert "old" in seen, "every kill came too late to test an interrupted build"
    # the next build cleans up whatever the killed ones left
    assert build_json(content_copy, out).returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build", "content"]


def test_unknown_locale_is_a_usage_error(tmp_path):
    result = run_cli("build", "--out", str(tmp_path / "b"), "--locale", "xx")
    assert result.returncode == 2
    assert "no content for locale(s): xx" in result.stderr and "Traceback" not in result.stderr


def test_build_summary(tmp_path):
    result = build_json(CONTENT, tmp_path / "b")
    assert result.returncode == 0
    assert result.stdout.startswith("Built 6 files (6 json;")


def test_a_second_locale_mirrors_the_first_without_code_changes(content_copy, tmp_path):
    """A new locale is a folder: copy en, translate, build. Every channel renders it."""
    import shutil

    shutil.copytree(content_copy / "en", content_copy / "fr")
    page = content_copy / "fr" / "page.yaml"
    page.write_text(
        page.read_text("utf-8").replace(
            'title: "Dry Needling: What You Need to Know"', 'title: "Puncture sèche : ce qu’il faut savoir"'
        ),
        "utf-8",
    )
    # a clinician's sign-off gives the page a review date, written the French way
    signed = run_cli(
        "signoff",
        "--locale",
        "fr",
        "--by",
        "Dana Ruiz, PT, DPT",
        "--date",
        "2026-11-20",
        "--content",
        str(content_copy),
    )
    assert signed.returncode == 0, signed.stderr
    out = tmp_path / "build"
    result = run_cli(
        "build",
        "--content",
        str(content_copy),
        "--out",
        str(out),
        "--format",
        "json",
        "--format",
        "html",
        "--format",
        "sms",
    )
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    locales = {e["locale"] for e in manifest["artifacts"]}
    assert {"en", "es", "fr"} <= locales
    export = json.loads((out / "json" / "dry-needling.fr.json").read_text("utf-8"))
    assert export["locale"] == "fr" and export["title"] == "Puncture sèche : ce qu’il faut savoir"
    assert "20 novembre 2026" in (out / "html" / "fr" / "dry-needling.html").read_text("utf-8")  # CLDR's French date
    # and a locale that drifts from en is caught
    risks = content_copy / "es" / "risks.yaml"
    risks.write_text(risks.read_text("utf-8").replace("id: fatigue", "id: tiredness"), "utf-8")
    result = run_cli("validate", "--content", str(content_copy))
    assert result.returncode == 1
    assert (
        "es/risks.yaml:5:3: risks: ids differ from the en locale (missing fatigue; not in en: tiredness)"
        in result.stdout
    )


@pytest.mark.parametrize(
    "command, guide",
    [
        ("validate", "editing.md"),
        ("build", "review-and-release.md"),
        ("preview", "editing.md"),
        ("studio", "editing.md"),
        ("report", "editing.md"),
        ("fixtures", "app-contract.md"),
    ],
)
def test_every_command_and_option_is_documented(command, guide):
    """Each command has help, and the usage line for it in its guide (docs/) names every one of its options."""
    from click.testing import CliRunner

    from dncontent.cli import main

    assert command in main.commands, f"dncontent {command} is missing"
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0 and len(result.output) > 200
    text = "\n".join(
        re.findall(r"^```text\n(.*?)^```$", (ROOT / "docs" / guide).read_text("utf-8"), re.DOTALL | re.MULTILINE)
    )  # the synopses, not the examples
    usage = re.search(rf"^dncontent {command} (.*(?:\n {{8,}}.*)*)", text, re.M)
    assert usage, f"docs/{guide} has no usage line for dncontent {command}"
    options = [opt for param in main.commands[command].params for opt in param.opts if opt.startswith("--")]
    assert [opt for opt in options if opt not in usage.group(1) and opt != "--help"] == []


@pytest.mark.parametrize(
    "target, message",
    [
        (".", "replacing it would delete the working folder"),
        ("content", "it overlaps the content folder"),
        ("content/en/out", "it overlaps the content folder"),
        ("notes.txt", "is a file, not a folder"),
        ("photos", "it holds files an earlier build did not write"),
        ("webapp", "it holds files an earlier build did not write"),
        ("site/build", "site/.build.staging exists and was not made by dncontent"),
        ("notes/build", "notes/.build.old exists and was not made by dncontent"),
    ],
)
def test_build_refuses_an_output_folder_it_would_destroy(tmp_path, target, message):
    import shutil

    shutil.copytree(CONTENT, tmp_path / "content")
    (tmp_path / "notes.txt").write_text("keep me", "utf-8")
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "clinic.jpg").write_bytes(b"\xff\xd8")
    (tmp_path / "webapp" / "img").mkdir(parents=True)  # a web app's own manifest.json is not a build's
    (tmp_path / "webapp" / "manifest.json").write_text('{"name": "Clinic", "icons": []}', "utf-8")
    (tmp_path / "webapp" / "img" / "logo.png").write_bytes(b"\x89PNG")
    (tmp_path / "site" / ".build.staging").mkdir(parents=True)
    (tmp_path / "site" / ".build.staging" / "draft.txt").write_text("mine", "utf-8")
    (tmp_path / "notes" / ".build.old").mkdir(parents=True)
    (tmp_path / "notes" / ".build.old" / "thesis.txt").write_text("mine", "utf-8")
    before = tree(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "dncontent", "build", "--content", "content", "--out", target, "--format", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and message in result.stderr.replace("\n", " "), result.stderr
    assert "Traceback" not in result.stderr
    assert tree(tmp_path) == before
    assert (tmp_path / "webapp" / "img" / "logo.png").exists()


def test_commands_find_the_content_folder_from_any_folder_of_the_project(tmp_path):
    """Without --content, a command reads content/ of the nearest folder above that has one, as git finds .git;
    a build then writes the project's build/, not one inside the folder it ran in."""
    project = tmp_path / "clinic"
    shutil.copytree(CONTENT, project / "content")
    notes = project / "notes" / "drafts"
    notes.mkdir(parents=True)
    result = run_cli("validate", cwd=notes)
    assert result.returncode == 0, result.stderr
    assert result.stdout and all(line.startswith("../../content/") for line in result.stdout.splitlines())
    result = run_cli("build", "--format", "json", cwd=project / "content" / "en")
    assert result.returncode == 0, result.stderr
    assert "into ../../build/" in result.stdout
    assert (project / "build" / "manifest.json").is_file()
    assert sorted(p.name for p in project.iterdir()) == ["build", "content", "notes"]
    assert not (project / "content" / "build").exists() and not (project / "content" / "en" / "build").exists()
    result = run_cli("validate", cwd=tmp_path)  # no content/ here or above
    assert result.returncode == 2 and "content folder not found: content" in result.stderr
