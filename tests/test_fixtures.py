"""`dncontent fixtures`: random exports for app teams, valid against the published schema, the same for a seed."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from dncontent.channels.json import SCHEMA_VERSION, consumer_schema
from tests.conftest import run_cli

COUNT = 10
PUBLISHED = ["index.json", "index.schema.json", "schema.json", "types.d.ts"]  # beside the exports, as in a build
RTL = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
OTHER_SCRIPTS = {
    "Cyrillic": r"[\u0400-\u04ff]",
    "CJK": r"[\u4e00-\u9fff]",
    "Arabic": r"[\u0600-\u06ff]",
    "Hebrew": r"[\u0590-\u05ff]",
}
ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("fixtures") / "a"
    result = run_cli("fixtures", "--count", str(COUNT), "--seed", "42", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        f"Wrote {COUNT} fixtures, index.json, the schemas and types.d.ts into {out}/ (seed 42, sha256 "
    )
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


@pytest.fixture(scope="module")
def documents(written) -> list[dict]:
    return [json.loads(data) for name, data in written.items() if name.startswith("fixture-")]


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def test_writes_a_json_folder_and_nothing_else(written):
    assert list(written) == sorted([f"fixture-{n:03d}.json" for n in range(1, COUNT + 1)] + PUBLISHED)
    for data in written.values():
        assert data.endswith(b"}\n") and b"\r" not in data
        data.decode("utf-8")  # no lone surrogates or other text that is not UTF-8


def test_every_fixture_is_valid_against_the_published_schema(documents):
    validator = Draft202012Validator(consumer_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)
    for number, document in enumerate(documents, start=1):
        assert [e.message for e in validator.iter_errors(document)] == [], number
        assert document["schema_version"] == SCHEMA_VERSION
        assert list(document)[:5] == ["$schema", "schema_version", "id", "revision", "locale"]  # the documented order


def test_the_folder_reads_as_a_builds_json_folder(written, documents):
    """index.json lists every export with its hash, each document names its schema, every export has its booking
    call to action, and the schemas and types are the ones a build publishes."""
    from dncontent.channels.json import consumer_index_schema, contract_files

    index = json.loads(written["index.json"])
    validator = Draft202012Validator(consumer_index_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert [e.message for e in validator.iter_errors(index)] == []
    assert index["$schema"] == "index.schema.json" and index["source_locale"] == documents[0]["locale"]
    assert [entry["path"] for entry in index["exports"]] == [f"fixture-{n:03d}.json" for n in range(1, COUNT + 1)]
    for entry, document in zip(index["exports"], documents):
        assert entry["sha256"] == hashlib.sha256(written[entry["path"]]).hexdigest()
        assert (entry["revision"], entry["locale"], entry["title"]) == (
            document["revision"],
            document["locale"],
            document["title"],
        )
        assert document["$schema"] == "schema.json"
        assert [c["role"] for c in document["cta"]].count("booking") >= 1
    assert {name: data for name, _, data in contract_files()} == {
        name: written[name] for name in ("schema.json", "index.schema.json", "types.d.ts")
    }


def test_fixtures_are_realistic_enough_to_render(documents):
    from dncontent.fixtures import LOCALES
    from dncontent.load.locales import locale_problem

    assert [tag for tags in LOCALES.values() for tag in tags if locale_problem(tag)] == []

    for document in documents:
        assert locale_problem(document["locale"]) is None, document["locale"]
        for key in ("conditions", "risks", "contraindications", "session_phases", "cta", "sections"):
            ids = [item["id"] for item in document[key]]
            assert len(ids) == len(set(ids)) and all(ID.match(i) for i in ids)
        cta_ids = {c["id"] for c in document["cta"]}
        assert all(set(s["cta"]) <= cta_ids for s in document["sections"])
        urls = [c["url"] for c in document["cta"]] + [link["url"] for link in document["brand"]["links"]]
        assert all(u.startswith(("https://", "tel:", "mailto:")) for u in urls)
        review, labels = document["review"], document["labels"]
        if review["status"] == "draft":  # a draft has no review to show, and a notice to show instead
            assert [review[k] for k in ("last_reviewed", "next_review", "reviewed_by")] == [None] * 3
            assert labels["draft_notice"] and labels["last_reviewed"] is None
        else:
            assert review["last_reviewed"] <= review["next_review"] and labels["draft_notice"] is None
        minutes = document["facts"]["session_minutes"]
        assert minutes["min"] <= minutes["max"]
        # what the real export guarantees beyond the schema: a true revision, paths named after the id, roles
        # that follow links, direction from the script
        from dncontent.channels.json import revision, role

        assert document["revision"] == revision(document)
        assert ID.match(document["id"])
        assert all(a["path"] == f"{document['id']}.{a['locale']}.json" for a in document["alternates"])
        assert all(
            b["path"] == f"../pdf/{document['id']}.{document['locale']}.{b['paper']}.pdf" for b in document["brochures"]
        )
        assert len({b["paper"] for b in document["brochures"]}) == len(document["brochures"])
        assert all(c["role"] == role(c["link"], c["url"]) for c in document["cta"])
        assert (document["direction"] == "rtl") == (document["locale"] in LOCALES["rtl"])
        https = [document["url"]] + [b["url"] for b in document["brochures"]]
        assert all(u is None or u.startswith("https://") for u in https)


def test_fixtures_hold_what_renderers_get_wrong(documents):
    text = ["\n".join(_strings(d)) for d in documents]
    assert any(RTL.search(t) for t in text), "no right-to-left text"
    for script, pattern in OTHER_SCRIPTS.items():
        assert any(re.search(pattern, t) for t in text), f"no {script} text"
    assert any(len(s) > 500 for d in documents for s in _strings(d)), "no long string"
    assert any(d[key] == [] for d in documents for key in ("conditions", "risks", "cta")), "no empty optional list"
    assert any(d["source"]["url"] is None and d["brand"]["phone"] is None for d in documents), "no nulls"
    assert any(d["brand"]["logo"] is None for d in documents) and any(d["brand"]["logo"] for d in documents)
    assert any(d["direction"] == "rtl" for d in documents) and any(d["direction"] == "ltr" for d in documents)
    assert any(len(d[key]) > 50 for d in documents for key in ("conditions", "risks")), "no list of many items"
    assert any(d["locale"] in ("ar", "he", "fa", "ar-EG", "ur") for d in documents)


def test_the_same_seed_writes_the_same_bytes_in_another_process(written, tmp_path):
    result = run_cli("fixtures", "--count", str(COUNT), "--seed", "42", "-o", str(tmp_path / "b"))
    assert result.returncode == 0, result.stderr
    assert {p.name: p.read_bytes() for p in sorted((tmp_path / "b").iterdir())} == written


def test_the_library_writes_what_the_command_writes(written, tmp_path):
    """No state of the process (modules imported, hash seed) reaches the output: only the seed does."""
    from dncontent.fixtures import write_fixtures

    paths = write_fixtures(tmp_path, COUNT, seed=42)
    assert {p.name: p.read_bytes() for p in paths} == written


def test_another_seed_writes_other_fixtures(written, tmp_path):
    result = run_cli("fixtures", "--count", "3", "--seed", "43", "-o", str(tmp_path))
    assert result.returncode == 0, result.stderr
    others = {p.name: p.read_bytes() for p in sorted(tmp_path.iterdir())}
    assert list(others) == sorted(["fixture-001.json", "fixture-002.json", "fixture-003.json"] + PUBLISHED)
    assert all(others[name] != written[name] for name in others if name.startswith("fixture-"))


def test_fewer_fixtures_are_the_first_ones_of_more(written, tmp_path):
    """Fixture i depends on the seed and i alone, so --count 3 writes the first three of --count 10."""
    from dncontent.fixtures import write_fixtures

    fewer = {p.name: p.read_bytes() for p in write_fixtures(tmp_path, 3, seed=42) if p.name.startswith("fixture-")}
    assert fewer == {name: written[name] for name in ("fixture-001.json", "fixture-002.json", "fixture-003.json")}


def test_other_files_in_the_folder_are_left_alone(tmp_path):
    (tmp_path / "notes.txt").write_text("mine", "utf-8")
    result = run_cli("fixtures", "--count", "1", "-o", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["fixture-001.json", "notes.txt"] + PUBLISHED)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--count", "0", "-o", "x"], "Invalid value for '--count'"),
        (["--count", "2"], "Missing option '--out' / '-o'"),
        (["--seed", "abc", "-o", "x"], "Invalid value for '--seed'"),
    ],
)
def test_usage_errors(args, message, tmp_path):
    result = run_cli("fixtures", *args, cwd=tmp_path)
    assert result.returncode == 2 and message in result.stderr


def test_an_output_path_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "taken").write_text("x", "utf-8")
    result = run_cli("fixtures", "--count", "1", "-o", str(tmp_path / "taken"))
    assert result.returncode != 0 and "taken" in result.stderr
    assert "Traceback" not in result.stderr
    assert Path(tmp_path / "taken").read_text("utf-8") == "x"


def test_only_the_fixtures_command_imports_hypothesis(tmp_path):
    import subprocess
    import sys

    from tests.conftest import ROOT, imported

    def import_log(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "dncontent", *args], capture_output=True, text=True, cwd=ROOT
        )
        assert imported(result.stderr, "dncontent")  # the import log is there to read
        return result.stderr

    for args in (
        ["--help"],
        ["validate"],
        ["fixtures", "--help"],
        ["build", "--format", "json", "--out", str(tmp_path / "build")],
    ):
        log = import_log(*args)
        assert not imported(log, "hypothesis") and not imported(log, "hypothesis_jsonschema"), args
    assert imported(import_log("fixtures", "--count", "1", "-o", str(tmp_path / "f")), "hypothesis_jsonschema")


def test_progress_shows_on_a_terminal_only(tmp_path):
    """A long run says how far it has got, on a terminal; piped or in CI it stays quiet."""
    import os
    import shlex
    import subprocess
    import sys

    def on_a_terminal(folder: str, **env: str) -> tuple[int, str]:
        """Exit code and what the terminal got, carriage returns kept."""
        command = shlex.join(
            [sys.executable, "-m", "dncontent", "fixtures", "--count", "3", "-o", str(tmp_path / folder)]
        )
        environment = {k: v for k, v in os.environ.items() if k != "CI"} | env
        result = subprocess.run(
            ["script", "-qec", command, "/dev/null"], capture_output=True, env=environment, timeout=300
        )
        return result.returncode, result.stdout.decode("utf-8")

    code, shown = on_a_terminal("tty")
    assert code == 0, shown
    # one line, rewritten in place, then cleared for the summary
    assert re.search(r"\r\x1b\[K  1 of 3 fixtures written, [0-9.]+ a second, about [0-9]+ (s|min) left\r", shown), shown
    assert re.search(r"\r\x1b\[K  3 of 3 fixtures written, [0-9.]+ a second\r\x1b\[KWrote 3 fixtures", shown), shown
    piped = run_cli("fixtures", "--count", "3", "-o", str(tmp_path / "piped"))
    assert piped.returncode == 0 and piped.stderr == ""
    code, in_ci = on_a_terminal("ci", CI="true")
    assert code == 0 and "written," not in in_ci and "Wrote 3 fixtures" in in_ci
