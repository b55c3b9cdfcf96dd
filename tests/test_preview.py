"""`dncontent preview`: a live page in real Chromium that follows edits, shows problems, and never writes files."""

from __future__ import annotations

import http.client
import json
import re
import signal
import socket
import struct
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pytest
from playwright.sync_api import Page, expect

from dncontent.channels import channel
from dncontent.errors import BuildError
from dncontent.model.sms import messages as sms_messages
from dncontent.options import BuildOptions
from dncontent.pipeline import load_content, validate

URL_LINE = re.compile(
    r"^Previewing (?P<content>.+)/ at (?P<url>http://127\.0\.0\.1:(?P<port>\d+)/)"
    r" — Ctrl\+C to stop$"
)
LIVE = 10_000  # ms: an edit shows within this, with a wide margin over the second it takes
BROCHURE = 90_000  # ms: WeasyPrint on a busy two-core machine
TITLE = "Dry Needling: What You Need to Know"
RISK = "Pneumothorax (collapsed lung)"


@dataclass
class Preview:
    process: subprocess.Popen
    url: str
    port: int
    content: Path
    workdir: Path
    stderr: Path

    def get(self, path: str, host: str | None = None) -> tuple[int, dict[str, str], bytes]:
        """A raw GET: `path` is sent exactly as given, the way a hostile client would send it."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.putrequest("GET", path, skip_host=host is not None)
            if host is not None:
                connection.putheader("Host", host)
            connection.endheaders()
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def preview(tmp_path: Path, content_copy: Path):
    """The real command in a subprocess, started in a folder holding a previous build/ it must not touch."""
    workdir = tmp_path / "work"
    (workdir / "build" / "json").mkdir(parents=True)
    (workdir / "build" / "json" / "dry-needling.en.json").write_text('{"previous": "build"}\n')
    stdout, stderr = tmp_path / "preview.out", tmp_path / "preview.err"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "dncontent", "preview", "--content", str(content_copy), "--port", "0"],
            cwd=workdir,
            stdout=out,
            stderr=err,
        )
    try:
        deadline = time.monotonic() + 60
        while not (match := URL_LINE.match(stdout.read_text(encoding="utf-8").strip())):
            assert process.poll() is None, f"preview exited: {stderr.read_text(encoding='utf-8')}"
            assert time.monotonic() < deadline, f"no URL printed: {stdout.read_text(encoding='utf-8')!r}"
            time.sleep(0.05)
        assert match["content"] == str(content_copy)
        yield Preview(process, match["url"], int(match["port"]), content_copy, workdir, stderr)
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


@pytest.fixture
def page(browser, preview: Preview):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        tab = context.new_page()
        tab.goto(preview.url)
        yield tab
    finally:
        context.close()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _located(problems, name: str) -> str:
    """file:line:col of the first problem in `name`, as the content's own validator reports it."""
    found = [p for p in problems if Path(p.file).name == name and p.severity == "error"]
    assert found, f"expected a problem in {name}, got {[p.format() for p in problems]}"
    return f"{name}:{found[0].line}:{found[0].col}"


