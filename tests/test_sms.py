"""The SMS channel: every message as a phone would receive it, measured with the real GSM 03.38 codec."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import gsm0338  # noqa: F401  registers the "gsm03.38" codec
import pytest
import yaml

from dncontent.model.sms import Measurement, capacity, compose, measure, messages
from dncontent.pipeline import load_content
from tests.conftest import CONTENT, run_cli

GSM = "gsm03.38"
BRAND = yaml.safe_load((CONTENT / "brand.yaml").read_text("utf-8"))
LABELS = yaml.safe_load((CONTENT / "en" / "labels.yaml").read_text("utf-8"))
CLINIC, OPT_OUT, SENDER = BRAND["name"], LABELS["sms_opt_out"], BRAND["sms"]["sender"]
SMS = yaml.safe_load((CONTENT / "en" / "sms.yaml").read_text("utf-8"))["messages"]
SHORT_FORMS = [
    item["short"]
    for item in yaml.safe_load((CONTENT / "en" / "contraindications.yaml").read_text("utf-8"))["contraindications"]
]


def wire_segments(encoded: bytes) -> list[bytes]:
    """Split encoded text as a carrier does: 160 septets alone, else 153 a segment, never inside an escape pair."""
    if len(encoded) <= 160:
        return [encoded]
    segments = []
    while encoded:
        cut = 152 if encoded[152:153] == b"\x1b" else 153  # a second byte is never 0x1b, so this starts a pair
        segments.append(encoded[:cut])
        encoded = encoded[cut:]
    return segments


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def build_sms(content: Path, out: Path):
    return run_cli("build", "--content", str(content), "--format", "sms", "--out", str(out))


@pytest.fixture(scope="module")
def sms_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sms") / "build"
    result = build_sms(CONTENT, out)
    assert result.returncode == 0, result.stderr
    return out


def test_each_message_and_the_sidecar_are_written(sms_build):
    locales = sorted(p.name for p in CONTENT.iterdir() if (p / "sms.yaml").is_file())
    assert locales == ["en", "es"]
    expected = {}
    for locale in locales:
        ids = [m["id"] for m in yaml.safe_load((CONTENT / locale / "sms.yaml").read_text("utf-8"))["messages"]]
        written = sorted(p.name for p in (sms_build / "sms" / locale).iterdir())
        assert written == sorted([f"{i}.txt" for i in ids] + ["keywords.json", "messages.json"])
        expected |= {f"sms/{locale}/{i}.txt": ("sms", locale, "message") for i in ids}
        expected[f"sms/{locale}/messages.json"] = ("sms", locale, "sidecar")
        expected[f"sms/{locale}/keywords.json"] = ("sms", locale, "keywords")
    expected |= {f"sms/registration.{ext}": ("sms", None, "registration") for ext in ("json", "md")}
    manifest = json.loads((sms_build / "manifest.json").read_text("utf-8"))
    roles = {e["path"]: (e["format"], e["locale"], e["role"]) for e in manifest["artifacts"]}
    assert roles == expected


@pytest.mark.parametrize("message", SMS, ids=[m["id"] for m in SMS])
def test_message_is_gsm7_within_budget_and_names_the_clinic_and_the_opt_out(sms_build, message):
    raw = (sms_build / "sms" / "en" / f"{message['id']}.txt").read_bytes()
    text = raw.decode("utf-8")
    encoded = text.encode(GSM, "strict")
    assert encoded.decode(GSM) == text
    segments = wire_segments(encoded)
    assert all(segment.decode(GSM) for segment in segments)  # no segment ends halfway through a character
    assert len(segments) <= message["segments"]
    assert text.startswith(f"{SENDER}: ")
    assert text.endswith(f" {OPT_OUT}")
    assert text.count(SENDER) == 1 and text.count(OPT_OUT) == 1
    assert not raw.endswith(b"\n")
    assert "  " not in text and ".." not in text and " ." not in text and " ," not in text
    assert not re.search(r"[{}]", text), "a placeholder was left in"


def test_sidecar_numbers_agree_with_the_codec(sms_build):
    folder = sms_build / "sms" / "en"
    raw = (folder / "messages.json").read_bytes()
    sidecar = json.loads(raw)
    assert raw == (json.dumps(sidecar, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    assert list(sidecar) == ["locale", "status", "sender", "messages"]
    # no clinician has signed off the English: a draft, and no message is ready to send
    assert (sidecar["locale"], sidecar["status"], sidecar["sender"]) == ("en", "draft", SENDER)
    assert [entry["id"] for entry in sidecar["messages"]] == [m["id"] for m in SMS]
    for entry, message in zip(sidecar["messages"], SMS):
        text = (folder / f"{message['id']}.txt").read_text("utf-8")
        encoded = text.encode(GSM, "strict")
        assert list(entry) == [
            "id",
            "description",
            "encoding",
            "characters",
            "septets",
            "code_units",
            "segments",
            "budget",
            "ready_to_send",
            "text",
            "purpose",
            "consent",
            "frequency",
        ]
        assert entry == {
            "id": message["id"],
            "description": message["description"],
            "encoding": "GSM-7",
            "characters": len(text),
            "septets": len(encoded),
            "code_units": None,
            "segments": len(wire_segments(encoded)),
            "budget": message["segments"],
            "ready_to_send": False,
            "text": text,
            "purpose": message["purpose"],
            "consent": entry["consent"],
            "frequency": BRAND["sms"]["frequency"][message["purpose"]],
        }


def test_messages_are_ready_to_send_only_while_a_sign_off_covers_them(content_copy, tmp_path):
    signed = run_cli("signoff", "--locale", "en", "--by", "Dana Ruiz, PT, DPT", "--content", str(content_copy))
    assert signed.returncode == 0, signed.stderr
    out = tmp_path / "build"
    assert build_sms(content_copy, out).returncode == 0
    sidecar = json.loads((out / "sms" / "en" / "messages.json").read_text("utf-8"))
    assert sidecar["status"] == "approved" and [m["ready_to_send"] for m in sidecar["messages"]] == [True] * 3
    texts = {m["id"]: m["text"] for m in sidecar["messages"]}
    # a short form is what the message says: changed after the sign-off, no message is ready any more
    path = content_copy / "en" / "contraindications.yaml"
    path.write_text(path.read_text("utf-8").replace("short: ", "short: any ", 1), "utf-8")
    assert build_sms(content_copy, out).returncode == 0
    sidecar = json.loads((out / "sms" / "en" / "messages.json").read_text("utf-8"))
    assert sidecar["status"] == "draft" and [m["ready_to_send"] for m in sidecar["messages"]] == [False] * 3
    assert texts["booking-invitation"] == sidecar["messages"][0]["text"]  # the texts themselves never say so


def test_api_composes_what_the_build_writes(sms_build):
    page = load_content(CONTENT).locales["en"]
    for message, text, measurement in messages(page):
        assert (sms_build / "sms" / "en" / f"{message.id}.txt").read_text("utf-8") == text
        assert measurement == measure(text)


def test_build_is_byte_identical_when_repeated(sms_build, tmp_path):
    assert build_sms(CONTENT, tmp_path / "again").returncode == 0
    assert tree(tmp_path / "again") == tree(sms_build)


def test_codec_writes_extension_characters_as_two_septets():
    for ch in "€[]{}^\\|~":
        assert len(ch.encode(GSM, "strict")) == 2, ch
    assert len("@£$¥èé".encode(GSM, "strict")) == 6


@pytest.mark.parametrize(
    "text, septets, segments",
    [
        ("a" * 160, 160, 1),
        ("a" * 161, 161, 2),
        ("a" * 306, 306, 2),
        ("a" * 307, 307, 3),
        ("a" * 158 + "€", 160, 1),
        ("a" * 159 + "€", 161, 2),
        ("[", 2, 1),
        ("a" * 152 + "€" + "a" * 152, 306, 3),  # the escape pair cannot straddle segments 1 and 2
    ],
)
def test_measure_counts_septets_and_segments(text, septets, segments):
    assert measure(text) == Measurement("GSM-7", len(text), septets, segments)
    assert measure(text).septets == len(text.encode(GSM))
    assert measure(text).segments == len(wire_segments(text.encode(GSM)))


@pytest.mark.parametrize(
    "text, segments",
    [
        ("中" * 70, 1),
        ("中" * 71, 2),
        ("中" * 134, 2),
        ("中" * 135, 3),
        ("😀" * 35, 1),  # an emoji takes two UTF-16 units
        ("😀" * 36, 2),
        ("a" * 159 + "😀", 3),  # one emoji turns a 2-segment text into 161 units of UCS-2
    ],
)
def test_measure_detects_ucs2(text, segments):
    with pytest.raises(UnicodeEncodeError):
        text.encode(GSM, "strict")
    measurement = measure(text)
    assert (measurement.encoding, measurement.characters, measurement.septets) == ("UCS-2", len(text), None)
    assert measurement.segments == segments


@pytest.mark.parametrize("segments", [1, 2, 3, 4])
@pytest.mark.parametrize("encoding, character", [("GSM-7", "a"), ("UCS-2", "中")])
def test_capacity_is_the_most_that_fits_in_a_budget(segments, encoding, character):
    full = character * capacity(segments, encoding)
    assert (measure(full).encoding, measure(full).segments) == (encoding, segments)
    assert measure(full + character).segments == segments + 1


def test_typography_is_made_plain_before_encoding():
    page = load_content(CONTENT).locales["en"]
    message = page.sms[0]._replace(body="“Curly” ‘quotes’ — dash… and\u00a0non-breaking\u2009spaces – or\n  not.")
    text = compose(page, message)
    assert text == f"{SENDER}: \"Curly\" 'quotes' - dash... and non-breaking spaces - or not. {OPT_OUT}"
    assert measure(text).encoding == "GSM-7"


def test_typography_in_content_reaches_the_phone_plain(content_copy, tmp_path):
    sms = content_copy / "en" / "sms.yaml"
    sms.write_text(sms.read_text("utf-8").replace("is normal.", "is normal — it’s\u00a0expected…"), "utf-8")
    assert build_sms(content_copy, tmp_path / "build").returncode == 0
    text = (tmp_path / "build" / "sms" / "en" / "aftercare.txt").read_text("utf-8")
    assert "is normal - it's expected... Drink" in text
    text.encode(GSM, "strict")


@pytest.mark.parametrize(
    "count, joined",
    [
        (1, SHORT_FORMS[0]),
        (2, f"{SHORT_FORMS[0]} or {SHORT_FORMS[1]}"),
        (3, f"{SHORT_FORMS[0]}, {SHORT_FORMS[1]}, or {SHORT_FORMS[2]}"),  # CLDR's English "or" list
    ],
)
def test_contraindications_are_joined_as_a_sentence_reads(count, joined):
    page = load_content(CONTENT).locales["en"]
    page = page._replace(contraindications=page.contraindications[:count])
    message = page.sms[0]._replace(body="Tell us if you have {contraindications}.")
    assert compose(page, message) == f"{SENDER}: Tell us if you have {joined}. {OPT_OUT}"


def test_a_contraindication_without_a_short_form_runs_on_with_its_label():
    page = load_content(CONTENT).locales["en"]
    first = page.contraindications[0]._replace(short=None, label="A bleeding disorder")
    page = page._replace(contraindications=(first, first._replace(short=None, label="HIV")))
    message = page.sms[0]._replace(body="If you have {contraindications}, call.")
    assert compose(page, message) == f"{SENDER}: If you have a bleeding disorder or HIV, call. {OPT_OUT}"


def _line_of(path: Path, pattern: str, after: int = 0) -> int:
    lines = path.read_text("utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if i > after and re.search(pattern, line))


def test_a_message_over_its_budget_fails_the_build_and_keeps_the_previous_one(content_copy, tmp_path):
    out = tmp_path / "build"
    assert build_sms(content_copy, out).returncode == 0
    before = tree(out)
    encoded = (out / "sms" / "en" / "aftercare.txt").read_text("utf-8").encode(GSM)
    assert len(wire_segments(encoded)) == 2
    sms = content_copy / "en" / "sms.yaml"
    source = sms.read_text("utf-8")
    sms.write_text(re.sub(r"(id: aftercare\n(?:    .*\n)*?    segments:) 2", r"\1 1", source), "utf-8")
    assert sms.read_text("utf-8") != source

    result = build_sms(content_copy, out)
    assert result.returncode == 1
    line = _line_of(sms, r"- id: aftercare")
    # the build validates in full (lints included) before rendering: the budget is refused as a content error
    errors = [line for line in result.stderr.splitlines() if not re.search(r": (warning|note|info): ", line)]
    assert errors[0].startswith(
        f"{sms}:{line}:5: messages[2]: text message 'aftercare' is too long: it would be sent as 2 texts joined "
        f"together, and its budget is 1 ({len(encoded)} septets as GSM-7 = 2 segments) (hint: "
    )
    assert errors[1:] == ["error: 1 problem(s) in content"]
    assert "Traceback" not in result.stderr
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build", "content"]  # no staging folder left behind


def test_an_emoji_in_a_body_fails_the_build_naming_it(content_copy, tmp_path):
    sms = content_copy / "en" / "sms.yaml"
    sms.write_text(sms.read_text("utf-8").replace("Concerns?", "Concerns? 😀"), "utf-8")
    result = build_sms(content_copy, tmp_path / "build")
    assert result.returncode == 1
    line = _line_of(sms, r"^    body: >-$", after=_line_of(sms, r"- id: aftercare"))
    page = load_content(content_copy).locales["en"]
    units = len(compose(page, page.sms[2]).encode("utf-16-le")) // 2  # the emoji is a surrogate pair
    cost = f"as UCS-2: {-(-units // 67)} segments ({units} UTF-16 code units)"
    assert (
        f"{sms}:{line}:11: messages[2].body: text message 'aftercare' has a character a plain text cannot "
        f"carry, '😀' (U+1F600 GRINNING FACE), so it would be sent in Unicode, where a text holds fewer "
        f"characters (not GSM-7; {cost}); its budget is 2 "
        f"(hint: add `encoding: ucs2` to the message if the language needs these letters ({cost}), "
        "otherwise replace it with plain text)" in result.stderr
    )
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "build").exists()


def test_a_character_from_the_clinic_name_fails_the_message_that_draws_it_in(content_copy, tmp_path):
    brand = content_copy / "brand.yaml"
    brand.write_text(brand.read_text("utf-8").replace(f"name: {CLINIC}", f"name: {CLINIC}™"), "utf-8")
    sms = content_copy / "en" / "sms.yaml"
    sms.write_text(sms.read_text("utf-8").replace("Concerns? {url:contact}", "{clinic}: {url:contact}"), "utf-8")
    result = build_sms(content_copy, tmp_path / "build")
    assert result.returncode == 1
    problems = [line for line in result.stderr.splitlines() if "'™' (U+2122 TRADE MARK SIGN)" in line]
    assert [re.search(r"text message '([^']+)'", line).group(1) for line in problems] == ["aftercare"]
    assert all("the clinic's name" in line for line in problems)
    assert result.stderr.endswith("error: 1 problem(s) in content\n")


def test_the_list_conjunction_comes_from_cldr_for_the_locale(content_copy):
    shutil.copytree(content_copy / "en", content_copy / "pl")  # English text, Polish conventions
    assert "list_or" not in (content_copy / "pl" / "labels.yaml").read_text("utf-8")
    content = load_content(content_copy)
    joined = {
        locale: compose(page, page.sms[0]._replace(body="{contraindications}."))
        for locale, page in content.locales.items()
    }
    assert "past reactions to needles or injections lub pregnancy (current or planned)." in joined["pl"]
    assert "past reactions to needles or injections, or pregnancy (current or planned)." in joined["en"]
    assert "reacciones previas a agujas o inyecciones o embarazo (actual o planeado)." in joined["es"]


def test_short_forms_say_what_the_approved_contraindications_say(content_copy):
    content = load_content(content_copy)
    english, spanish = (
        compose(content.locales[locale], content.locales[locale].sms[0]._replace(body="{contraindications}."))
        for locale in ("en", "es")
    )
    for kept in (
        "a weak immune system or take immunosuppressant medications",  # not the immune system alone
        "past reactions to needles or injections",
        "a pacemaker or other electrical implant",
    ):
        assert kept in english
    for kept in (
        "un sistema inmunitario débil o toma inmunosupresores",
        "reacciones previas a agujas o inyecciones",
        "un marcapasos u otro implante eléctrico",
    ):
        assert kept in spanish


LOCALES = ("en", "es")


def _sms_yaml(locale: str) -> dict:
    return yaml.safe_load((CONTENT / locale / "sms.yaml").read_text("utf-8"))


def real_segments(text: str) -> int:
    """Segments as carriers count them: the gsm0338 codec's septets, else UTF-16 code units."""
    try:
        return len(wire_segments(text.encode(GSM, "strict")))
    except UnicodeEncodeError:
        units = len(text.encode("utf-16-le")) // 2
        return 1 if units <= 70 else -(-units // 67)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_text_and_reply_starts_with_the_sender_within_three_segments(sms_build, locale):
    folder = sms_build / "sms" / locale
    texts = [entry["text"] for entry in json.loads((folder / "messages.json").read_text("utf-8"))["messages"]]
    replies = json.loads((folder / "keywords.json").read_text("utf-8"))["replies"]
    for text in texts + [reply["text"] for reply in replies.values()]:
        assert text.startswith(f"{SENDER}: "), text
        assert real_segments(text) <= 3, text
        assert "tel:" not in text
    for reply in replies.values():
        assert reply["segments"] == real_segments(reply["text"]) <= reply["budget"]


def test_spanish_costs_at_most_one_and_a_half_times_the_english_and_keeps_its_accents(sms_build):
    cost = {
        locale: sum(
            real_segments(entry["text"])
            for entry in json.loads((sms_build / "sms" / locale / "messages.json").read_text("utf-8"))["messages"]
        )
        for locale in LOCALES
    }
    assert cost["es"] <= 1.5 * cost["en"], cost
    spanish = " ".join(
        (sms_build / "sms" / "es" / f"{m['id']}.txt").read_text("utf-8") for m in _sms_yaml("es")["messages"]
    )
    assert all(letter in spanish for letter in "éíó¿"), "accents were dropped"


@pytest.mark.parametrize("locale", LOCALES)
def test_purpose_consent_and_frequency_are_exported(sms_build, locale):
    sidecar = json.loads((sms_build / "sms" / locale / "messages.json").read_text("utf-8"))
    purposes = {entry["id"]: entry["purpose"] for entry in sidecar["messages"]}
    assert purposes == {"booking-invitation": "marketing", "before-your-visit": "care", "aftercare": "care"}
    for entry in sidecar["messages"]:
        assert entry["frequency"] == BRAND["sms"]["frequency"][entry["purpose"]]
        if entry["purpose"] == "marketing":
            assert "written consent" in entry["consent"]
        else:
            assert entry["frequency"] == {"per_day": 1, "per_week": 3}
            assert "book" not in entry["text"].lower() and "reserv" not in entry["text"].lower()


def test_a_text_about_contraindications_links_to_the_full_list_rather_than_narrowing_it(sms_build):
    for locale in LOCALES:
        text = (sms_build / "sms" / locale / "before-your-visit.txt").read_text("utf-8")
        assert BRAND["links"][0]["url"] in text  # the page (its url, else the clinic's website)
        shorts = [
            item["short"]
            for item in yaml.safe_load((CONTENT / locale / "contraindications.yaml").read_text("utf-8"))[
                "contraindications"
            ]
        ]
        assert not any(short in text for short in shorts)


@pytest.mark.parametrize(
    "locale, stop, help_, start, rates",
    [
        ("en", ["STOP"], ["HELP"], ["START"], "Msg & data rates may apply."),
        ("es", ["STOP", "ALTO"], ["HELP", "AYUDA"], ["START"], "Pueden aplicarse tarifas de mensajes y datos."),
    ],
)
def test_keyword_replies_answer_the_carriers_keywords(sms_build, locale, stop, help_, start, rates):
    document = json.loads((sms_build / "sms" / locale / "keywords.json").read_text("utf-8"))
    assert (document["locale"], document["sender"], list(document["replies"])) == (
        locale,
        SENDER,
        ["stop", "help", "start"],
    )
    replies = document["replies"]
    assert [replies[key]["keywords"] for key in ("stop", "help", "start")] == [stop, help_, start]
    contact = next(link["url"] for link in BRAND["links"] if link["id"] == "contact")
    assert contact in replies["help"]["text"] and rates in replies["help"]["text"]
    assert any(word in replies["help"]["text"] for word in stop)
    assert "START" in replies["stop"]["text"]
    assert any(word in replies["start"]["text"] for word in stop) and rates in replies["start"]["text"]
    for reply in replies.values():
        assert reply["text"].startswith(f"{SENDER}: ")
        assert reply["segments"] == real_segments(reply["text"])


def test_registration_packet_carries_the_built_texts(sms_build):
    packet = json.loads((sms_build / "sms" / "registration.json").read_text("utf-8"))
    folder = sms_build / "sms" / "en"
    built = [(folder / f"{m['id']}.txt").read_text("utf-8") for m in SMS]
    assert [sample["text"] for sample in packet["sample_messages"]] == built and len(built) >= 2
    replies = json.loads((folder / "keywords.json").read_text("utf-8"))["replies"]
    assert (packet["opt_in_message"], packet["opt_out_message"], packet["help_message"]) == (
        replies["start"]["text"],
        replies["stop"]["text"],
        replies["help"]["text"],
    )
    assert packet["keywords"] == {"opt_in": ["START"], "opt_out": ["STOP", "ALTO"], "help": ["HELP", "AYUDA"]}
    assert packet["brand"] == {"name": CLINIC, "sender": SENDER, "website": BRAND["links"][0]["url"]}
    assert (packet["use_case"], packet["description"], packet["opt_in"]) == (
        BRAND["sms"]["registration"]["use_case"],
        BRAND["sms"]["registration"]["description"],
        BRAND["sms"]["registration"]["opt_in"],
    )
    readable = (sms_build / "sms" / "registration.md").read_text("utf-8")
    assert all(text in readable for text in built + [packet["opt_in"], packet["help_message"]])


@pytest.mark.parametrize(
    "edit, found",
    [
        (
            ("Concerns? {url:contact}", "Concerns? Book online: {url:book-online}"),
            "sms care message 'aftercare': a care message may not invite the patient to book ('Book Online', "
            "https://www.example.com/book-online)",
        ),
        (("purpose: marketing", "purpose: promo"), "messages[0].purpose: 'promo' is not one of: care, marketing"),
        (("keywords: [HELP]", "keywords: [INFO]"), "keywords.help.keywords"),
        (("Help: {url:contact}", "Help is here."), "sms reply 'help': it gives no contact"),
        (
            ("segments: 2\n    body: >-\n      After", "segments: 4\n    body: >-\n      After"),
            "messages[2].segments: 4 is above the maximum of 3",
        ),
    ],
)
def test_validate_refuses_a_text_against_its_purpose_or_the_carriers_rules(content_copy, edit, found):
    sms = content_copy / "en" / "sms.yaml"
    source = sms.read_text("utf-8")
    assert edit[0] in source
    sms.write_text(source.replace(edit[0], edit[1], 1), "utf-8")
    result = run_cli("validate", "--content", str(content_copy))
    assert result.returncode == 1
    assert found in result.stdout + result.stderr, result.stdout
    assert "Traceback" not in result.stderr


def test_spanish_over_one_and_a_half_times_the_english_is_refused(content_copy):
    sms = content_copy / "en" / "sms.yaml"
    source = sms.read_text("utf-8")
    old = "Thinking about dry needling for muscle pain? A typical session lasts {session_minutes}\n      minutes. "
    assert old in source
    sms.write_text(source.replace(old, ""), "utf-8")  # English: 1 + 2 + 2 segments
    result = run_cli("validate", "--content", str(content_copy))
    assert result.returncode == 1
    assert (
        "es/sms.yaml:8:3: messages: the es messages cost 9 segments, more than 1.5 times the en messages' 5"
        in result.stdout
    ), result.stdout


def test_keyword_replies_are_signed_off_and_tracked_for_translation_like_the_messages(content_copy, tmp_path):
    import polib

    signed = run_cli("signoff", "--locale", "en", "--by", "Dana Ruiz, PT, DPT", "--content", str(content_copy))
    assert signed.returncode == 0, signed.stderr
    out = tmp_path / "build"
    assert build_sms(content_copy, out).returncode == 0
    replies = json.loads((out / "sms" / "en" / "keywords.json").read_text("utf-8"))
    assert replies["status"] == "approved" and all(r["ready_to_send"] for r in replies["replies"].values())
    # a reply changed after the sign-off is no longer covered by it, and the Spanish reply is then stale
    english = content_copy / "en" / "sms.yaml"
    old = "You're unsubscribed and will get no more texts from us."
    assert old in english.read_text("utf-8")
    english.write_text(english.read_text("utf-8").replace(old, "You're unsubscribed, no more texts from us."), "utf-8")
    assert build_sms(content_copy, out).returncode == 0
    for name in ("keywords.json", "messages.json"):
        document = json.loads((out / "sms" / "en" / name).read_text("utf-8"))
        assert document["status"] == "draft"
    validated = run_cli("validate", "--content", str(content_copy))
    assert "keywords.stop.reply: stale translation:" in validated.stdout, validated.stdout
    # the PO file carries it, fuzzy with the English it was made from; importing the corrected reply clears it
    target = tmp_path / "es.po"
    assert (
        run_cli("i18n", "export", "--locale", "es", "--content", str(content_copy), "-o", str(target)).returncode == 0
    )
    po = polib.pofile(str(target))
    (stop,) = [e for e in po if e.msgctxt == "sms/keywords/stop/reply"]
    assert stop.fuzzy and old in stop.previous_msgid and "no more texts from us." in stop.msgid
    assert [e.msgctxt for e in po if e.msgctxt.startswith("sms/keywords/")] == [
        "sms/keywords/stop/reply",
        "sms/keywords/help/reply",
        "sms/keywords/start/reply",
    ]
    stop.msgstr, stop.previous_msgid = "Se ha dado de baja, no recibirá más mensajes. Responda START para volver.", None
    stop.flags.remove("fuzzy")
    po.save(str(target))
    imported = run_cli("i18n", "import", str(target), "--content", str(content_copy))
    assert imported.returncode == 0, imported.stderr
    assert "reply: Se ha dado de baja, no recibirá más mensajes." in (content_copy / "es" / "sms.yaml").read_text(
        "utf-8"
    )
    assert "stale translation" not in run_cli("validate", "--content", str(content_copy)).stdout
