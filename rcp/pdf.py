"""HTML → PDF (WeasyPrint 70), with a URL fetcher that can only read the project's static files.

The HTML given to `render_pdf` is already rendered by a Django template from a frozen snapshot; it may
contain text typed by users. Whatever that text holds (`<img src="http://…">`, `file:///…`,
`<link rel=stylesheet href=…>`), the renderer fetches nothing but:

* the static files, for URLs under STATIC_URL on the fake origin `BASE_URL` (relative and root-relative
  URLs of the document resolve against it), resolved through the configured static storage: with the
  manifest storage of production, the names its manifest lists (hashed, as `{% static %}` gives them, or
  original), read from STATIC_ROOT; with the plain storage of development, the files the finders find;
* `data:` URLs, decoded by WeasyPrint's own fetcher (no network involved).

Every other URL raises `UnsafeURLError`: WeasyPrint logs a warning, skips the resource and goes on.

In WeasyPrint 70 a URL fetcher is an instance of `weasyprint.urls.URLFetcher` (or of a subclass
overriding `fetch`), returning a `URLFetcherResponse`: the plain functions returning a dict of older
versions are no longer accepted. `safe_url_fetcher` is the policy as a plain function returning a
`URLFetcherResponse`; `SafeURLFetcher` is the `URLFetcher` subclass handed to WeasyPrint.

PDF/A-3b (`pdfa=True`) is WeasyPrint's `pdf_variant="pdf/a-3b"`: PDF 1.7, sRGB output intent, file
identifier, XMP with pdfaid:part 3 / pdfaid:conformance B, fonts embedded, and the attachments listed in
the catalog's /AF array, each with its /AFRelationship.

An SVG image (`<img src=…svg>`, or an `<image>` inside an SVG, such as the skeleton's anatomy in each
minute of the meeting's minutes) is parsed once per document, as WeasyPrint does for every image, and
here also drawn once: into a form XObject that each of its uses places (`_ImageCache`). WeasyPrint would
otherwise draw its every element again at each use.

The fonts (fontconfig's configuration, the `@font-face` fonts of the stylesheets, Pango's font map and
its caches) are loaded once per thread and kept for its next renders (`_font_config`), as a worker renders
one PDF after another with the same few fonts; WeasyPrint would otherwise load them all again for each.
"""

from __future__ import annotations

import base64
import io
import logging
import mimetypes
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache, partial
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.utils import timezone
from weasyprint import HTML, Attachment
from weasyprint.images import SVGImage
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger("rcp.pdf")

#: Fake origin of the documents: `.invalid` never resolves, and nothing is ever fetched from it.
BASE_URL = "https://rcp.invalid/"
_BASE = urlsplit(BASE_URL)

#: Values of /AFRelationship (ISO 19005-3, ISO 32000-2 7.11.3).
AF_RELATIONSHIPS = frozenset(
    {"Source", "Data", "Alternative", "Supplement", "Unspecified", "EncryptedPayload", "FormData", "Schema"}
)
# A MIME type without parameters; WeasyPrint writes it as a PDF name, so no "#", space or delimiter.
_MIME_TYPE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9!$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!$&^_.+-]*")


class UnsafeURLError(ValueError):
    """A URL that the PDF renderer must not fetch."""


@dataclass(frozen=True)
class PdfAttachment:
    """A file embedded in the PDF (an associated file, with its AFRelationship, in PDF/A-3)."""

    filename: str
    content: bytes
    description: str = ""
    mime_type: str = "application/octet-stream"
    relationship: str = "Data"  # PDF/A-3 AFRelationship

    def __post_init__(self):
        if not self.filename or "/" in self.filename or "\\" in self.filename or "\x00" in self.filename:
            raise ValueError(f"Invalid attachment file name: {self.filename!r}")
        if not isinstance(self.content, bytes):
            raise TypeError("Attachment content must be bytes")
        if not _MIME_TYPE_RE.fullmatch(self.mime_type):
            raise ValueError(f"Invalid attachment MIME type: {self.mime_type!r}")
        if self.relationship not in AF_RELATIONSHIPS:
            raise ValueError(f"Invalid AFRelationship: {self.relationship!r}")


def _static_prefix() -> str:
    """The path of STATIC_URL ("static/" in the settings → "/static/"), with both slashes."""
    path = urlsplit(settings.STATIC_URL).path
    return "/" + path.strip("/") + "/"


def static_url(path: str) -> str:
    """The URL to use in templates rendered to PDF for a static file: static_url("css/print.css").

    It is the plain (unhashed) path under STATIC_URL on `BASE_URL`, which `safe_url_fetcher` serves with
    either storage, as it serves the hashed names `{% static %}` gives with the manifest storage.
    """
    relative = path.lstrip("/")
    if ".." in relative.split("/"):
        raise ValueError(f"Invalid static path: {path!r}")
    return urljoin(BASE_URL, _static_prefix() + quote(relative))


