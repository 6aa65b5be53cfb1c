"""rcp.pdf: HTML → PDF/A-3b with WeasyPrint, read back with pypdf and poppler-utils; the URL fetcher
serves only static files and data: URLs, and rendering hostile HTML touches neither the network nor
the file system outside the static files."""

import io
import json
import logging
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import pytest
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from pypdf import PdfReader

from rcp import pdf as rcp_pdf
from rcp.diagrams import ANATOMY_ASSET
from rcp.pdf import PdfAttachment, UnsafeURLError, render_pdf, safe_url_fetcher, static_url

needs_poppler = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("pdftotext", "pdfdetach", "pdffonts")),
    reason="poppler-utils (pdftotext, pdfdetach, pdffonts) not installed",
)

HEADING = "Décision de la RCP — œdème, «guillemets»"
CREATED = datetime(2025, 3, 14, 9, 26, 53, tzinfo=ZoneInfo("Europe/Paris"))
DECISION = json.dumps({"décision": "radiothérapie 8 Gy", "œdème": True}, ensure_ascii=False).encode()

SAMPLE_HTML = f"""<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>Titre HTML remplacé</title>
<link rel="stylesheet" href="/static/vendor/atkinson-hyperlegible-5.3.0/fonts.css">
<link rel="stylesheet" href="{static_url("css/print.css")}">
<style>
  html {{ font-family: "Atkinson Hyperlegible", sans-serif; }}
  @page {{
    @top-center {{ content: "Patient X" }}
    @bottom-right {{ content: "page " counter(page) "/" counter(pages) }}
  }}
  .new-page {{ break-before: page; }}
</style>
</head>
<body>
<h1>{HEADING}</h1>
<p>Première page : métastase osseuse rachidienne, douleur cotée à 7/10.</p>
<section class="new-page"><h2>Seconde page</h2><p>Avis rendu à l’unanimité.</p></section>
</body>
</html>"""

HOSTILE_URLS = [
    "http://127.0.0.1:9/tracker.png",
    "http://example.org/x.css",
    "file:///etc/passwd",
    "/static/../../etc/passwd",
]
MORE_REFUSED_URLS = [
    "https://rcp.invalid/static/../../etc/passwd",
    "https://rcp.invalid/static/%2e%2e/%2e%2e/etc/passwd",
    "https://rcp.invalid/static/css/..%2f..%2fpyproject.toml",
    "https://rcp.invalid/static//etc/passwd",
    "https://rcp.invalid/static/css\\..\\..\\pyproject.toml",
    "https://rcp.invalid/etc/passwd",
    "https://rcp.invalid/manage.py",
    "https://rcp.invalid/static/css/missing.css",
    "https://rcp.invalid/static/",
    "https://rcp.invalid/static/css",
    "https://rcp.invalid:8443/static/css/print.css",
    "https://user@rcp.invalid/static/css/print.css",
    "https://rcp.invalid@example.org/static/css/print.css",
    "http://rcp.invalid/static/css/print.css",
    "//example.org/static/css/print.css",
    "https://example.org/static/css/print.css",
    "ftp://example.org/static/css/print.css",
    "file:///work/main/static/css/print.css",
    "/etc/passwd",
]

HOSTILE_HTML = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8">
<link rel="stylesheet" href="http://example.org/x.css">
<link rel="stylesheet" href="/static/css/print.css">
<style>@import url("https://example.org/import.css");
body { background: url("http://127.0.0.1:9/bg.png"); }</style>
</head><body>
<p>Commentaire saisi : <img src="http://127.0.0.1:9/tracker.png"> <img src="file:///etc/passwd">
<img src="/static/../../etc/passwd"> <object data="http://127.0.0.1:9/o.svg"></object>
<img src="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='4' height='4'%3E%3Cimage
 href='http://127.0.0.1:9/in-svg.png' width='4' height='4'/%3E%3C/svg%3E"></p>
