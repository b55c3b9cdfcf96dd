"""Random exports for app teams: valid against the published schema, reproducible from a seed.

Each export is drawn from a generation schema: the strict export schema with its text, ids, URLs, locales and
dates handed to strategies of our own (hypothesis-jsonschema's `custom_formats`) and its list sizes set by the
fixture's profile; its objects and lists become Hypothesis strategies once, and hypothesis-jsonschema draws
the values in them. Fixture i uses profile i mod 5, so any five consecutive fixtures hold text in other
scripts, right-to-left text, long strings, empty lists and nulls, and lists of many items.
"""

from __future__ import annotations

import copy
import datetime
import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from random import Random

from .channels.json import (
    INDEX_REVIEW,
    INDEX_SCHEMA_FILE,
    SCHEMA_VERSION,
    consumer_schema,
    contract_files,
    dumps,
    revision,
    role,
    strict_schema,
)

PROFILES = ("scripts", "rtl", "long", "empty", "many")

# Words to build text from, per script. Latin carries what renderers get wrong: markup-like text that must be
# escaped, curly quotes, combining accents, no-break and soft hyphens.
WORDS = {
    "latin": (
        "needle",
        "muscle",
        "trigger",
        "point",
        "session",
        "therapist",
        "soreness",
        "relief",
        "café",
        "naïve",
        "São Paulo",
        "Łódź",
        "Ångström",
        "e\u0301clair",
        "it’s",
        "“quoted”",
        "O'Brien",
        "<b>not bold</b>",
        "a < b & c > d",
        "&amp;",
        "15\u00a0minutes",
        "physio\u00adtherapy",
        "50 %",
    ),
    "cyrillic": (
        "игла",
        "мышца",
        "боль",
        "терапевт",
        "сеанс",
        "облегчение",
        "триггерная",
        "точка",
        "Київ",
        "лікування",
        "Србија",
    ),
    "greek": ("βελόνα", "μυς", "πόνος", "θεραπεία", "συνεδρία"),
    "cjk": (
        "针刺",
        "肌肉",
        "疼痛",
        "治疗师",
        "療程",
        "ドライニードリング",
        "筋肉",
        "痛み",
        "治療",
        "침",
        "근육",
        "통증",
        "치료",
    ),
    "indic": ("सुई", "मांसपेशी", "दर्द", "चिकित्सक", "উপশম"),
    "thai": ("เข็ม", "กล้ามเนื้อ", "ความเจ็บปวด"),
    "emoji": ("💉", "👩‍⚕️", "🧑🏽‍⚕️", "🇧🇷", "✅", "⚠️"),
    "arabic": ("الإبر", "الجافة", "العضلات", "الألم", "المعالج", "جلسة", "العلاج", "نقطة", "الزناد"),
    "hebrew": ("מחט", "יבשה", "שריר", "כאב", "מטפל", "טיפול", "פגישה"),
    "persian": ("سوزن", "خشک", "عضله", "درد", "درمانگر", "جلسه"),
}
UNSPACED = {"cjk", "thai"}  # scripts written without spaces between words
SCRIPTS = tuple(name for name in WORDS if name not in ("arabic", "hebrew", "persian"))
RTL = ("arabic", "hebrew", "persian")
ID_WORDS = (
    "neck",
    "back",
    "pain",
    "shoulder",
    "knee",
    "hip",
    "risk",
    "bruising",
    "soreness",
    "before",
    "during",
    "after",
    "results",
    "contact",
    "book",
    "online",
    "call",
    "website",
    "tension",
    "headache",
    "2",
    "10",
)
LOCALES = {
    "scripts": ("ru", "uk", "el", "zh-Hant", "zh-Hans", "ja", "ko", "hi", "th", "sr-Latn-RS"),
    "rtl": ("ar", "he", "fa", "ar-EG", "ur"),
    "default": ("en", "es", "es-419", "pt-BR", "fr-CA", "de-CH"),
}
HOSTS = ("www.example.com", "clinic.example.org", "example.net", "xn--caf-dma.example")
EMAILS = ("front-desk@example.com", "info@clinic.example.org", "rezeption@praxis.example", "info@café.example")
PHONES = ("(555) 010-0100", "+1 555 0100", "+44 20 7946 0000", "٠٢١٢٣٤٥٦٧٨", "555.0123")
CONTACT_URLS = ("tel:+1-555-0100", "tel:(555)0123", "mailto:front-desk@example.com")


