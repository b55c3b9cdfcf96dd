"""Hostile and broken logos: `validate` decodes them as the renderer would and refuses them at brand.yaml's logo."""

from __future__ import annotations

import base64
import http.server
import io
import os
import struct
import threading
import time
import tracemalloc
import zlib
from pathlib import Path

import pytest

import dncontent
from tests.conftest import run_cli

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">{}</svg>'
)
LOGO_LINE = "name: Jubilant Therapy Services\n"


def svg(body: str) -> bytes:
    return SVG.format(body).encode("utf-8")


def data_uri(data: bytes, media_type: str = "image/svg+xml") -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int, *, depth: int = 8, color: int = 2) -> bytes:
    """A real PNG of zeros, compressed in pieces so a huge one never sits in memory."""
    channels = {0: 1, 2: 3}[color]
    row = b"\0" * (1 + (width * channels * depth + 7) // 8)
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, depth, color, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


def noisy_png(size: int = 64) -> bytes:
    from PIL import Image

    image = Image.frombytes("RGB", (size, size), os.urandom(size * size * 3))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def with_logo(content_copy):
    """Point brand.yaml (line 4) at assets/NAME holding DATA; returns the logo's path."""
    (content_copy / "assets").mkdir()

    def put(name: str, data: bytes | None = None) -> Path:
        path = content_copy / "assets" / name
        if data is not None:
            path.write_bytes(data)
        brand = content_copy / "brand.yaml"
        brand.write_text(brand.read_text("utf-8").replace(LOGO_LINE, f"{LOGO_LINE}logo: assets/{name}\n", 1), "utf-8")
        return path

    return put


def logo_problems(content: Path) -> list:
    return [p for p in dncontent.validate(content, lints=False) if p.field == "logo"]


@pytest.fixture(scope="module")
def listener():
    """A local HTTP server that records every request: nothing in validation may reach it."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/svg+xml")
            self.end_headers()
            self.wfile.write(svg('<rect width="10" height="10"/>'))

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requests
    server.shutdown()
    server.server_close()


OUTSIDE = "refers to other files or addresses"
HOSTILE_SVGS = {
    "nested image, local file": ('<g><g><image href="file:///etc/passwd" width="5" height="5"/></g></g>', OUTSIDE),
    "nested image, loopback": ('<g><image xlink:href="{url}/logo.svg"/></g>', OUTSIDE),
    "spaced scheme": ('<image href="  FILE:///etc/hostname"/>', OUTSIDE),
    "relative file": ('<image href="secret.png"/>', OUTSIDE),
    "empty href": ('<image href=""/>', OUTSIDE),
    "character reference": ('<image href="&#x66;ile:///etc/passwd"/>', OUTSIDE),
    "data: svg hiding a reference": ('<image href="{inner}"/>', OUTSIDE),
    "data: png that is really svg": ('<image href="{inner_as_png}"/>', OUTSIDE),
    "data: nested three deep": ('<image href="{deep}"/>', OUTSIDE),
    "data: nested too deep": ('<image href="{deeper}"/>', "nests embedded images more than 3 deep"),
    "use of another document": ('<use href="other.svg#mark"/>', OUTSIDE),
    "link element": (
        '<link xmlns="http://www.w3.org/1999/xhtml" rel="stylesheet" href="{url}/s.css"/>',
        "links a stylesheet",
    ),
    "foreignObject": (
        '<foreignObject><p xmlns="http://www.w3.org/1999/xhtml">x</p></foreignObject>',
        "<foreignObject>",
    ),
    "script": ("<script>fetch('{url}')</script>", "runs a script"),
    "feImage": ('<filter id="f"><feImage href="#r"/></filter><rect id="r" width="1" height="1"/>', "<feImage>"),
    "style attribute url": ('<rect style="fill: url(file:///etc/passwd)" width="1" height="1"/>', OUTSIDE),
    "style attribute escaped url": (r'<rect style="fill: u\72l({url}/x)" width="1" height="1"/>', OUTSIDE),
    "presentation attribute url": ('<rect fill="url({url}/g.svg#g)" width="1" height="1"/>', OUTSIDE),
    "style element url": ("<style>rect {{ fill: url('{url}/x.svg#g') }}</style>", OUTSIDE),
    "style element import": ('<style>@import "{url}/x.css";</style>', "imports a stylesheet"),
    "style element image-set": ('<style>rect {{ background: image-set("{url}/x.png" 1x) }}</style>', OUTSIDE),
    "animated href": ('<a><set attributeName="href" to="{url}/"/></a>', "is animated"),
    "text in a system font": ('<text x="0" y="9">Jubilant</text>', "has text, drawn in fonts"),
    "use loop": ('<g id="a"><use href="#b"/></g><g id="b"><use href="#a"/></g>', "a <use> loop"),
    "use bomb": ("{bomb}", "once its <use> references are expanded"),
}


def _hostile_svg(case: str, url: str) -> bytes:
    body = HOSTILE_SVGS[case][0]
    inner = svg(f'<image href="{url}/inner.png"/>')
    wrap = lambda data: svg(f'<image href="{data_uri(data)}"/>')  # noqa: E731
    deep = wrap(wrap(inner))
    deeper = wrap(deep)
    bomb = '<rect id="l0" width="1" height="1"/>' + "".join(
        f'<g id="l{i}">' + f'<use href="#l{i - 1}"/>' * 10 + "</g>" for i in range(1, 10)
    )
    return svg(
        body.format(
            url=url,
            inner=data_uri(inner),
            inner_as_png=data_uri(inner, "image/png"),
            deep=data_uri(deep),
            deeper=data_uri(deeper),
            bomb=bomb,
        )
    )


@pytest.mark.parametrize("case", sorted(HOSTILE_SVGS))
def test_hostile_svg_logos_are_refused_without_fetching(content_copy, with_logo, listener, case):
    url, requests = listener
    with_logo("logo.svg", _hostile_svg(case, url))
    started = time.monotonic()
    problems = logo_problems(content_copy)
    assert time.monotonic() - started < 5
    [problem] = problems
    assert (Path(problem.file).name, problem.line, problem.col) == ("brand.yaml", 4, 7)
    assert problem.message.startswith("logo file 'assets/logo.svg' ")
    assert HOSTILE_SVGS[case][1] in problem.message, problem
    assert problem.hint and problem.severity == "error"
    assert requests == []


ENTITY_TRICKS = {
    "billion laughs": '<?xml version="1.0"?>\n<!DOCTYPE svg [\n<!ENTITY a "ha">\n'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">\n' for i in range(8))
    + ']>\n<svg xmlns="http://www.w3.org/2000/svg"><desc>&i;</desc></svg>\n',
    "external entity": '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    '<svg xmlns="http://www.w3.org/2000/svg"><desc>&x;</desc></svg>\n',
    "parameter entity": '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY % p SYSTEM "{url}/evil.dtd"> %p;]>\n'
    '<svg xmlns="http://www.w3.org/2000/svg"/>\n',
    "external dtd": '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "{url}/svg11.dtd">\n'
    '<svg xmlns="http://www.w3.org/2000/svg"/>\n',
}


@pytest.mark.parametrize("case", sorted(ENTITY_TRICKS))
def test_entity_tricks_are_refused(content_copy, with_logo, listener, case):
    url, requests = listener
    with_logo("logo.svg", ENTITY_TRICKS[case].replace("{url}", url).encode("utf-8"))
    [problem] = logo_problems(content_copy)
    assert "document type declaration" in problem.message and "DOCTYPE" in problem.hint
    assert requests == []


def test_a_stylesheet_instruction_is_refused(content_copy, with_logo, listener):
    url, requests = listener
    with_logo("logo.svg", f'<?xml-stylesheet href="{url}/x.css"?>'.encode() + svg(""))
    [problem] = logo_problems(content_copy)
    assert "xml-stylesheet" in problem.message and requests == []


BROKEN = {
    "truncated svg": (
        "logo.svg",
        svg('<rect width="10" height="10" fill="#0b5d6b"/>' * 4)[:-30],
        "is not an SVG image: the XML is incomplete or malformed",
    ),
    "truncated png": ("logo.png", noisy_png()[:6000], "is a PNG image that does not decode"),
    "png with a bad checksum": (
        "logo.png",
        (lambda d: d[:40] + bytes([d[40] ^ 1]) + d[41:])(noisy_png()),
        "is a PNG image that does not decode",
    ),
    "png named svg": ("logo.svg", noisy_png(), "is not an SVG image"),
    "svg named png": ("logo.png", svg(""), "is not a PNG image"),
    "embedded truncated png": (
        "logo.svg",
        svg(f'<image href="{data_uri(noisy_png()[:6000], "image/png")}"/>'),
        "has an embedded PNG image that does not decode",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_logos_are_refused(content_copy, with_logo, case):
    name, data, expected = BROKEN[case]
    with_logo(name, data)
    [problem] = logo_problems(content_copy)
    assert problem.message.startswith(f"logo file 'assets/{name}' {expected}"), problem


def test_a_small_png_that_claims_a_huge_image_is_refused_before_decoding(content_copy, with_logo):
    bomb = png(30000, 30000, depth=1, color=0)  # 900 megapixels of zeros, about 100 KB on disk
    assert len(bomb) < 2_000_000
    with_logo("logo.png", bomb)
    tracemalloc.start()
    started = time.monotonic()
    try:
        [problem] = logo_problems(content_copy)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "is 30000×30000 pixels; a logo may be at most 4096×4096" in problem.message
    assert time.monotonic() - started < 5 and peak < 50_000_000


def test_an_embedded_huge_png_is_refused(content_copy, with_logo):
    inner = data_uri(png(20000, 20000, depth=1, color=0), "image/png")
    with_logo("logo.svg", svg(f'<image href="{inner}" width="10" height="10"/>'))
    [problem] = logo_problems(content_copy)
    assert "20000×20000" in problem.message


def test_a_huge_file_is_refused_without_being_read(content_copy, with_logo):
    path = with_logo("logo.png")
    with open(path, "wb") as fh:
        fh.truncate(3 * 1024**3)  # sparse: 3 GB long, nothing on disk
    tracemalloc.start()
    started = time.monotonic()
    try:
        [problem] = logo_problems(content_copy)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert problem.message == "logo file 'assets/logo.png' is over 2 MB"
    assert time.monotonic() - started < 5 and peak < 50_000_000


def test_a_fifo_is_not_read(content_copy, with_logo):
    path = with_logo("logo.svg")
    os.mkfifo(path)  # reading it would block for ever
    [problem] = logo_problems(content_copy)
    assert problem.message == "logo file 'assets/logo.svg' is not a regular file"


EMBEDDED_SVG = data_uri(svg('<circle r="3"/>'))
GOOD = {
    "plain svg": ("logo.svg", svg('<rect width="10" height="10" fill="#0b5d6b"/>')),
    "internal references": (
        "logo.svg",
        svg(
            '<defs><linearGradient id="g"><stop offset="0" stop-color="#000"/></linearGradient>'
            '<path id="p" d="M0 0h5v5z"/></defs><style>.a { fill: url(#g) }</style>'
            '<use href="#p" transform="translate(2 2)"/><use xlink:href="#p"/><rect class="a" style="fill: url(#g)" '
            'fill="url(#g)" width="3" height="3"/>'
        ),
    ),
    "embedded png": ("logo.svg", svg(f'<image href="{data_uri(noisy_png(), "image/png")}" width="5" height="5"/>')),
    "embedded svg": ("logo.svg", svg(f'<image href="{EMBEDDED_SVG}" width="5" height="5"/>')),
    "png": ("logo.png", noisy_png()),
    "largest png": ("logo.png", png(4096, 4096, depth=1, color=0)),
    "inkscape export": (
        "logo.svg",
        b'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<!-- Created with '
        b'Inkscape -->\n<svg xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd" '
        b'xmlns="http://www.w3.org/2000/svg" width="10" height="10" sodipodi:docname="logo (2).svg">'
        b'<sodipodi:namedview id="nv"/><g id="layer1"><rect width="4" height="4"/></g></svg>\n',
    ),
}


@pytest.mark.parametrize("case", sorted(GOOD))
def test_self_contained_logos_pass(content_copy, with_logo, case):
    with_logo(*GOOD[case])
    assert logo_problems(content_copy) == []


def test_the_command_line_reports_the_logo_at_brand_yaml(content_copy, with_logo, listener):
    url, requests = listener
    with_logo("logo.svg", _hostile_svg("data: svg hiding a reference", url))
    content = content_copy
    result = run_cli("validate", "--content", str(content))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    [line] = [line for line in result.stdout.splitlines() if " logo:" in line]
    assert line.startswith(
        f"{content / 'brand.yaml'}:4:7: logo: logo file 'assets/logo.svg' refers to other files "
        f"or addresses (<image href> '{url}/inner.png') (hint: embed images as data: URIs"
    )
    assert requests == []


# The renderer: whatever validation missed, it fetches nothing but data: URIs and the bundled assets


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    import subprocess

    from tests.conftest import require

    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    command = require("pdftotext", "poppler-utils")
    return subprocess.run([command, str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_renderer_fetches_no_file_or_address(tmp_path, listener):
    from dncontent.printing import Job, render

    url, requests = listener
    secret_svg = tmp_path / "secret.svg"
    secret_svg.write_bytes(svg('<text x="0" y="9" font-size="3">SECRETSVGTEXT</text>'))
    secret_css = tmp_path / "secret.css"
    secret_css.write_text('h1::after { content: "SECRETCSSTEXT" }', "utf-8")
    nested = data_uri(
        svg(
            f'<image href="{url}/nested.svg" width="5" height="5"/>'
            f'<image href="{secret_svg.as_uri()}" width="5" height="5"/>'
        )
    )
    html = f"""<!DOCTYPE html><html><head><link rel="stylesheet" href="{secret_css.as_uri()}">
<style>@import url("{url}/import.css"); @import url("{secret_css.as_uri()}");
body {{ background: url({secret_svg.as_uri()}); }} h1::before {{ content: url({url}/before.svg) }}</style></head>
<body><h1>Visible heading</h1><img src="file:///etc/hostname" alt=""><img src="{secret_svg.as_uri()}" alt="">
<img src="{nested}" alt="" width="50"><img src="{url}/direct.svg" alt=""><img src="secret.svg" alt="">
<object data="{secret_svg.as_uri()}"></object></body></html>"""
    [result] = render.write_pdfs([Job(html, str(tmp_path), b"test")], processes=1)
    text = _pdf_text(result.pdf, tmp_path)
    assert "Visible heading" in text  # it printed
    assert "SECRET" not in text
    assert requests == []
    refused = " ".join(result.messages)
    for address in ("file:///etc/hostname", f"{url}/nested.svg", f"{url}/direct.svg", secret_svg.as_uri()):
        assert f"refused to fetch {address}" in refused, result.messages


def test_the_fetcher_serves_only_data_and_the_templates_folder(tmp_path):
    from dncontent.printing import render
    from dncontent.resources import templates_dir

    fetcher = render.BundledOnly()
    font = templates_dir() / "fonts" / "atkinson-hyperlegible-latin-400-normal.woff2"
    assert fetcher(font.as_uri()).read() == font.read_bytes()
    assert fetcher("data:text/plain;base64,aGk=").read() == b"hi"
    outside = tmp_path / "x.txt"
    outside.write_text("x", "utf-8")
    for address in (
        outside.as_uri(),
        f"{templates_dir().as_uri()}/../../../../../etc/hostname",
        f"file://elsewhere{font}",
        "http://127.0.0.1:9/",
        "https://example.com/",
        "ftp://example.com/x",
        "gopher://example.com/",
        "javascript:alert(1)",
    ):
        with pytest.raises(ValueError, match="refused to fetch"):
            fetcher(address)


def test_a_logo_that_fails_to_render_is_reported_at_brand_yaml(content_copy, with_logo):
    import warnings

    from dncontent.channels import pdf

    path = with_logo("logo.png", noisy_png())
    content = dncontent.load_content(content_copy)  # valid when checked...
    path.write_bytes(noisy_png()[:40])  # ...and broken by the time the brochure is printed
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pdf.page_counts(content)
    [warning] = [w for w in caught if w.category is pdf.BrochureWarning]
    assert (Path(warning.filename), warning.lineno) == (content_copy / "brand.yaml", 4)
    message = str(warning.message)
    assert message.startswith(
        "the logo assets/logo.png could not be drawn as it is: Failed to load image at 'data:image/png;base64,…'"
    )
    assert message.endswith(
        "(in dry-needling.en.letter, dry-needling.en.a4, dry-needling.es.letter, dry-needling.es.a4)"
    )


def test_what_the_renderer_refuses_inside_a_logo_is_reported_at_brand_yaml():
    import warnings

    from dncontent.channels import pdf
    from dncontent.printing.compose import PAPERS

    logo = pdf.LogoSource("content/brand.yaml", 4, "assets/logo.svg")
    letter = pdf.Brochure("dry-needling", "en", PAPERS[0], False, "<html></html>", logo)
    message = (
        "Failed to load image at 'http://127.0.0.1:9/x.png': ValueError: refused to fetch "
        "http://127.0.0.1:9/x.png: a brochure uses only its bundled assets and data: URIs"
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pdf.emit_warnings([(letter, message)])
    [warning] = caught
    assert (warning.filename, warning.lineno) == ("content/brand.yaml", 4)
    assert (
        str(warning.message)
        == f"the logo assets/logo.svg could not be drawn as it is: {message} (in dry-needling.en.letter)"
    )