def test_page_shows_every_channel_of_the_content(page: Page, preview: Preview):
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    expect(page.locator("#status")).to_contain_text("Up to date", timeout=BROCHURE)
    expect(page.locator("#en-json pre")).to_contain_text(f'"label": "{RISK}"')
    expect(page.frame_locator("#en-page iframe").get_by_text(RISK)).to_be_visible()
    expect(page.frame_locator("#en-snippets iframe[src$='/risks.html']").get_by_text(RISK)).to_be_visible()
    composed = sms_messages(load_content(preview.content).locales["en"])
    expect(page.locator("#en-sms .message")).to_have_count(len(composed))
    for shown, (message, text, measured) in zip(page.locator("#en-sms .message").all(), composed):
        expect(shown.locator(".bubble")).to_have_text(text)
        assert " ".join(shown.locator(".measure").inner_text().split()) == (
            f"{measured.encoding} {measured.characters} characters {measured.septets} septets "
            f"{measured.segments} of {message.segments} segments"
        )
    for shown, (message, _text, measured) in zip(
        page.locator("#es-sms .message").all(), sms_messages(load_content(preview.content).locales["es"])
    ):
        assert " ".join(shown.locator(".measure").inner_text().split()) == (
            f"UCS-2 {measured.characters} characters {measured.code_units} UTF-16 code units "
            f"{measured.segments} of {message.segments} segments"
        )
    # no clinician has signed off either locale: both tabs say so
    expect(page.locator("#tabs a[data-locale='es']")).to_contain_text("draft")
    expect(page.locator("#tabs a[data-locale='en']")).to_contain_text("draft")
    downloads = page.locator("#en-brochure a[download]")
    expect(downloads.first).to_be_attached()
    urls = [urljoin(preview.url, downloads.nth(i).get_attribute("href")) for i in range(downloads.count())]
    for url in urls:
        response = page.request.get(url)
        assert response.ok and response.headers["content-disposition"].startswith("attachment")
        assert response.body().startswith(b"%PDF-")
    shown = urljoin(preview.url, page.locator("#en-brochure object").get_attribute("data").split("#")[0])
    assert page.request.get(shown).headers["content-type"] == "application/pdf"
    assert shown + "?download" in urls


def test_editorial_warnings_are_listed_without_hiding_the_output(page: Page, preview: Preview):
    problems = validate(preview.content)
    warnings = [p for p in problems if p.severity == "warning"]
    heads_up = [p for p in problems if p.severity == "note"]
    notes = page.locator("#notes")
    expect(notes.locator("summary")).to_contain_text(f"{len(warnings)} editorial warnings, {len(heads_up)} note")
    notes.locator("summary").click()
    expect(notes).to_contain_text("placeholder URL 'https://www.example.com/book-online'")
    expect(notes).to_contain_text("brand.yaml:12:10")
    expect(notes.locator(".problem-note")).to_have_count(len(heads_up))
    expect(notes.locator(".hint")).to_have_count(len({(p.code, p.hint) for p in warnings + heads_up if p.hint}))
    expect(page.frame_locator("#en-page iframe").get_by_text(RISK)).to_be_visible()
    expect(page.locator("#problems")).to_have_count(0)


def test_reading_scores_of_the_approved_text_are_figures_beside_the_page(page: Page, preview: Preview):
    from dncontent.report import build_report

    assert not [p for p in validate(preview.content) if p.code == "reading-grade"]  # not validate lines
    for report in build_report(preview.content, brochures=False):
        page.locator(f"#tabs a[data-locale='{report.locale}']").click()
        reading = page.locator(f"#{report.locale}-reading")
        hard = sum(1 for s in report.sections if s.hard)
        expect(reading.locator("summary")).to_contain_text(
            f"Reading scores of the approved text: {report.readability_formula}, target {report.readability_target:g} "
            f"({hard} of {len(report.sections)} sections miss it)"
        )
        reading.locator("summary").click()
        rows = [" ".join(row.split()) for row in reading.locator("tbody tr").all_inner_texts()]
        assert rows == [f"{s.id} {s.words} {s.readability:.1f}{' !' if s.hard else ''}" for s in report.sections]