def export_fixtures(count: int, seed: int = 0) -> Iterator[dict]:
    """`count` export documents, each valid against the published schema; the same seed gives the same ones."""
    from jsonschema import Draft202012Validator

    published = consumer_schema()
    validator = Draft202012Validator(published, format_checker=Draft202012Validator.FORMAT_CHECKER)
    strategies: dict[str, object] = {}
    for index in range(count):
        profile = PROFILES[index % len(PROFILES)]
        if profile not in strategies:  # built when first needed: --count 1 builds one
            strategies[profile] = _strategy(profile)
        document = _tidy(_draw(strategies[profile], seed, index), profile)
        errors = sorted(validator.iter_errors(document), key=str)
        if errors:  # a fault in the generator, not in anything a user gave
            raise AssertionError(f"fixture {index + 1} ({profile}) is not a valid export: {errors[0].message}")
        yield _ordered(document, published)


def write_fixtures(
    out: Path, count: int, seed: int = 0, progress: Callable[[int, int], None] | None = None
) -> list[Path]:
    """Write a whole json/ folder into `out` (created if needed): fixture-001.json ..., the index.json that lists
    them, and the schemas and types a build publishes beside them. Nothing else is written or removed.

    `progress(written, count)` is called after each export.
    """
    out.mkdir(parents=True, exist_ok=True)
    width = max(3, len(str(count)))
    written, exports = [], {}
    for number, document in enumerate(export_fixtures(count, seed), start=1):
        path = out / f"fixture-{number:0{width}d}.json"
        data = dumps(document)
        path.write_bytes(data)
        written.append(path)
        exports[path.name] = (document, data)
        if progress:
            progress(number, count)
    for name, _, data in contract_files():
        (out / name).write_bytes(data)
        written.append(out / name)
    (out / "index.json").write_bytes(dumps(fixture_index(exports)))
    return written + [out / "index.json"]


def fixture_index(exports: dict[str, tuple[dict, bytes]]) -> dict:
    """index.json for fixture exports, by file name: the first is the source locale, the rest its translations.

    The fixtures are unrelated documents, so the index takes its id and source locale from the first.
    """
    first = next(iter(exports.values()))[0] if exports else {"id": "fixtures", "locale": "en"}
    return {
        "$schema": INDEX_SCHEMA_FILE,
        "schema_version": SCHEMA_VERSION,
        "id": first["id"],
        "source_locale": first["locale"],
        "exports": [
            {
                "locale": document["locale"],
                "path": name,
                "sha256": hashlib.sha256(data).hexdigest(),
                "revision": document["revision"],
                "title": document["title"],
                "review": {key: document["review"][key] for key in INDEX_REVIEW},
                "schema_version": document["schema_version"],
                "translated_from": None if number == 0 else first["locale"],
            }
            for number, (name, (document, data)) in enumerate(exports.items())
        ],
    }


def _draw(strategy, seed: int, index: int):
    """One value of `strategy`, fixed by (seed, index) alone.

    Hypothesis' public entry points choose their own randomness, and its provider mixes in constants found
    in whatever local modules the process has imported; both would make a seed give different files in
    different processes. So the draw runs on a ConjectureData fed by our own Random, with a provider that
    knows no local constants. A draw that runs out of room or is filtered away is tried again with the next
    derived seed.
    """
    from hypothesis.control import BuildContext
    from hypothesis.errors import StopTest
    from hypothesis.internal.conjecture.data import ConjectureData
    from hypothesis.internal.conjecture.providers import HypothesisProvider

    class Provider(HypothesisProvider):
        def _maybe_draw_constant(self, choice_type, constraints, *, p=0.05):
            return None  # no constants from imported modules: the output depends on the seed alone

    for attempt in range(100):
        digest = hashlib.sha256(f"dncontent-fixtures:{seed}:{index}:{attempt}".encode()).digest()
        data = ConjectureData(random=Random(int.from_bytes(digest[:8], "big")), provider=Provider)
        try:
            with BuildContext(data, wrapped_test=_draw):
                return data.draw(strategy)
        except StopTest:
            continue
    raise AssertionError(f"could not draw fixture {index + 1} from seed {seed}")


def _strategy(profile: str):
    from hypothesis import strategies as st
    from hypothesis_jsonschema import from_schema

    https = st.builds(
        lambda host, path, tail: f"https://{host}/{'/'.join(path)}{tail}",
        st.sampled_from(HOSTS),
        st.lists(st.sampled_from(ID_WORDS + ("%D8%B9%D9%84%D8%A7%D8%AC",)), max_size=3),
        st.sampled_from(("", "", "?lang=es", "#book")),
    )
    formats = {
        "dncontent-text": _text(st, profile),
        "dncontent-id": st.lists(st.sampled_from(ID_WORDS), min_size=1, max_size=3).map("-".join),
        "dncontent-url": st.one_of(https, st.sampled_from(CONTACT_URLS)),
        "dncontent-https": https,
        "dncontent-email": st.sampled_from(EMAILS),
        "dncontent-phone": st.sampled_from(PHONES),
        "dncontent-locale": st.sampled_from(LOCALES.get(profile, LOCALES["default"])),
        "dncontent-date": st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2035, 12, 31)).map(
            datetime.date.isoformat
        ),
    }
    return _compose(_generation_schema(profile), lambda leaf: from_schema(leaf, custom_formats=formats))


