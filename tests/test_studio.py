"""`dncontent studio`: an editor edits the content in real Chromium; saves keep the YAML, refuse what is invalid,
and only the studio's own page can write."""

from __future__ import annotations

import http.client
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from dncontent.studio.edits import make_id
from tests.conftest import CONTENT, require
from tests.test_html_a11y import AXE, node_tool

URL_LINE = re.compile(r"^Studio for (?P<content>.+)/ at (?P<url>http://127\.0\.0\.1:(?P<port>\d+)/) — Ctrl\+C to stop$")
SAVE = 30_000  # ms: a save, checked and shown, on a busy two-core machine
BROCHURE = 120_000  # ms: WeasyPrint prints the brochure again


@dataclass
class Studio:
    process: subprocess.Popen
    url: str
    port: int
    content: Path
    repo: Path

    def post(self, path: str, body: dict, headers: dict[str, str]) -> tuple[int, dict]:
        """A raw POST with exactly these headers, as another page or program would send it."""
        data = json.dumps(body).encode()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.putrequest("POST", path, skip_host=True, skip_accept_encoding=True)
            for name, value in {
                "Host": f"127.0.0.1:{self.port}",
                "Content-Type": "application/json",
                "Content-Length": str(len(data)),
                **headers,
            }.items():
                if value is not None:
                    connection.putheader(name, value)
            connection.endheaders(data)
            response = connection.getresponse()
            payload = response.read()
            return response.status, json.loads(payload) if payload.startswith(b"{") else {}
        finally:
            connection.close()

    def token(self) -> str:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request("GET", "/")
        page = connection.getresponse().read().decode()
        connection.close()
        return re.search(r'<meta name="studio-token" content="([^"]+)">', page)[1]

    def diff(self) -> str:
        return subprocess.run(
            ["git", "diff", "--unified=0"], cwd=self.repo, capture_output=True, text=True, check=True
        ).stdout

    def numstat(self) -> list[str]:
        out = subprocess.run(["git", "diff", "--numstat"], cwd=self.repo, capture_output=True, text=True, check=True)
        return out.stdout.splitlines()


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def studio(tmp_path: Path):
    """The real command on a copy of the content, kept in a git repository to read `git diff` from."""
    git = require("git", "git")
    repo = tmp_path / "repo"
    content = repo / "content"
    shutil.copytree(CONTENT, content)
    for args in (
        ["init", "-q"],
        ["add", "."],
        ["-c", "user.name=Editor", "-c", "user.email=editor@example.org", "commit", "-qm", "content"],
    ):
        subprocess.run([git, *args], cwd=repo, check=True)
    stdout = tmp_path / "studio.out"
    with stdout.open("wb") as out, (tmp_path / "studio.err").open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "dncontent", "studio", "--content", str(content), "--port", "0"],
            cwd=repo,
            stdout=out,
            stderr=err,
            env={**os.environ, "BROWSER": "false"},
        )
    try:
        deadline = time.monotonic() + 90
        while not (match := URL_LINE.match(stdout.read_text(encoding="utf-8").strip())):
            assert process.poll() is None, (tmp_path / "studio.err").read_text(encoding="utf-8")
            assert time.monotonic() < deadline, "the studio printed no address"
            time.sleep(0.05)
        assert match["content"] == str(content)
        yield Studio(process, match["url"], int(match["port"]), content, repo)
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


@pytest.fixture
def page(browser, studio: Studio):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()


def _field(page: Page, file: str, field: str):
    return page.locator(f"#form [data-file='{file}'][data-field='{field}']")


def _saved(page: Page, what: str) -> None:
    expect(page.locator("#save-state")).to_contain_text(f"Saved {what}", timeout=SAVE)


def _in_page_preview(page: Page, text: str) -> None:
    expect(page.frame_locator("#page-block iframe").get_by_text(text).first).to_be_attached(timeout=SAVE)