def test_edits_show_without_a_reload_and_problems_replace_the_output(page: Page, preview: Preview):
    risks = preview.content / "en" / "risks.yaml"
    expect(page.locator("#en-json pre")).to_contain_text(RISK)
    page.evaluate("window.notReloaded = true; document.getElementById('en-sms').untouched = true")

    # Markup in content is text: shown as typed, never run, in the preview's own panels and in the page.
    label = "Collapsed lung <img src=x onerror=parent.pwned=1> & co"
    _edit(risks, RISK, label)
    expect(page.locator("#en-json pre")).to_contain_text(label, timeout=LIVE)
    expect(page.frame_locator("#en-page iframe").get_by_text(label)).to_be_visible(timeout=LIVE)
    assert page.locator("#live img").count() == 0
    assert page.evaluate("window.pwned") is None
    # Panels whose output did not change are kept as they are, scroll position and all.
    assert page.evaluate("document.getElementById('en-sms').untouched") is True

    # A file that is not YAML any more: the problem, located, instead of the old output.
    before = risks.read_text(encoding="utf-8")
    risks.write_text(before + "  - id: broken\n    label: [unclosed\n", encoding="utf-8")
    expect(page.locator("#problems")).to_contain_text(_located(validate(preview.content), "risks.yaml"), timeout=LIVE)
    expect(page.locator("#en-json")).to_have_count(0)
    expect(page.locator("#status")).to_contain_text("problem")

    # Fixed: back by itself, with the new text.
    risks.write_text(before.replace(label, "Breathlessness"), encoding="utf-8")
    expect(page.locator("#en-json pre")).to_contain_text('"label": "Breathlessness"', timeout=LIVE)
    expect(page.locator("#problems")).to_have_count(0)

    # A field the schema does not know.
    _edit(risks, "    label: Bruising\n", "    label: Bruising\n    colour: purple\n")
    expect(page.locator("#problems")).to_contain_text(_located(validate(preview.content), "risks.yaml"), timeout=LIVE)
    expect(page.locator("#problems")).to_contain_text("colour")
    _edit(risks, "    colour: purple\n", "")
    expect(page.locator("#problems")).to_have_count(0, timeout=LIVE)
    expect(page.locator("#en-json pre")).to_contain_text('"label": "Bruising"')

    assert page.evaluate("window.notReloaded") is True
    assert preview.process.poll() is None


def test_each_locale_has_a_tab_that_stays_chosen_across_updates(browser, preview: Preview):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        page = context.new_page()
        page.goto(preview.url)
        expect(page.locator("#tabs a")).to_have_count(2, timeout=LIVE)
        expect(page.locator("#locale-en")).to_be_visible()
        expect(page.locator("#locale-es")).to_be_hidden()
        page.locator("#tabs a[data-locale='es']").click()
        expect(page.locator("#locale-es")).to_be_visible()
        expect(page.locator("#locale-en")).to_be_hidden()
        _edit(preview.content / "es" / "risks.yaml", "Neumotórax (colapso del pulmón)", "Neumotórax (pulmón colapsado)")
        expect(page.locator("#es-json pre")).to_contain_text("Neumotórax (pulmón colapsado)", timeout=LIVE)
        expect(page.locator("#locale-es")).to_be_visible()
        expect(page.locator("#locale-en")).to_be_hidden()
        expect(page.locator("#tabs a[data-locale='es']")).to_have_attribute("aria-current", "page")
    finally:
        context.close()


def test_a_channel_that_fails_is_reported_and_the_others_still_show(page: Page, preview: Preview):
    sms = preview.content / "en" / "sms.yaml"
    _edit(sms, "segments: 2", "segments: 1")  # booking-invitation needs two
    with pytest.raises(BuildError) as stopped:
        list(channel("sms").render(load_content(preview.content), BuildOptions(content=preview.content)))
    expect(page.locator("#problems")).to_contain_text(_located(stopped.value.problems, "sms.yaml"), timeout=LIVE)
    expect(page.locator("#en-sms")).to_contain_text("stopped on the problems above")
    expect(page.locator("#en-sms .bubble")).to_have_count(0)
    expect(page.locator("#en-json pre")).to_contain_text(RISK)
    _edit(sms, "segments: 1", "segments: 2")
    expect(page.locator("#problems")).to_have_count(0, timeout=LIVE)
    expect(page.locator("#en-sms .bubble").first).to_be_visible()


