"""Rendering HTML templates to PDF with WeasyPrint: local fonts, embedded, no network.

A report goes to a regulator or a tribunal and must look the same wherever it is opened,
so the DejaVu fonts are named with @font-face rules pointing at local files (WeasyPrint
embeds what it loads that way), and every URL a template could reach is fetched only
from an allow-list of local folders: a document never fetches anything from the network.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import weasyprint
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

DEFAULT_FONT_DIR = "/usr/share/fonts/truetype/dejavu"

# Our family name -> (weight, style, file); distinct names so fontconfig never substitutes.
FONT_FILES: tuple[tuple[str, str, str, str], ...] = (
    ("Report Sans", "normal", "normal", "DejaVuSans.ttf"),
    ("Report Sans", "bold", "normal", "DejaVuSans-Bold.ttf"),
    ("Report Sans", "normal", "italic", "DejaVuSans-Oblique.ttf"),
    ("Report Sans", "bold", "italic", "DejaVuSans-BoldOblique.ttf"),
    ("Report Serif", "normal", "normal", "DejaVuSerif.ttf"),
    ("Report Serif", "bold", "normal", "DejaVuSerif-Bold.ttf"),
    ("Report Serif", "normal", "italic", "DejaVuSerif-Italic.ttf"),
    ("Report Mono", "normal", "normal", "DejaVuSansMono.ttf"),
    ("Report Mono", "bold", "normal", "DejaVuSansMono-Bold.ttf"),
)


class NetworkFetchRefused(ValueError):
    """A document asked for something outside the local folders it may read."""


def font_dir() -> Path:
    return Path(getattr(settings, "FOI_PDF_FONT_DIR", DEFAULT_FONT_DIR))


def font_faces() -> SafeString:
    """@font-face rules for the report fonts, as local file URLs (our own paths, so safe)."""
    folder = font_dir()
    rules = [
        f'@font-face {{ font-family: "{family}"; font-weight: {weight}; '
        f'font-style: {style}; src: url("{(folder / name).as_uri()}"); }}'
        for family, weight, style, name in FONT_FILES
    ]
    return mark_safe("\n".join(rules))  # noqa: S308 - built from settings, not from input


class LocalFileFetcher(URLFetcher):
    """Serves file: URLs inside the allowed folders and data: URLs; refuses everything else."""

    def __init__(self, roots: Iterable[Path]) -> None:
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
        self.roots = tuple(Path(root).resolve() for root in roots)

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "file" and not self.allows(url):
            raise NetworkFetchRefused(f"not in an allowed folder: {url}")
        if scheme not in ("file", "data"):
            raise NetworkFetchRefused(f"documents never fetch from the network: {url}")
        return super().fetch(url, headers)

    def allows(self, url: str) -> bool:
        path = Path(unquote(urlsplit(url).path)).resolve()
        return any(path.is_relative_to(root) for root in self.roots)


def render_html(template_name: str, context: Mapping[str, Any]) -> str:
    """The template with the PDF fonts in its context (`{{ font_faces }}` in a <style>)."""
    return render_to_string(template_name, {"font_faces": font_faces(), **context})


def render_document(
    template_name: str, context: Mapping[str, Any], *, local_roots: Iterable[Path] = ()
) -> weasyprint.Document:
    """The laid-out document: its pages can be counted and searched for anchors."""
    html = weasyprint.HTML(
        string=render_html(template_name, context),
        base_url=Path(settings.BASE_DIR, "templates", "pdf").as_uri() + "/",
        url_fetcher=LocalFileFetcher((font_dir(), *local_roots)),
    )
    return html.render(font_config=FontConfiguration())


def write_pdf(document: weasyprint.Document, target: Any = None) -> bytes | None:
    """PDF bytes (target None) or written to `target`, a path or a binary file."""
    return document.write_pdf(target)


def render_pdf(
    template_name: str, context: Mapping[str, Any], *, local_roots: Iterable[Path] = ()
) -> bytes:
    pdf = write_pdf(render_document(template_name, context, local_roots=local_roots))
    assert pdf is not None  # write_pdf without a target returns the bytes
    return pdf


# WeasyPrint logs every page it lays out at INFO: a bundle would flood the worker's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