</body></html>"""


@pytest.fixture(scope="module")
def sample_pdf() -> bytes:
    start = time.perf_counter()
    pdf = render_pdf(
        SAMPLE_HTML,
        title="Décision RCP — Patient X",
        author="Dr Paul Pneumo",
        subject="RCP métastases osseuses",
        keywords=["RCP", "métastases osseuses"],
        lang="fr",
        pdfa=True,
        attachments=[
            PdfAttachment(
                "decision.json",
                DECISION,
                description="Instantané de la décision",
                mime_type="application/json",
            )
        ],
        created=CREATED,
    )
    elapsed = time.perf_counter() - start
    print(f"\nrender_pdf(sample, pdfa=True, 1 attachment): {elapsed:.3f} s, {len(pdf)} bytes")
    return pdf


@pytest.fixture(scope="module")
def sample_path(sample_pdf, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "sample.pdf"
    path.write_bytes(sample_pdf)
    return path


@pytest.fixture(scope="module")
def reader(sample_pdf) -> PdfReader:
    return PdfReader(io.BytesIO(sample_pdf))


def run(*command) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to reach the network fails the test."""

    def forbidden(*args, **kwargs):
        pytest.fail(f"network access attempted: {args!r}")

    monkeypatch.setattr(urllib.request, "urlopen", forbidden)
    monkeypatch.setattr(socket.socket, "connect", forbidden)
    monkeypatch.setattr(socket.socket, "connect_ex", forbidden)
    monkeypatch.setattr(socket, "create_connection", forbidden)
    monkeypatch.setattr(socket, "getaddrinfo", forbidden)


# --- The sample: pages, text, metadata, PDF/A-3b, attachment, fonts ---


def test_two_a4_pages(reader):
    assert len(reader.pages) == 2
    for page in reader.pages:
        assert round(float(page.mediabox.width)) == 595
        assert round(float(page.mediabox.height)) == 842


@needs_poppler
def test_text_with_accents_headers_and_page_numbers(sample_path):
    pages = run("pdftotext", "-layout", str(sample_path), "-").split("\f")
    assert HEADING in pages[0]
    assert "Première page : métastase osseuse" in pages[0]
    assert "Avis rendu à l’unanimité." in pages[1]
    assert "page 1/2" in pages[0]
    assert "page 2/2" in pages[1]
    assert "Patient X" in pages[0] and "Patient X" in pages[1]


def test_pypdf_extracts_the_text(reader):
    first = reader.pages[0].extract_text()
    assert "Décision de la RCP" in first and "œdème" in first and "«guillemets»" in first
    assert "page 1/2" in first
    assert "page 2/2" in reader.pages[1].extract_text()


def test_info_dictionary(reader):
    info = reader.metadata
    assert info.title == "Décision RCP — Patient X"  # the arguments win over <title>
    assert info.author == "Dr Paul Pneumo"
    assert info.subject == "RCP métastases osseuses"
    assert info["/Keywords"] == "RCP, métastases osseuses"
    assert info["/CreationDate"] == "D:20250314092653+01'00"
    assert info.creation_date == CREATED
    assert info.producer.startswith("WeasyPrint")
    assert reader.trailer["/Root"]["/Lang"] == "fr"


def test_xmp_is_pdfa_3b_with_the_metadata(reader):
    xmp = reader.xmp_metadata
    assert xmp.pdfaid_part == "3"
    assert xmp.pdfaid_conformance == "B"
    assert xmp.dc_title == {"x-default": "Décision RCP — Patient X"}
    assert xmp.dc_creator == ["Dr Paul Pneumo"]
    assert xmp.dc_description == {"x-default": "RCP métastases osseuses"}
    assert xmp.pdf_keywords == "RCP, métastases osseuses"
    raw = xmp.stream.get_data()
    assert b'pdfaid:part="3"' in raw and b'pdfaid:conformance="B"' in raw
    assert b"<xmp:CreateDate>2025-03-14T09:26:53+01:00</xmp:CreateDate>" in raw


def test_pdfa_structure(reader, sample_pdf):
    assert sample_pdf.startswith(b"%PDF-1.7")
    assert len(reader.trailer["/ID"]) == 2
    catalog = reader.trailer["/Root"]
    (intent,) = catalog["/OutputIntents"]
    assert intent["/S"] == "/GTS_PDFA1"
    assert "/DestOutputProfile" in intent
    # The attachment is an associated file of the document, listed once (WeasyPrint 70 lists it twice).
    (filespec,) = [reference.get_object() for reference in catalog["/AF"]]
    assert filespec["/F"] == filespec["/UF"] == "decision.json"
    assert filespec["/Desc"] == "Instantané de la décision"
    assert filespec["/AFRelationship"] == "/Data"
    embedded = filespec["/EF"]["/F"].get_object()
    assert embedded["/Subtype"] == "/application/json"
    assert embedded["/Params"]["/Size"] == len(DECISION)
    assert embedded["/Params"]["/ModDate"] == "D:20250314082653Z"