def _refuse(url: str, reason: str) -> UnsafeURLError:
    shown = url if len(url) <= 200 else url[:200] + "…"
    logger.warning("PDF rendering: refused to fetch %r (%s)", shown, reason)
    return UnsafeURLError(f"Refused URL ({reason}): {shown}")


def _has_unsafe_segment(path: str) -> bool:
    path = unquote(path)
    return "\\" in path or "\x00" in path or any(segment in ("..", ".") for segment in path.split("/"))


def _static_file(relative: str) -> Path | None:
    """The file holding the static file named `relative` under STATIC_URL, or None if there is none.

    With a manifest storage (production, after collectstatic), only the names of its manifest: a hashed
    name is read as stored, an original name as the hashed file it became. Without one (development),
    the files the staticfiles finders find.
    """
    hashed_files = getattr(staticfiles_storage, "hashed_files", None)
    if hashed_files:
        if relative in hashed_files:
            stored = hashed_files[relative]
        elif relative in set(hashed_files.values()):
            stored = relative
        else:
            return None
        return Path(staticfiles_storage.path(stored))
    found = finders.find(relative)
    return Path(found) if found else None


def safe_url_fetcher(url: str, timeout=10, ssl_context=None) -> URLFetcherResponse:
    """Fetch `url` for WeasyPrint if it is a static file or a `data:` URL, else raise `UnsafeURLError`.

    Relative URLs resolve against `BASE_URL`. `timeout` and `ssl_context` are only handed to
    WeasyPrint's fetcher for `data:` URLs (no network is ever involved).
    """
    url = url.strip()
    if url[:5].lower() == "data:":
        data_fetcher = URLFetcher(
            timeout=timeout, ssl_context=ssl_context, allowed_protocols=("data",), allow_redirects=False
        )
        return data_fetcher.fetch(url)
    try:
        raw_path = urlsplit(url).path
        parsed = urlsplit(urljoin(BASE_URL, url))
    except ValueError as error:
        raise _refuse(url, "malformed URL") from error
    if _has_unsafe_segment(raw_path):
        raise _refuse(url, "dot segment or unsafe character in the path")
    if parsed.scheme != _BASE.scheme or parsed.netloc.lower() != _BASE.netloc:
        raise _refuse(url, "not a static file of the application")
    prefix = _static_prefix()
    if not parsed.path.startswith(prefix):
        raise _refuse(url, "outside STATIC_URL")
    relative = unquote(parsed.path[len(prefix) :])
    if not relative or _has_unsafe_segment(relative) or any(not part for part in relative.split("/")):
        raise _refuse(url, "invalid static path")
    try:
        found = _static_file(relative)
    except Exception as error:  # SuspiciousFileOperation and the like
        raise _refuse(url, f"static file lookup failed: {type(error).__name__}") from error
    if not found or not found.is_file():
        raise _refuse(url, "no such static file")
    content_type = mimetypes.guess_type(relative, strict=False)[0] or "application/octet-stream"
    body = found.read_bytes()
    if body[:4] == b"wOF2":  # WeasyPrint would decode it again at each render (pure Python, ~0.1 s a font)
        body, content_type = _decoded_woff2(str(found), found.stat().st_mtime_ns), "font/sfnt"
    return URLFetcherResponse(
        urljoin(BASE_URL, prefix + quote(relative)),
        body=body,
        headers={"Content-Type": content_type},
    )


@lru_cache(maxsize=32)
def _decoded_woff2(path: str, mtime_ns: int) -> bytes:
    """The font of a WOFF2 file as the TrueType/OpenType bytes it holds, decoded once per process (the
    worker renders many PDFs with the same few fonts)."""
    from fontTools.ttLib import woff2

    out = io.BytesIO()
    woff2.decompress(io.BytesIO(Path(path).read_bytes()), out)
    return out.getvalue()


class SafeURLFetcher(URLFetcher):
    """The WeasyPrint 70 URL fetcher applying `safe_url_fetcher`: never touches the network."""

    def __init__(self, timeout=10, ssl_context=None):
        super().__init__(
            timeout=timeout,
            ssl_context=ssl_context,
            allowed_protocols=("data",),
            allow_redirects=False,
            fail_on_errors=False,
        )
        self._ssl_context = ssl_context

    def fetch(self, url, headers=None):
        return safe_url_fetcher(url, timeout=self._timeout, ssl_context=self._ssl_context)