def test_an_editor_edits_risks_conditions_and_the_session_and_sees_every_channel(page: Page, studio: Studio):
    risks_en, risks_es = studio.content / "en" / "risks.yaml", studio.content / "es" / "risks.yaml"
    page.goto(studio.url + "?file=risks")
    expect(page.get_by_role("heading", level=1, name="Risks")).to_be_visible()

    # One English label: one changed line in git diff, and the page shows it.
    label = _field(page, "en/risks.yaml", "risks[3].label")
    expect(label).to_have_value("Nerve damage")
    label.fill("Nerve irritation")
    label.press("Enter")
    _saved(page, "Label (en)")
    assert studio.numstat() == ["1\t1\tcontent/en/risks.yaml"]
    assert "-    label: Nerve damage\n+    label: Nerve irritation\n" in studio.diff()
    _in_page_preview(page, "Nerve irritation")

    # An empty label is refused at its field, and nothing is written.
    before = _tree(studio.content)
    bleeding = _field(page, "en/risks.yaml", "risks[0].label")
    bleeding.fill("")
    bleeding.press("Tab")
    expect(bleeding).to_have_attribute("aria-invalid", "true", timeout=SAVE)
    error = page.locator(f"#{bleeding.get_attribute('id')}-error")
    expect(error).to_contain_text("must not be empty")
    expect(error).to_contain_text("risks.yaml:5:")
    assert bleeding.get_attribute("aria-describedby").split()[-1] == error.get_attribute("id")
    assert _tree(studio.content) == before
    bleeding.fill("Bleeding")
    bleeding.press("Enter")
    expect(bleeding).not_to_have_attribute("aria-invalid", "true", timeout=SAVE)
    assert _tree(studio.content) == before  # the same text again: nothing to write

    # Reorder: Bleeding moves down, in English and in Spanish, by keyboard; the keyboard stays on the item.
    page.locator("#f-en-risks-yaml-risks-0-down").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#form .entry-title").first).to_have_text("Bruising", timeout=SAVE)
    assert [line for line in risks_en.read_text().splitlines() if "id:" in line][:2] == [
        "  - id: bruising",
        "  - id: bleeding",
    ]
    assert [line for line in risks_es.read_text().splitlines() if "id:" in line][:2] == [
        "  - id: bruising",
        "  - id: bleeding",
    ]
    expect(page.locator(":focus")).to_have_attribute("data-op", "move")

    # A new condition, in English and Spanish at once: its id is made from the English label.
    page.goto(studio.url + "?file=conditions")
    add = page.locator("details.add").first
    add.locator("summary").click()
    add.get_by_label("Label English (en)").fill("Frozen shoulder")
    add.get_by_label("Label Spanish (es)").fill("Hombro congelado")
    add.get_by_role("button", name="Add").click()
    expect(page.locator("#save-state")).to_contain_text("Added frozen-shoulder", timeout=SAVE)
    assert (
        (studio.content / "en" / "conditions.yaml")
        .read_text()
        .endswith("  - id: frozen-shoulder\n    label: Frozen shoulder\n")
    )
    assert (
        (studio.content / "es" / "conditions.yaml")
        .read_text()
        .endswith("  - id: frozen-shoulder\n    label: Hombro congelado\n")
    )
    expect(_field(page, "es/conditions.yaml", "conditions[14].label")).to_have_value("Hombro congelado")
    _in_page_preview(page, "Frozen shoulder")

    # The session's length, a fact: the text messages show it with their segment counts, the brochure prints again.
    page.goto(studio.url + "?file=session")
    brochure = page.locator("#brochure-block img")
    expect(brochure).to_be_visible(timeout=BROCHURE)
    printed = brochure.get_attribute("src")
    # typed once, in English: the Spanish column shows the English value and offers no box of its own
    spanish = page.locator("#row-f-en-session-yaml-facts-session-minutes-max .cell").nth(1)
    expect(spanish.locator(".inherited")).to_have_text("30 edited in English (en)")
    expect(spanish.locator("input, textarea")).to_have_count(0)
    longest = _field(page, "en/session.yaml", "facts.session_minutes.max")
    longest.fill("40")
    longest.press("Enter")
    _saved(page, "Maximum (en)")
    expect(page.locator("#sms-block .bubble").first).to_contain_text("15-40 minutes", timeout=SAVE)
    expect(page.locator("#sms-block .measure").first).to_contain_text("of 2 segments")
    expect(spanish.locator(".inherited")).to_have_text("40 edited in English (en)")
    expect(page.locator("#brochure-block img")).not_to_have_attribute("src", printed, timeout=BROCHURE)
    expect(page.locator("#brochure-block .brochure-where")).to_contain_text("Page ")
    assert studio.numstat() == [
        "2\t0\tcontent/en/conditions.yaml",
        "3\t3\tcontent/en/risks.yaml",
        "1\t1\tcontent/en/session.yaml",
        "2\t0\tcontent/es/conditions.yaml",
        "2\t2\tcontent/es/risks.yaml",
    ]
    assert "signoff" not in studio.diff()  # saving never signs anything off