def test_attachment_bytes_with_pypdf(reader):
    assert list(reader.attachments) == ["decision.json"]
    assert reader.attachments["decision.json"] == [DECISION]


@needs_poppler
def test_attachment_with_pdfdetach(sample_path, tmp_path):
    listing = run("pdfdetach", "-list", str(sample_path))
    assert "1 embedded files" in listing
    assert "1: decision.json" in listing
    target = tmp_path / "decision.json"
    run("pdfdetach", "-save", "1", "-o", str(target), str(sample_path))
    assert target.read_bytes() == DECISION


@needs_poppler
def test_vendored_font_is_embedded(sample_path):
    lines = run("pdffonts", str(sample_path)).splitlines()[2:]
    names = [line.split()[0].split("+", 1)[-1].replace("-", "") for line in lines]
    assert "AtkinsonHyperlegible" in names
    assert "AtkinsonHyperlegibleBold" in names  # <h1>
    for line in lines:  # emb and sub columns: every font embedded (subset)
        assert line.split()[-5:-3] == ["yes", "yes"], line


@pytest.fixture
def fetched(monkeypatch):
    """The URLs the renderer fetches, from fonts loaded afresh (the renders of this thread so far loaded
    them already)."""
    fetched = []
    original = rcp_pdf.safe_url_fetcher

    def spy(url, *args, **kwargs):
        fetched.append(url)
        return original(url, *args, **kwargs)

    monkeypatch.setattr(rcp_pdf, "safe_url_fetcher", spy)
    monkeypatch.setattr(rcp_pdf, "_fonts", threading.local())
    return fetched


# fonts.css as collected by the manifest storage names the fonts by their hashed names.
FONT_FILE = re.compile(r".*/files/atkinson-hyperlegible-latin-400-normal\.[0-9a-f]{12}\.woff2")


def test_fonts_and_print_css_come_through_the_fetcher(fetched):
    render_pdf(SAMPLE_HTML, title="t", created=CREATED)
    assert "https://rcp.invalid/static/vendor/atkinson-hyperlegible-5.3.0/fonts.css" in fetched
    assert "https://rcp.invalid/static/css/print.css" in fetched
    assert any(FONT_FILE.fullmatch(url) for url in fetched)
    assert all(url.startswith("https://rcp.invalid/static/") for url in fetched)


@needs_poppler
def test_the_fonts_are_loaded_once_per_thread_and_embedded_in_every_pdf(fetched, tmp_path):
    first = render_pdf(SAMPLE_HTML, title="t", created=CREATED)
    loaded = len(fetched)
    second = render_pdf(SAMPLE_HTML, title="t", created=CREATED)
    again = fetched[loaded:]
    assert "https://rcp.invalid/static/css/print.css" in again  # the stylesheets, read at each render
    assert not any(FONT_FILE.fullmatch(url) for url in again)  # the font files, once
    for number, pdf in enumerate((first, second)):
        path = tmp_path / f"{number}.pdf"
        path.write_bytes(pdf)
        fonts = run("pdffonts", str(path))
        assert "AtkinsonHyperlegible" in fonts.replace("-", "") and "yes yes" in fonts


# --- SVG images drawn once ---

BONE_FILL = b"0.921569 0.905882 0.870588 rg"  # #ebe7de, the fill of most bones of the anatomy asset


def forms(page) -> dict[str, bytes]:
    """The form XObjects a page may draw, by name, with their contents."""
    return {
        name.lstrip("/"): ref.get_object().get_data() for name, ref in page["/Resources"]["/XObject"].items()
    }


def drawn(page) -> list[str]:
    """The names of the XObjects the page's content draws, in order."""
    return [name.decode() for name in re.findall(rb"/(\w+) Do", page.get_contents().get_data())]