class _SVGImageDrawnOnce(SVGImage):
    """An SVG image of the document drawn once, at its first use, into a form XObject that this use and
    every later one place (the form is in the image's own coordinates, as `SVGImage.draw` draws, and the
    use's position and scale apply to it). Another size, or a use inside a group with resources of its
    own, draws it once more for that one."""

    def draw(self, stream, concrete_width, concrete_height, style):
        # WeasyPrint 70's pdf.stream.Stream: `add_group` makes a form XObject in the stream's resources
        # (one dictionary for every page of the document, another inside a group).
        forms = self.__dict__.setdefault("_forms", {})  # (resources, width, height) -> the form's name
        key = (id(stream._resources), concrete_width, concrete_height)
        if key not in forms:
            form = stream.add_group(0, 0, concrete_width, concrete_height)
            super().draw(form, concrete_width, concrete_height, style)
            forms[key] = form.id
        stream.draw_x_object(forms[key])


class _ImageCache(dict):
    """WeasyPrint's cache of a document's images (its `cache` option: URL → image), which makes each SVG
    image one drawn once (`_SVGImageDrawnOnce`). WeasyPrint stores an image here as it first loads it,
    then hands that same object to its first use: the image itself becomes one drawn once."""

    def __setitem__(self, url, image):
        if type(image) is SVGImage:
            image.__class__ = _SVGImageDrawnOnce
        super().__setitem__(url, image)


_fonts = threading.local()


def _font_config() -> FontConfiguration:
    """This thread's fonts, kept from one render to the next (Pango's font map is not shared between
    threads). A font face of the stylesheets is added once: WeasyPrint names the file it writes by the
    face's descriptors (its URL included), and adds nothing when that file exists. A face once added stays
    for the thread's later PDFs, which all declare the same ones (the templates link the vendored
    fonts.css): a PDF that names the family without declaring its faces would find it all the same."""
    if not hasattr(_fonts, "config"):
        _fonts.config = FontConfiguration()
    return _fonts.config


def _aware(moment: datetime | None) -> datetime:
    moment = timezone.now() if moment is None else moment
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return timezone.localtime(moment).replace(microsecond=0)


def render_pdf(
    html: str,
    *,
    title: str,
    author: str = "",
    subject: str = "",
    keywords: Sequence[str] = (),
    lang: str = "fr",
    pdfa: bool = False,
    attachments: Sequence[PdfAttachment] = (),
    created: datetime | None = None,
) -> bytes:
    """Render an HTML string to PDF bytes.

    Metadata (title, author, subject, keywords, lang, creation date, default now) go to the info
    dictionary, the catalog's /Lang and the XMP stream; those of the HTML (`<title>`, `<meta>`,
    `<link rel=attachment>`) are replaced by them. `pdfa=True` makes a PDF/A-3b file; the attachments
    are embedded files (associated files of the document, with their AFRelationship, in PDF/A-3).
    """
    moment = _aware(created)
    w3c_date = moment.isoformat(timespec="seconds")
    fetcher = SafeURLFetcher()
    options = {"pdf_identifier": True}
    if pdfa:
        options["pdf_variant"] = "pdf/a-3b"
    embedded = []
    for attachment in attachments:
        data_url = f"data:{attachment.mime_type};base64,{base64.b64encode(attachment.content).decode()}"
        embedded.append(
            Attachment(
                url=data_url,
                url_fetcher=fetcher,
                name=attachment.filename,
                description=attachment.description or None,
                # WeasyPrint writes these as UTC ("D:…Z") without converting them.
                created=moment.astimezone(UTC),
                modified=moment.astimezone(UTC),
                relationship=attachment.relationship,
            )
        )
    if embedded:
        options["attachments"] = embedded

    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(
        cache=_ImageCache(), font_config=_font_config(), **options
    )
    metadata = document.metadata
    metadata.title = title
    metadata.authors = [author] if author else []
    metadata.description = subject or None
    metadata.keywords = [keyword for keyword in keywords if keyword]
    metadata.generator = None
    metadata.created = metadata.modified = w3c_date
    metadata.lang = lang or None
    metadata.attachments = []
    metadata.custom = {}
    metadata.xmp_metadata = []

    return document.write_pdf(finisher=partial(_finish_pdf, pdfa=pdfa), **options)


def _finish_pdf(document, pdf, *, pdfa: bool) -> None:
    """Post-process the pydyf PDF before it is written (WeasyPrint's `finisher`)."""
    if pdfa:
        # WeasyPrint 70 lists every attachment twice in the catalog's /AF (Kozea/WeasyPrint#2917, fixed
        # after 70 by #2920): keep each file specification once. A no-op once fixed.
        associated_files = pdf.catalog.get("AF")
        if associated_files:
            associated_files[:] = list(dict.fromkeys(associated_files))
    else:
        # PDF variants write the XMP stream themselves; without one, write it here (without pdfaid).
        document.metadata.include_in_pdf(pdf, "a", None, None, compress=True)
