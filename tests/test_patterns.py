"""Every `pattern` in the schemas means the same to Python (jsonschema) and to JavaScript (Ajv).

JSON Schema patterns are ECMA-262 regular expressions, but Python's `re` reads the same text differently in
places: its `$` also matches before a final line break, and its `\\s` is another set of characters. Both
validators get the same values for every pattern of every schema, the published build/json/schema.json
included, and must give the same verdict on each; where a pattern holds a whole value (`^...$`), a value that
ends with a line break is refused.
"""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from dncontent.channels.json import SCHEMA_VERSION, consumer_index_schema, consumer_schema
from tests.conftest import ROOT, require

SCHEMA_FILES = sorted((ROOT / "schemas").glob("*.schema.json"))
SCHEMAS = {path.name: json.loads(path.read_text("utf-8")) for path in SCHEMA_FILES}
SCHEMAS["schema.json"] = consumer_schema()  # the published ones, derived from the strict schemas in code
SCHEMAS["published.index.schema.json"] = consumer_index_schema()

URL_CLASS = r"[^\s\x00-\x1f\x7f-\x9f\ufeff"
# What each pattern must accept: values as the content and the export hold them.
MAJOR = SCHEMA_VERSION.split(".")[0]
SAMPLES = {
    r"^[a-z0-9]+(-[a-z0-9]+)*$(?!\n)": ["dry-needling", "neck-pain", "2"],
    rf"^(https://{URL_CLASS}/$.?#]{URL_CLASS}]*|tel:\+?[0-9()\-.]+|mailto:{URL_CLASS}@]+@{URL_CLASS}@]+)$(?!\n)": [
        "https://www.example.com/book-online",
        "https://clínica.example/es/reserva?x=1#top",
        "tel:+1-555-0100",
        "mailto:front-desk@example.com",
    ],
    rf"^https://{URL_CLASS}/$.?#]{URL_CLASS}]*$(?!\n)": ["https://www.example.org/patient-info/"],
    rf"^(https://{URL_CLASS}/$.?#]{URL_CLASS}]*)$(?!\n)": ["https://www.example.org/patient-info/html/en/x.html"],
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$(?!\n)": ["2026-11-20"],
    r"^#[0-9a-fA-F]{6}$(?!\n)": ["#0b5d6b", "#FFFFFF"],
    r"^(?!/)(?!.*\.\.)[A-Za-z0-9._/-]+\.(svg|png)$(?!\n)": ["assets/logo.svg", "logo.png"],
    r"^\+?[0-9()\- .]{7,20}$(?!\n)": ["(555) 010-0100", "+44 20 7946 0000"],
    rf"^{URL_CLASS}@]+@{URL_CLASS}@]+\.{URL_CLASS}@]+$(?!\n)": ["front-desk@example.com", "info@café.example"],
    r"^[A-Za-z0-9 ]{1,11}$(?!\n)": ["Jubilant PT", "Clinic"],
    r"^sha256:[0-9a-f]{64}$(?!\n)": ["sha256:" + "0123456789abcdef" * 4],
    r"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?(-([0-9a-z]{5,8}|[0-9][0-9a-z]{3}))*$(?!\n)": [
        "en",
        "es-419",
        "pt-BR",
        "zh-Hant",
        "sr-Latn-RS",
    ],
    r"^[a-z0-9_-]+(/[a-z0-9_-]+)*$(?!\n)": ["risks/bleeding/label", "title"],
    r"^[0-9a-f]{12}$(?!\n)": ["0123456789ab"],
    r"^[a-z]{2,3}(-[A-Z]{2})?$(?!\n)": ["en", "pt-BR"],
    rf"^{MAJOR}\.[0-9]+\.[0-9]+$(?!\n)": [f"{MAJOR}.0.0", f"{MAJOR}.12.3"],
    r"^[A-Z]{2}$(?!\n)": ["US", "MX"],
    r"^[A-Z]{2,20}$(?!\n)": ["STOP", "AYUDA"],  # keywords patients text
    r"^[A-Z][A-Z_]{1,39}$(?!\n)": ["MIXED", "LOW_VOLUME"],  # 10DLC use cases
    r"^[0-9a-f]{64}$(?!\n)": ["0123456789abcdef" * 4],
    r"^[^\u0000-\u001f\u007f]+$(?!\n)": ["Ana García <ana@example.com>", "Dana Ruiz, PT"],
    # `$schema` in a published document: the schema's file name, alone or at the end of an address
    r"(^|/)schema\.json$(?!\n)": ["schema.json", "https://clinic.example.org/patient-info/json/schema.json"],
    r"(^|/)index\.schema\.json$(?!\n)": ["index.schema.json", "https://clinic.example.org/json/index.schema.json"],
    # Placeholders a label must contain, anywhere in it: line breaks around them are the label's own business
    r"\{date\}": ["Last reviewed {date}"],
    r"\{name\}": ["Reviewed by {name}"],
    r"\{range\}": ["A typical session: {range} minutes"],
    r"\{url\}": ["QR code that opens {url}"],
    r"\{pages\}": ["Page {page} of {pages}"],
    "STOP": ["Reply STOP to opt out."],
}
LINE_BREAKS = ("\n", "\r\n")
# Characters the two dialects have been known to read differently: line terminators (`$`, `.`), and the
# edges of `\s` (Python's takes U+001C-U+001F and U+0085, JavaScript's takes U+FEFF).
PROBES = (
    "\n",
    "\r\n",
    "\r",
    "\u2028",
    "\u2029",
    "\x85",
    "\x1c",
    "\x1f",
    "\x07",
    "\x7f",
    "\ufeff",
    "\u00a0",
    "\u3000",
    " ",
    "\t",
)


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _patterns(node, pointer: str = ""):
    """(JSON pointer, pattern) of every `pattern` keyword in a schema."""
    if isinstance(node, dict):
        if isinstance(node.get("pattern"), str):
            yield pointer, node["pattern"]
        for key, value in node.items():
            yield from _patterns(value, f"{pointer}/{_escape(key)}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _patterns(value, f"{pointer}/{index}")


LOCATIONS = [
    (f"{name}#{pointer}", pattern) for name, schema in SCHEMAS.items() for pointer, pattern in _patterns(schema)
]


def _instances(pattern: str) -> list[str]:
    """The samples, and each of them with every probe character after, before and inside it."""
    values = list(SAMPLES.get(pattern, []))
    for good in SAMPLES.get(pattern, []):
        middle = len(good) // 2
        for probe in PROBES:
            values += [good + probe, probe + good, good[:middle] + probe + good[middle:]]
    return values


# Ajv as an app runs it: draft 2020-12, Unicode patterns (its default, as the specification asks) and, for
# validators that compile without the `u` flag, plain ones too. Formats stay annotations on both sides (the
# Python side has no format checker here): this compares patterns.
AJV = r"""
const Ajv2020 = require("ajv/dist/2020");
const input = JSON.parse(require("fs").readFileSync(0, "utf-8"));
const verdicts = {};
for (const [mode, unicodeRegExp] of [["unicode", true], ["plain", false]]) {
  const ajv = new Ajv2020({validateFormats: false, unicodeRegExp});
  for (const [name, schema] of Object.entries(input.schemas)) ajv.addSchema(schema, name);
  verdicts[mode] = input.cases.map(({ref, instances}) => {
    const validate = ajv.compile({$ref: ref});
    return instances.map((value) => validate(value));
  });
}
process.stdout.write(JSON.stringify(verdicts));
"""


@pytest.fixture(scope="module")
def verdicts() -> dict[str, dict[str, list[bool]]]:
    """{validator: {location: [verdict per instance]}} for Python's jsonschema and for Ajv."""
    require("node", "nodejs")
    if not (ROOT / "node_modules" / "ajv").is_dir():
        pytest.fail("node_modules/ajv is missing; run `npm ci` (or `make test`, which runs it)", pytrace=False)
    cases = [{"ref": ref, "instances": _instances(pattern)} for ref, pattern in LOCATIONS]
    result = subprocess.run(
        ["node", "-e", AJV],
        input=json.dumps({"schemas": SCHEMAS, "cases": cases}),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    javascript = json.loads(result.stdout)

    registry = Registry().with_resources((name, Resource.from_contents(schema)) for name, schema in SCHEMAS.items())
    python = {
        case["ref"]: [
            Draft202012Validator({"$ref": case["ref"]}, registry=registry).is_valid(value)
            for value in case["instances"]
        ]
        for case in cases
    }
    return {
        "jsonschema": python,
        **{f"Ajv ({mode})": dict(zip([c["ref"] for c in cases], found)) for mode, found in javascript.items()},
    }


def test_every_pattern_in_the_schemas_is_checked():
    """A new pattern needs samples here; nothing that takes a pattern escapes the search."""
    assert {pattern for _, pattern in LOCATIONS} == set(SAMPLES)
    for path in SCHEMA_FILES:
        text = path.read_text("utf-8")
        assert len(re.findall(r'"pattern"\s*:', text)) == len(list(_patterns(SCHEMAS[path.name]))), path.name
        assert "patternProperties" not in text, f"{path.name}: check patternProperties' keys here too"
    assert any(ref.startswith("schema.json#") for ref, _ in LOCATIONS)  # the published schema is checked too


@pytest.mark.parametrize("ref, pattern", LOCATIONS, ids=[ref for ref, _ in LOCATIONS])
def test_python_and_javascript_agree(verdicts, ref, pattern):
    instances = _instances(pattern)
    python = verdicts["jsonschema"][ref]
    for name, by_location in verdicts.items():
        found = by_location[ref]
        differ = [f"{value!r}: jsonschema {p}, {name} {j}" for value, p, j in zip(instances, python, found) if p != j]
        assert not differ, f"{ref} ({pattern}):\n" + "\n".join(differ)


@pytest.mark.parametrize("ref, pattern", LOCATIONS, ids=[ref for ref, _ in LOCATIONS])
def test_samples_pass_and_a_final_line_break_is_refused(verdicts, ref, pattern):
    instances = _instances(pattern)
    for name, by_location in verdicts.items():
        verdict = dict(zip(instances, by_location[ref]))
        assert [value for value in SAMPLES[pattern] if not verdict[value]] == [], (name, ref)
        if pattern.startswith(("^", "(^|")):  # the pattern holds the whole value (or its end)
            accepted = [good + end for good in SAMPLES[pattern] for end in LINE_BREAKS if verdict[good + end]]
            assert accepted == [], (name, ref)