def test_an_svg_image_is_drawn_once_per_size_and_placed_at_each_use(no_network):
    anatomy = static_url(ANATOMY_ASSET)
    html = f"""<p><img src="{anatomy}" style="width: 40mm"><img src="{anatomy}" style="width: 40mm">
    <img src="{anatomy}" style="width: 20mm"></p>
    <p style="break-before: page"><img src="{anatomy}" style="width: 40mm"></p>"""
    reader = PdfReader(io.BytesIO(render_pdf(html, title="t", created=CREATED)))
    first, second = reader.pages
    bones = {name for name, content in forms(first).items() if BONE_FILL in content}
    assert len(bones) == 2  # one form a size, shared by the pages
    large, small = drawn(first)[0], drawn(first)[2]
    assert drawn(first) == [large, large, small] and drawn(second) == [large]
    assert {large, small} == bones
    assert BONE_FILL not in first.get_contents().get_data() + second.get_contents().get_data()


# --- Without PDF/A ---


def test_plain_pdf_has_metadata_and_xmp_without_pdfaid():
    pdf = render_pdf(
        "<p>Texte</p>", title="Sans PDF/A", author="Dr A", subject="Sujet", keywords=["k"], created=CREATED
    )
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == "Sans PDF/A"
    assert reader.metadata.author == "Dr A"
    assert reader.metadata.creation_date == CREATED
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    xmp = reader.xmp_metadata
    assert xmp.dc_title == {"x-default": "Sans PDF/A"}
    assert xmp.pdfaid_part is None
    assert "/AF" not in reader.trailer["/Root"]
    assert "/OutputIntents" not in reader.trailer["/Root"]


def test_plain_pdf_keeps_attachments_and_default_creation_date():
    content = bytes(range(256)) * 3
    pdf = render_pdf("<p>x</p>", title="t", attachments=[PdfAttachment("blob.bin", content)])
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.attachments["blob.bin"] == [content]
    created = reader.metadata.creation_date
    assert created.tzinfo is not None
    assert abs((datetime.now(created.tzinfo) - created).total_seconds()) < 60


def test_naive_created_is_read_in_the_current_time_zone():
    pdf = render_pdf("<p>x</p>", title="t", created=datetime(2025, 7, 1, 12, 0))
    assert PdfReader(io.BytesIO(pdf)).metadata["/CreationDate"] == "D:20250701120000+02'00"


def test_html_link_attachments_are_dropped():
    html = '<link rel="attachment" href="/static/css/print.css"><p>x</p>'
    reader = PdfReader(io.BytesIO(render_pdf(html, title="t", pdfa=True)))
    assert not list(reader.attachments)
    assert "/AF" not in reader.trailer["/Root"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"filename": ""},
        {"filename": "../decision.json"},
        {"mime_type": "application/json; charset=utf-8"},
        {"mime_type": "text/x#y"},
        {"relationship": "Dat a"},
        {"relationship": "Evil /Type"},
    ],
)
def test_attachment_validation(kwargs):
    with pytest.raises(ValueError):
        PdfAttachment(**{"filename": "decision.json", "content": b"{}", **kwargs})


# --- The URL fetcher ---


def test_static_url():
    assert static_url("css/print.css") == "https://rcp.invalid/static/css/print.css"
    assert static_url("/css/print.css") == "https://rcp.invalid/static/css/print.css"
    with pytest.raises(ValueError):
        static_url("../manage.py")


@pytest.mark.parametrize(
    "url", ["/static/css/print.css", "https://rcp.invalid/static/css/print.css", static_url("css/print.css")]
)
def test_fetcher_serves_static_files(url, no_network):
    response = safe_url_fetcher(url)
    assert response.url == "https://rcp.invalid/static/css/print.css"
    assert response.content_type == "text/css"
    assert response.read() == Path(finders.find("css/print.css")).read_bytes()


def decoded_woff2(path: Path) -> bytes:
    """The TrueType/OpenType bytes of a WOFF2 file (fontTools, as the fetcher decodes it)."""
    from fontTools.ttLib import woff2

    out = io.BytesIO()
    woff2.decompress(io.BytesIO(path.read_bytes()), out)
    return out.getvalue()


def test_fetcher_serves_the_vendored_fonts(no_network):
    relative = "vendor/atkinson-hyperlegible-5.3.0/files/atkinson-hyperlegible-latin-400-normal.woff2"
    response = safe_url_fetcher(static_url(relative))
    # WeasyPrint gets the font the WOFF2 file holds, decoded once per process rather than at each render.
    assert response.content_type == "font/sfnt"
    assert response.read() == decoded_woff2(Path(finders.find(relative)))