# Keywords of the objects, lists and either-or nodes _compose builds itself; anything else goes to the leaf's.
_OBJECT = {"$schema", "type", "properties", "required", "additionalProperties", "title", "description"}
_LIST = {"type", "items", "minItems", "maxItems", "title", "description"}
_EITHER = {"anyOf", "title", "description"}


def _compose(node: dict, leaf):
    """A strategy for `node`, built once: objects whose every property is required become fixed dictionaries,
    lists lists of their items, `anyOf` a choice; what is left (strings, numbers, constants) goes to `leaf`.

    hypothesis-jsonschema builds the strategy of an object's properties again at every draw of the object,
    which took most of the time a fixture takes; the export's objects, all keys present, need none of that.
    """
    from hypothesis import strategies as st

    if (
        node.keys() <= _OBJECT
        and node.get("type") == "object"
        and node.get("additionalProperties") is False
        and set(node.get("required", ())) == set(node.get("properties", {}))
    ):
        return st.fixed_dictionaries({key: _compose(value, leaf) for key, value in node["properties"].items()})
    if node.keys() <= _LIST and node.get("type") == "array" and isinstance(node.get("items"), dict):
        return st.lists(_compose(node["items"], leaf), min_size=node.get("minItems", 0), max_size=node.get("maxItems"))
    if node.keys() <= _EITHER and "anyOf" in node:
        return st.one_of([_compose(choice, leaf) for choice in node["anyOf"]])
    return leaf(node)


def _text(st, profile: str):
    """Plain text for one profile: words of a script joined the way that script joins them."""

    def words(script: str, low: int, high: int):
        # One drawn number seeds the choice of every word: a text is one choice for Hypothesis, not one per word
        # (drawing word by word took most of a fixture's time)
        joiner, pool = ("" if script in UNSPACED else " "), WORDS[script]

        def pick(number: int) -> str:
            rng = Random(number)
            return joiner.join(rng.choice(pool) for _ in range(rng.randint(low, high)))

        return st.integers(0, 2**64 - 1).map(pick)

    if profile == "scripts":
        mixed = st.lists(st.sampled_from(SCRIPTS).flatmap(lambda s: words(s, 1, 4)), min_size=1, max_size=3)
        return mixed.map(" ".join)
    if profile == "rtl":  # right-to-left sentences with left-to-right names and numbers inside
        embedded = st.sampled_from(("MRI", "15–30", "Jubilant Therapy", "+1 555 0100", "2026", "TENS"))
        rtl = st.sampled_from(RTL).flatmap(lambda s: words(s, 1, 6))
        part = st.one_of(rtl, rtl, rtl, embedded)
        return st.lists(part, min_size=1, max_size=4).map(" ".join)
    if profile == "long":  # a few drawn sentences said over and over: some 300 to 9,000 characters
        sentences = st.lists(words("latin", 6, 14), min_size=2, max_size=5).map(". ".join)
        return st.builds(lambda text, times: " ".join([text + "."] * times), sentences, st.integers(5, 25))
    return words("latin", 1, 8)


def _generation_schema(profile: str) -> dict:
    """The strict schema, steered: our strategies for text, ids, URLs, locales and dates; list sizes per profile."""
    schema = copy.deepcopy(strict_schema())
    schema["properties"]["cta"].pop("contains")  # _tidy makes one call to action the booking one
    for name, node in _subschemas(schema):
        _steer(name, node, profile)
    schema["properties"]["facts"]["properties"]["session_minutes"]["properties"]["min"]["maximum"] = 120
    schema["properties"]["facts"]["properties"]["session_minutes"]["properties"]["max"]["maximum"] = 120
    return schema


def _subschemas(node, name: str = ""):
    """(property name, subschema) for every subschema, depth first."""
    if isinstance(node, dict):
        yield name, node
        for key, value in node.items():
            if key == "properties":
                for prop, sub in value.items():
                    yield from _subschemas(sub, prop)
            elif isinstance(value, (dict, list)):
                yield from _subschemas(value, name)
    elif isinstance(node, list):
        for item in node:
            yield from _subschemas(item, name)


TOP_LISTS = ("conditions", "risks", "contraindications", "session_phases")