def test_stale_translations_are_marked_with_the_english_they_were_made_from(page: Page, studio: Studio):
    page.goto(studio.url + "?file=risks")
    bruising = _field(page, "en/risks.yaml", "risks[1].label")
    bruising.fill("Bruising and swelling")
    bruising.press("Enter")
    _saved(page, "Label (en)")
    marks = page.locator(f"#{_field(page, 'es/risks.yaml', 'risks[1].label').get_attribute('id')}-marks")
    expect(marks).to_contain_text("Stale translation", timeout=SAVE)
    expect(marks.locator("q")).to_have_text("Bruising")
    expect(page.locator("#governance")).to_contain_text("1 stale")


def test_the_studio_is_accessible_and_signs_off_only_when_confirmed(browser, studio: Studio):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)  # to load axe-core
    page = context.new_page()
    page.goto(studio.url)
    kinds = [link.get_attribute("href").removeprefix("/") for link in page.locator("nav.files a").all()]
    assert len(kinds) == 9, kinds  # every kind of content file has its form
    for kind in kinds:  # the whole studio once, then each other kind's form
        page.goto(studio.url + kind)
        page.add_script_tag(path=str(node_tool(AXE)))
        scope = "document" if kind == kinds[0] else "'#main'"
        result = page.evaluate(
            f"axe.run({scope}, {{runOnly: {{type: 'tag', "
            "values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"
        )
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == [], kind
    page.goto(studio.url + "?file=page")

    # The first tab stop skips to the form.
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to the form")

    # Sign-off is a dialog that asks for the reviewer and a confirmation; without it nothing is written.
    page_yaml = studio.content / "en" / "page.yaml"
    before = page_yaml.read_bytes()
    page.get_by_role("button", name="Sign off en…").click()
    dialog = page.get_by_role("dialog", name="Record a clinician's sign-off")
    dialog.get_by_label("Reviewer's name and credentials").fill("Dana Ruiz, PT, DPT")
    dialog.get_by_role("button", name="Record sign-off").click()
    expect(dialog.locator("#signoff-error")).to_contain_text("confirm the review")
    assert page_yaml.read_bytes() == before
    dialog.get_by_label("I confirm that this clinician reviewed all of this text").check()
    dialog.get_by_role("button", name="Record sign-off").click()
    expect(page.locator("#save-state")).to_contain_text("Signed off en by Dana Ruiz, PT, DPT", timeout=SAVE)
    assert "signoff:\n  by: Dana Ruiz, PT, DPT\n" in page_yaml.read_text()
    expect(page.locator("#governance")).to_contain_text("signed off by Dana Ruiz, PT, DPT", timeout=SAVE)
    context.close()