def test_fetcher_serves_the_hashed_names_of_the_manifest_storage(no_network):
    stylesheet = staticfiles_storage.url("vendor/atkinson-hyperlegible-5.3.0/fonts.css")
    assert re.fullmatch(r"/static/vendor/atkinson-hyperlegible-5\.3\.0/fonts\.[0-9a-f]{12}\.css", stylesheet)
    response = safe_url_fetcher(stylesheet)
    assert response.url == "https://rcp.invalid" + stylesheet
    assert response.content_type == "text/css"
    css = response.read()
    assert css == Path(staticfiles_storage.path(stylesheet.removeprefix("/static/"))).read_bytes()
    (font,) = re.findall(
        rb"url\(\"?(\./files/atkinson-hyperlegible-latin-400-normal\.[0-9a-f]{12}\.woff2)", css
    )
    font_url = urljoin(response.url, font.decode())
    relative = "vendor/atkinson-hyperlegible-5.3.0/files/atkinson-hyperlegible-latin-400-normal.woff2"
    assert safe_url_fetcher(font_url).read() == decoded_woff2(Path(finders.find(relative)))


def test_fetcher_refuses_what_static_root_holds_beyond_the_manifest(collected_static, no_network):
    stray = collected_static / "css" / "stray.css"
    stray.write_text("body { color: red }")
    try:
        for url in ["/static/staticfiles.json", "/static/css/stray.css"]:
            assert (collected_static / url.removeprefix("/static/")).is_file()
            with pytest.raises(UnsafeURLError):
                safe_url_fetcher(url)
    finally:
        stray.unlink()


def test_fetcher_serves_the_finders_files_with_the_plain_storage(settings, no_network):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    assert staticfiles_storage.url("css/print.css") == "/static/css/print.css"
    response = safe_url_fetcher("/static/css/print.css")
    assert response.read() == Path(finders.find("css/print.css")).read_bytes()
    with pytest.raises(UnsafeURLError):
        safe_url_fetcher("/static/staticfiles.json")


def test_fetcher_decodes_data_urls(no_network):
    response = safe_url_fetcher("data:text/plain;base64,w6lkw6htZQ==")
    assert response.read() == "édème".encode()
    assert response.content_type == "text/plain"


@pytest.mark.parametrize("url", HOSTILE_URLS + MORE_REFUSED_URLS)
def test_fetcher_refuses(url, no_network, caplog):
    with caplog.at_level(logging.WARNING, logger="rcp.pdf"), pytest.raises(UnsafeURLError):
        safe_url_fetcher(url)
    (record,) = [record for record in caplog.records if record.name == "rcp.pdf"]
    assert record.levelno == logging.WARNING


def test_weasyprint_fetcher_class_refuses(no_network):
    with pytest.raises(UnsafeURLError):
        rcp_pdf.SafeURLFetcher().fetch("http://127.0.0.1:9/tracker.png")


def test_hostile_html_renders_without_fetching_anything(no_network, caplog, monkeypatch):
    opened = []
    real_open = Path.read_bytes

    def spy_read_bytes(path):
        opened.append(str(path))
        return real_open(path)

    monkeypatch.setattr(Path, "read_bytes", spy_read_bytes)
    with caplog.at_level(logging.WARNING, logger="rcp.pdf"):
        pdf = render_pdf(HOSTILE_HTML, title="Hostile", pdfa=True)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    assert "Commentaire saisi" in reader.pages[0].extract_text()
    assert "root:" not in reader.pages[0].extract_text()
    refused = " ".join(record.getMessage() for record in caplog.records if record.name == "rcp.pdf")
    for url in [
        "http://127.0.0.1:9/tracker.png",
        "http://example.org/x.css",
        "file:///etc/passwd",
        "https://rcp.invalid/etc/passwd",  # "/static/../../etc/passwd", resolved by WeasyPrint
        "https://example.org/import.css",
        "http://127.0.0.1:9/bg.png",
        "http://127.0.0.1:9/o.svg",
        "http://127.0.0.1:9/in-svg.png",
    ]:
        assert url in refused
    # The only file read by the fetcher is the static print.css (as collected into STATIC_ROOT).
    assert opened == [staticfiles_storage.path(staticfiles_storage.stored_name("css/print.css"))]