def _steer(name: str, node: dict, profile: str) -> None:
    kinds = node["type"] if isinstance(node.get("type"), list) else [node.get("type")]
    if "string" in kinds and "const" not in node and "enum" not in node:
        pattern = node.pop("pattern", "")
        if name in ("locale", "email", "phone"):
            node["format"] = f"dncontent-{name}"
        elif node.get("format") == "date":
            node["format"] = "dncontent-date"
        elif pattern.startswith("^(https://"):
            node["format"] = "dncontent-url" if "tel:" in pattern else "dncontent-https"
        elif pattern.startswith("^[a-z0-9]+(-[a-z0-9]+)*$"):
            node["format"] = "dncontent-id"
        elif pattern:
            node["pattern"] = pattern  # colours: hypothesis-jsonschema's own regex strategy suits them
        else:
            node["format"] = "dncontent-text"
    if profile == "empty":
        if "null" in kinds:
            node["type"] = "null"
        if "anyOf" in node and {"type": "null"} in node["anyOf"]:
            node["anyOf"] = [{"type": "null"}]
    if "array" in kinds:
        low = node.get("minItems", 0)
        if profile == "empty":
            node["maxItems"] = low
        elif profile == "many" and name in ("conditions", "risks"):
            node["minItems"], node["maxItems"] = 51, 80
        else:
            node["maxItems"] = max(low, 6)


def _tidy(document: dict, profile: str) -> dict:
    """What a real export also guarantees: unique ids per list, known cta ids, dates and minutes in order, a draft
    without review dates, paths named after the document id, roles that follow links, the text's direction, and
    the revision of it all."""
    for key in TOP_LISTS + ("cta", "sections"):
        _unique_ids(document[key])
    document["direction"] = "rtl" if profile == "rtl" else "ltr"
    doc_id, locale = document["id"], document["locale"]
    if not any(role(cta["link"], cta["url"]) == "booking" for cta in document["cta"]):
        document["cta"][0]["link"] = "booking"  # every export has its booking call to action
    for cta in document["cta"]:
        cta["role"] = role(cta["link"], cta["url"])
    papers = {b["paper"]: b for b in document["brochures"]}  # one brochure per paper
    document["brochures"] = [{**b, "path": f"../pdf/{doc_id}.{locale}.{paper}.pdf"} for paper, b in papers.items()]
    _unique(document["alternates"], "locale")
    for alternate in document["alternates"]:
        alternate["path"] = f"{doc_id}.{alternate['locale']}.json"
    logo = document["brand"]["logo"]
    if logo is not None:
        logo["path"] = "assets/logo." + ("svg" if logo["media_type"] == "image/svg+xml" else "png")
    _unique_ids(document["brand"]["links"])
    cta_ids = [c["id"] for c in document["cta"]]
    for number, section in enumerate(document["sections"]):
        wanted = len(section["cta"]) if cta_ids else 0
        section["cta"] = [cta_ids[(number + k) % len(cta_ids)] for k in range(min(wanted, len(cta_ids)))]
    review, labels = document["review"], document["labels"]
    if review["status"] == "draft" or review["last_reviewed"] is None or review["next_review"] is None:
        # a draft has no review: no dates, no reviewer, and the notice to show with it
        review.update(status="draft", last_reviewed=None, next_review=None, reviewed_by=None)
        labels.update(
            last_reviewed=None, next_review=None, reviewed_by=None, draft_notice=labels["draft_notice"] or "Draft"
        )
    else:
        review["last_reviewed"], review["next_review"] = sorted((review["last_reviewed"], review["next_review"]))
        labels.update(
            last_reviewed=labels["last_reviewed"] or "Last reviewed",
            next_review=labels["next_review"] or "Next review",
            draft_notice=None,
        )
    minutes = document["facts"]["session_minutes"]
    minutes["min"], minutes["max"] = sorted((minutes["min"], minutes["max"]))
    document["revision"] = revision(document)
    return document


def _unique(items: list[dict], key: str) -> None:
    seen: set[str] = set()
    kept = []
    for item in items:
        if item[key] not in seen:
            seen.add(item[key])
            kept.append(item)
    items[:] = kept


def _unique_ids(items: list[dict]) -> None:
    seen: set[str] = set()
    for item in items:
        base, n = item["id"], 1
        while item["id"] in seen:
            n += 1
            item["id"] = f"{base}-{n}"
        seen.add(item["id"])


def _ordered(value, schema: dict):
    """`value` with every object's keys in the order its schema lists them: the export's documented order."""
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        keys = [k for k in properties if k in value] + [k for k in value if k not in properties]
        return {k: _ordered(value[k], properties.get(k, {})) for k in keys}
    if isinstance(value, list):
        return [_ordered(item, schema.get("items", {})) for item in value]
    return value


def fingerprint(paths: list[Path]) -> str:
    """sha256 over the written files, for a summary line that shows two runs wrote the same bytes."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