def test_writes_from_other_pages_or_without_the_token_are_refused_and_write_nothing(studio: Studio):
    before = _tree(studio.content)
    token = studio.token()
    own = f"http://127.0.0.1:{studio.port}"
    edit = {"op": "set", "file": "en/risks.yaml", "path": ["risks", 0, "label"], "value": "Changed", "digests": {}}
    refused = {
        "no token": {"Origin": own},
        "a wrong token": {"Origin": own, "X-Studio-Token": token[:-2] + "xx"},
        "no Origin": {"X-Studio-Token": token},
        "another origin": {"Origin": "http://evil.example", "X-Studio-Token": token},
        "another site's fetch": {"Origin": own, "X-Studio-Token": token, "Sec-Fetch-Site": "cross-site"},
        "a rebinding Host": {
            "Host": f"evil.example:{studio.port}",
            "Origin": f"http://evil.example:{studio.port}",
            "X-Studio-Token": token,
        },
        "a form post": {"Origin": own, "X-Studio-Token": token, "Content-Type": "text/plain"},
    }
    for why, headers in refused.items():
        status, _ = studio.post("/studio/edit", edit, headers)
        assert status == 403, why
        status, _ = studio.post("/studio/signoff", {"locale": "en", "by": "Someone", "confirm": True}, headers)
        assert status == 403, why
    allowed = {"Origin": own, "X-Studio-Token": token}
    for file in (
        "../brand.yaml",
        "/etc/passwd",
        "en/../brand.yaml",
        "en/risks.yaml/..",
        "en\\risks.yaml",
        "en/notes.yaml",
        "../../outside.yaml",
    ):
        status, answer = studio.post("/studio/edit", {**edit, "file": file}, allowed)
        assert status in (403, 404), (file, answer)
    # An unconfirmed sign-off is refused.
    status, _ = studio.post("/studio/signoff", {"locale": "en", "by": "Someone"}, allowed)
    assert status == 400
    assert _tree(studio.content) == before

    # A content file that is a link (inside the content folder, which validate allows) is never written through.
    es_risks = studio.content / "es" / "risks.yaml"
    es_risks.unlink()
    es_risks.symlink_to("../en/risks.yaml")
    status, answer = studio.post("/studio/edit", {**edit, "file": "es/risks.yaml"}, allowed)
    assert status == 403 and "symbolic link" in answer["message"]
    assert (studio.content / "en" / "risks.yaml").read_bytes() == before["en/risks.yaml"]
    es_risks.unlink()
    es_risks.write_bytes(before["es/risks.yaml"])

    # With the token and the page's own origin, the same edit is made (on the form as shown).
    digests = json.loads(re.search(r'data-digests="([^"]+)"', _get(studio, "/?file=risks"))[1].replace("&#34;", '"'))
    status, answer = studio.post("/studio/edit", {**edit, "digests": digests}, allowed)
    assert status == 200 and answer["files"] == ["en/risks.yaml"], answer
    assert studio.numstat() == ["1\t1\tcontent/en/risks.yaml"]

    # A new item given as anything but texts (the form sends a text, or texts by field) is refused as malformed.
    after = _tree(studio.content)
    digests = json.loads(re.search(r'data-digests="([^"]+)"', _get(studio, "/?file=risks"))[1].replace("&#34;", '"'))
    for values in (
        {"en/risks.yaml": 7},
        {"en/risks.yaml": {"label": ["Cramp"]}},
        {"en/risks.yaml": {"label": "Cramp"}, "es/risks.yaml": 3},
        ["en/risks.yaml"],
    ):
        add = {"op": "add", "file": "en/risks.yaml", "path": ["risks"], "values": values, "digests": digests}
        status, answer = studio.post("/studio/edit", add, allowed)
        assert status == 400 and "a new item is given as" in answer["message"], (values, status, answer)
    assert _tree(studio.content) == after