def test_preview_never_writes_files(preview: Preview, tmp_path: Path):
    before_work, before_content = _tree(preview.workdir), _tree(preview.content)
    before_all = {p for p in tmp_path.rglob("*")}
    _edit(preview.content / "en" / "risks.yaml", RISK, "Collapsed lung")
    deadline = time.monotonic() + BROCHURE / 1000
    while True:  # until the fast channels and the brochure have both been rendered from the edit
        status, _, body = preview.get("/view")
        view = body.decode()
        if status == 200 and "Collapsed lung" in view and 'data-state="rendering"' not in view:
            break
        assert time.monotonic() < deadline, (
            "the edit never showed",
            status,
            re.findall(r'data-state="[a-z]+"|Collapsed lung', view),
            preview.stderr.read_text(),
        )
        time.sleep(0.1)
    assert _tree(preview.workdir) == before_work
    after_content = _tree(preview.content)
    assert sorted(after_content) == sorted(before_content)
    assert [name for name in after_content if after_content[name] != before_content[name]] == ["en/risks.yaml"]
    assert {p for p in tmp_path.rglob("*")} == before_all


def test_unknown_paths_are_404_and_traversal_is_refused(preview: Preview):
    status, headers, body = preview.get("/files/json/dry-needling.en.json")
    assert status == 200 and headers["content-type"].startswith("application/json")
    assert json.loads(body)["title"] == TITLE
    for path in ("/nope", "/files/nope.json", "/files/", "/content/en/risks.yaml", "/files/json"):
        assert preview.get(path)[0] == 404, path
    for path in (
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/files/../../../etc/passwd",
        "/files/..%2f..%2f..%2fetc%2fpasswd",
        "/files/json%2fdry-needling.en.json",
        "//etc/passwd",
        "/files/%2E%2E/content/en/risks.yaml",
        "/files/..\\..\\etc\\passwd",
        "/files/./json/schema.json",
        "http://127.0.0.1/../etc/passwd",
    ):
        status, _, body = preview.get(path, host=f"127.0.0.1:{preview.port}")  # the path is what is refused
        assert status in (400, 404), path
        assert b"root:" not in body and b"risks:" not in body, path


def test_other_host_names_are_refused(preview: Preview):
    # A page elsewhere that rebinds its own name to 127.0.0.1 still sends its name: it gets nothing.
    assert preview.get("/", host="attacker.example")[0] == 403
    assert preview.get("/", host=f"localhost:{preview.port}")[0] == 200
    assert preview.get("/", host=f"127.0.0.1:{preview.port}")[0] == 200


def test_events_announce_the_current_version(preview: Preview):
    connection = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=10)
    try:
        connection.request("GET", "/events")
        response = connection.getresponse()
        assert response.status == 200
        assert response.getheader("Content-Type").startswith("text/event-stream")
        lines = [response.fp.readline().decode().strip() for _ in range(4)]
    finally:
        connection.close()
    assert lines[0] == "retry: 1000"
    assert "event: update" in lines
    data = json.loads(next(line for line in lines if line.startswith("data: "))[len("data: ") :])
    assert isinstance(data["version"], int) and data["version"] > 0


def test_ctrl_c_stops_cleanly(preview: Preview):
    preview.process.send_signal(signal.SIGINT)
    assert preview.process.wait(timeout=10) == 0
    err = preview.stderr.read_text(encoding="utf-8")
    assert "Traceback" not in err and "Preview stopped." in err


