"""Locale folders are BCP 47 tags that Babel knows: es-419, zh-Hant and sr-Latn-RS work; garbage gets a hint."""

from __future__ import annotations

import json
import shutil

import pytest

from dncontent.load.locales import locale_problem
from tests.conftest import formats, run_build, run_cli


@pytest.mark.parametrize("tag", ["en", "es", "es-419", "pt-BR", "zh-Hant", "zh-Hans-CN", "sr-Latn-RS", "ar", "fil"])
def test_bcp47_tags_babel_knows_are_accepted(tag):
    assert locale_problem(tag) is None


@pytest.mark.parametrize(
    "tag, message, hint",
    [
        ("english", "'english' is not a locale tag Babel knows", "e.g. en, es-419, pt-BR or zh-Hant"),
        ("e", "'e' is not a locale tag Babel knows", "e.g. en, es-419, pt-BR or zh-Hant"),
        ("en-XX", "'en-XX' is not a locale tag Babel knows", "e.g. en, es-419, pt-BR or zh-Hant"),
        ("en--US", "'en--US' is not a locale tag Babel knows", "e.g. en, es-419, pt-BR or zh-Hant"),
        (
            "es_ES",
            "'es_ES' is not a BCP 47 locale tag (those join their parts with hyphens)",
            "rename the folder to es-ES",
        ),
        (
            "zh_hant",
            "'zh_hant' is not a BCP 47 locale tag (those join their parts with hyphens)",
            "rename the folder to zh-Hant",
        ),
        (
            "en_US.UTF-8",
            "'en_US.UTF-8' is not a BCP 47 locale tag (those join their parts with hyphens)",
            "rename the folder to en-US",
        ),
        (
            "ca_ES@valencia",
            "'ca_ES@valencia' is not a BCP 47 locale tag (those join their parts with hyphens)",
            "rename the folder to ca-ES",
        ),
        ("x_", "'x_' is not a BCP 47 locale tag (those join their parts with hyphens)", "e.g. en, es-419"),
        ("pt-br", "'pt-br' is not written the conventional way", "rename the folder to pt-BR"),
        ("EN", "'EN' is not written the conventional way", "rename the folder to en"),
    ],
)
def test_other_names_are_refused_with_a_hint(tag, message, hint):
    problem = locale_problem(tag)
    assert problem is not None and problem[0] == message and hint in problem[1]


def _add_locale(content, tag):
    shutil.copytree(content / "en", content / tag)  # same ids as en, as every locale must have


def test_an_es_419_folder_validates_and_builds(content_copy, tmp_path):
    _add_locale(content_copy, "es-419")
    result = run_cli("validate", "--content", str(content_copy), "--quiet")
    assert result.returncode == 0, result.stdout + result.stderr
    out = tmp_path / "build"
    result = run_build(content_copy, out, *formats("json", "html", "sms"), "--locale", "es-419")
    assert result.returncode == 0, result.stderr
    document = json.loads((out / "json" / "dry-needling.es-419.json").read_text("utf-8"))
    assert document["locale"] == "es-419"
    assert '<html lang="es-419" dir="ltr">' in (out / "html" / "es-419" / "dry-needling.html").read_text("utf-8")


def test_a_zh_hant_folder_validates(content_copy):
    _add_locale(content_copy, "zh-Hant")
    # CLDR joins the contraindications with 、 and 或 in Chinese: that message must be sent as UCS-2
    sms = content_copy / "zh-Hant" / "sms.yaml"
    sms.write_text(
        sms.read_text("utf-8").replace("    segments: 4\n", "    segments: 8\n    encoding: ucs2\n"), "utf-8"
    )
    result = run_cli("validate", "--content", str(content_copy), "--quiet")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "tag, line",
    [
        (
            "english",
            "english:1:1: 'english' is not a locale tag Babel knows "
            "(hint: name locale folders with BCP 47 tags, e.g. en, es-419, pt-BR or zh-Hant)",
        ),
        (
            "es_ES",
            "es_ES:1:1: 'es_ES' is not a BCP 47 locale tag (those join their parts with hyphens) "
            "(hint: rename the folder to es-ES)",
        ),
    ],
)
def test_validate_refuses_a_folder_that_is_not_a_locale(content_copy, tag, line):
    _add_locale(content_copy, tag)
    result = run_cli("validate", "--content", str(content_copy))
    assert result.returncode == 1
    assert any(out.endswith(line) for out in result.stdout.splitlines()), result.stdout