def _get(studio: Studio, path: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", studio.port, timeout=30)
    connection.request("GET", path)
    body = connection.getresponse().read().decode()
    connection.close()
    return body


def test_a_form_is_found_by_its_file_s_path_as_messages_name_it(studio: Studio):
    def heading(query: str) -> str:
        connection = http.client.HTTPConnection("127.0.0.1", studio.port, timeout=30)
        connection.request("GET", "/?" + query)
        page = connection.getresponse().read().decode()
        connection.close()
        found = re.search(r"<h1[^>]*>([^<]+)</h1>", page)
        assert found, page[:800]
        return found[1]

    assert heading("file=session") == heading("file=es/session.yaml") == heading("file=en/session.yaml") == "Session"
    assert heading("file=brand.yaml") == "Brand"
    assert heading("file=es/nothing.yaml") == "Risks"  # no such file: the first form shown


def test_an_edit_on_a_form_older_than_the_file_is_refused(studio: Studio):
    token = studio.token()
    headers = {"Origin": f"http://127.0.0.1:{studio.port}", "X-Studio-Token": token}
    status, answer = studio.post(
        "/studio/edit",
        {
            "op": "set",
            "file": "en/risks.yaml",
            "path": ["risks", 0, "label"],
            "value": "Changed",
            "digests": {"en/risks.yaml": "0" * 16},
        },
        headers,
    )
    assert status == 409 and "changed since the form was shown" in answer["message"]
    assert studio.numstat() == []


def test_ids_are_made_from_labels():
    assert make_id("Frozen shoulder", set()) == "frozen-shoulder"
    assert make_id("Síndrome del túnel carpiano", set()) == "sindrome-del-tunel-carpiano"
    assert make_id("Neck pain", {"neck-pain"}) == "neck-pain-2"
    assert make_id("頸部の痛み", set(), fallback="conditions") == "conditions-2"
    assert len(make_id("word " * 40, set())) <= 60


def test_the_command_prints_its_address_and_a_busy_port_is_one_line(tmp_path: Path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "dncontent", "studio", "--content", str(CONTENT), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "Traceback" not in result.stderr
    missing = subprocess.run(
        [sys.executable, "-m", "dncontent", "studio", "--content", str(tmp_path / "none")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode == 2 and "content folder not found" in missing.stderr


CUT_OFF = """() => [...document.querySelectorAll("#form input[type=text], #form textarea")]
  .filter(box => box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1)
  .map(box => box.dataset.file + " " + box.dataset.field + ": " + box.value)"""


def test_a_long_label_is_shown_whole_and_still_saved_as_one_line(page: Page, studio: Studio):
    """At 1280 px, English beside Spanish: no text is cut off in its box, and an item's buttons stay beside a
    long title. A label too long for half a row wraps in its box, and Enter saves it, on one line."""
    page.goto(studio.url + "?file=risks")
    expect(page.get_by_role("heading", level=1, name="Risks")).to_be_visible()
    assert page.evaluate(CUT_OFF) == []
    spanish = _field(page, "es/risks.yaml", "risks[4].label")
    expect(spanish).to_have_value("Neumotórax (colapso del pulmón)")
    title = page.locator("#form .entry-title", has_text="Pneumothorax (collapsed lung)").bounding_box()
    up = page.locator("#f-en-risks-yaml-risks-4-up").bounding_box()
    assert title and up and up["y"] < title["y"] + title["height"], "the buttons went under the title"

    spanish.fill("Neumotórax (colapso del pulmón), muy raro")
    spanish.press("Enter")
    _saved(page, "Label (es)")
    assert "+    label: Neumotórax (colapso del pulmón), muy raro\n" in studio.diff()
    assert studio.numstat() == ["1\t1\tcontent/es/risks.yaml"]
    expect(spanish).to_have_value("Neumotórax (colapso del pulmón), muy raro")
    assert page.evaluate(CUT_OFF) == []


def test_the_brochure_being_looked_at_prints_before_the_others(content_copy: Path, tmp_path: Path):
    """After a save, the brochure the editor looks at (its locale, the first paper) is shown as soon as it is
    printed; the other brochures follow, and the one shown first is not printed twice."""
    from dncontent.preview.state import LivePreview

    preview = LivePreview(content_copy)
    preview.options = preview.options._replace(cache_dir=tmp_path / "cache")  # nothing printed yet
    preview.background_delay = 0
    preview.focus = "es"
    snapshot = preview.rebuild()
    shown: list[dict[str, bytes]] = []
    deadline = time.monotonic() + 600
    while snapshot.background != "ready" and time.monotonic() < deadline:
        snapshot = preview.wait_for_change(snapshot.version, timeout=5)
        pdfs = {path: a.data for path, a in snapshot.artifacts.items() if path.endswith(".pdf")}
        if pdfs and (not shown or shown[-1] != pdfs):
            shown.append(pdfs)
    assert snapshot.background == "ready", "the brochures were not printed in 10 minutes"
    assert list(shown[0]) == ["pdf/dry-needling.es.letter.pdf"], "the Spanish letter brochure should show first"
    assert sorted(shown[-1]) == sorted(
        f"pdf/dry-needling.{locale}.{paper}.pdf" for locale in ("en", "es") for paper in ("letter", "a4")
    )
    assert shown[-1]["pdf/dry-needling.es.letter.pdf"] == shown[0]["pdf/dry-needling.es.letter.pdf"]
    assert not [p for p in preview.snapshot.problems if p.severity == "error"]


def test_with_a_print_server_the_brochure_being_looked_at_does_not_wait_for_the_others(
    content_copy: Path, tmp_path: Path
):
    """Printing early (as the studio does when a print server prints), the focused brochure starts printing as
    the content is read, beside the page and texts, without waiting for the delay the other brochures wait."""
    from dncontent.preview.state import LivePreview

    preview = LivePreview(content_copy)
    preview.options = preview.options._replace(cache_dir=tmp_path / "cache")  # nothing printed yet
    preview.background_delay = 3600  # the full pass waits an hour: whatever prints before it printed early
    preview.focus = "en"
    preview.print_early = True
    snapshot = preview.rebuild()
    deadline = time.monotonic() + 600
    while not any(path.endswith(".pdf") for path in snapshot.artifacts) and time.monotonic() < deadline:
        snapshot = preview.wait_for_change(snapshot.version, timeout=5)
    pdfs = sorted(path for path in snapshot.artifacts if path.endswith(".pdf"))
    assert pdfs == ["pdf/dry-needling.en.letter.pdf"], pdfs
    assert snapshot.background == "rendering" and not snapshot.rebuilding
    assert {"html", "json", "sms"} <= {path.split("/")[0] for path in snapshot.artifacts}

    # a save while it waits: printed early again, from the new text
    risks = content_copy / "en" / "risks.yaml"
    risks.write_text(risks.read_text("utf-8").replace("label: Fainting", "label: Feeling faint"), "utf-8")
    before = snapshot.artifacts["pdf/dry-needling.en.letter.pdf"].data
    snapshot = preview.rebuild()
    while snapshot.artifacts.get("pdf/dry-needling.en.letter.pdf") is None and time.monotonic() < deadline:
        snapshot = preview.wait_for_change(snapshot.version, timeout=5)
    after = snapshot.artifacts["pdf/dry-needling.en.letter.pdf"].data
    assert after != before
    assert "Feeling faint" in " ".join(page.extract_text() for page in PdfReader(io.BytesIO(after)).pages)


def test_the_page_holding_a_field_is_found_and_drawn_once_however_many_ask(built):
    """The side asks for the page holding the field by its text, the image by the words it highlights, and the
    studio draws the page ahead as the brochure is shown: each is looked up and drawn once, the others wait."""
    import threading

    from dncontent.studio import brochure

    pdf = next((built / "pdf").glob("*.en.letter.pdf")).read_bytes()
    text = "Bruising {label}"  # a risk label, with a placeholder as a field may hold: its own words are looked for
    found = brochure.find(pdf, text)
    assert found.boxes and 1 <= found.page <= found.pages
    assert brochure.find(pdf, brochure.needle(text)) is found  # the image's request: the same lookup
    # one highlight per line of text, over its spaces too: eight words on one line, a label wrapped over two
    assert len(brochure.find(pdf, "During the session, your provider will insert one or more needles").boxes) == 1
    first, second = brochure.find(pdf, "Pneumothorax (collapsed lung)").boxes
    assert second[1] > first[3] and abs(second[0] - first[0]) <= 2  # the next line, at the same indent
    drawn: list[bytes] = []
    askers = [
        threading.Thread(target=lambda: drawn.append(brochure.page_png(pdf, found.page, found.boxes))) for _ in range(4)
    ]
    for asker in askers:
        asker.start()
    for asker in askers:
        asker.join(60)
    assert len(drawn) == 4 and drawn[0].startswith(b"\x89PNG") and all(png is drawn[0] for png in drawn)