def test_missing_content_folder_is_a_usage_error(tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "-m", "dncontent", "preview", "--content", str(tmp_path / "nowhere"), "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "content folder not found" in result.stderr and "Traceback" not in result.stderr


def _raw(port: int, request: bytes) -> bytes:
    """Send bytes exactly as given and return the status line, the way a hostile client would."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        return sock.makefile("rb").readline().strip()


def test_look_alike_host_names_and_other_ports_are_refused(preview: Preview):
    port = preview.port
    for host in (
        "127.evil.example",
        f"127.evil.example:{port}",
        f"127.0.0.1.nip.io:{port}",
        f"localhost.evil:{port}",
        f"localhost.:{port}",
        f"127.1:{port}",
        f"2130706433:{port}",
        f"0x7f.0.0.1:{port}",
        "127.0.0.1:1",
        f"127.0.0.1:{port + 1}",
        "127.0.0.1",
        "localhost",
        f"[::1]:{port + 1}",
        f"[::ffff:7f00:1]x:{port}",
        f"127.0.0.1:{port}@evil.example",
        f"evil.example#127.0.0.1:{port}",
        f"10.0.0.1:{port}",
        "",
    ):
        assert preview.get("/", host=host)[0] == 403, host
        assert preview.get("/events", host=host)[0] == 403, host
    assert _raw(port, b"GET / HTTP/1.0\r\n\r\n").split()[1] == b"403"  # no Host at all
    twice = f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nHost: evil.example\r\nConnection: close\r\n\r\n"
    assert _raw(port, twice.encode()).split()[1] == b"403"
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}", f"127.2.3.4:{port}", f"[::1]:{port}"):
        assert preview.get("/", host=host)[0] == 200, host


def _get_with(preview: Preview, path: str, headers: dict[str, str]) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status
    finally:
        connection.close()


def test_other_sites_cannot_load_the_preview_into_their_pages(preview: Preview):
    own = f"http://127.0.0.1:{preview.port}"
    for path in ("/", "/view", "/events", "/files/json/dry-needling.en.json"):
        assert _get_with(preview, path, {"Origin": "http://evil.example"}) == 403, path
        assert _get_with(preview, path, {"Origin": f"http://127.0.0.1.nip.io:{preview.port}"}) == 403, path
        assert _get_with(preview, path, {"Origin": "null"}) == 403, path
        assert _get_with(preview, path, {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"}) == 403, path
        assert _get_with(preview, path, {"Sec-Fetch-Site": "same-site", "Sec-Fetch-Mode": "cors"}) == 403, path
    # The preview's own page, and a link followed from elsewhere, are served.
    assert (
        _get_with(preview, "/view", {"Origin": own, "Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "cors"}) == 200
    )
    assert _get_with(preview, "/", {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}) == 200


def _reset(sock: socket.socket) -> None:
    """Close with SO_LINGER 0: the kernel sends RST instead of FIN, as a crashed or impatient client does."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def test_clients_that_hang_up_leave_the_terminal_quiet(preview: Preview):
    port = preview.port
    request = f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
    for _ in range(5):
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        sock.sendall(request)  # the page is being written when the reset arrives
        _reset(sock)
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        sock.sendall(request[:20])  # half a request line
        _reset(sock)
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        sock.sendall(f"GET /files/pdf/dry-needling.en.letter.pdf HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        sock.recv(10)
        sock.close()  # a FIN with most of the brochure unread: the server's writes fail with a broken pipe
    streams = []
    for _ in range(3):  # event streams read in part, then reset or closed
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        sock.sendall(f"GET /events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        assert sock.recv(20).startswith(b"HTTP/1.0 200")
        streams.append(sock)
    _reset(streams[0])
    streams[1].close()
    streams[2].shutdown(socket.SHUT_RDWR)
    streams[2].close()
    _edit(preview.content / "en" / "risks.yaml", RISK, "Collapsed lung")  # an update goes out to the closed streams
    deadline = time.monotonic() + LIVE / 1000
    while b"Collapsed lung" not in preview.get("/view")[2]:
        assert time.monotonic() < deadline, "the edit never showed"
        time.sleep(0.1)
    time.sleep(0.5)
    assert preview.get("/", host=f"127.0.0.1:{port}")[0] == 200
    assert preview.process.poll() is None
    err = preview.stderr.read_text(encoding="utf-8")
    assert "Traceback" not in err and "Exception" not in err and "Error" not in err, err


def test_host_names_a_server_bound_elsewhere_answers_to():
    from dncontent.preview.server import _host_names_this_server as answers

    # Bound to every interface: any literal address, never a name someone else controls.
    assert answers("192.168.1.20", "0.0.0.0") and answers("[fe80::1]", "::") and answers("localhost", "0.0.0.0")
    assert not answers("attacker.example", "0.0.0.0") and not answers("127.evil.example", "::")
    # Bound to one address or name: that one, and loopback.
    assert answers("192.168.1.20", "192.168.1.20") and answers("127.0.0.1", "192.168.1.20")
    assert not answers("192.168.1.21", "192.168.1.20") and not answers("preview.lan", "192.168.1.20")
    assert answers("preview.lan", "preview.lan") and not answers("preview.lan.evil", "preview.lan")
