"""Optical character recognition with the tesseract command, one page image at a time.

Tesseract is optional at run time: without it scans wait with status "needs OCR" and the
pages say so. Each page is its own process with its own time limit, so a pathological
image costs one page, not the worker.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess

from PIL import Image

from requests_app.extraction.base import ExtractionProblem
from requests_app.extraction.limits import OcrSettings, current_ocr_settings
from requests_app.models.documents import ExtractionStatus

LANGUAGES = re.compile(r"^[A-Za-z0-9_]+(\+[A-Za-z0-9_]+)*$")
# Tesseract's page images: larger pages are scaled down to this many pixels.
MAX_PIXELS = 60_000_000
INSTALL_HINT = "install the Debian package tesseract-ocr (and tesseract-ocr-<language>)"
MISSING_LANGUAGE = re.compile(r"Failed loading language '([^']+)'")


class OcrSetupProblem(ExtractionProblem):
    """Tesseract or a language is missing: no page can be read until that is fixed."""

    status = ExtractionStatus.NEEDS_OCR


class PageNotRecognised(ExtractionProblem):
    """One page image defeated tesseract; the other pages go on."""


def tesseract_command(ocr: OcrSettings | None = None) -> str | None:
    return shutil.which((ocr or current_ocr_settings()).command)


def ocr_available() -> bool:
    return tesseract_command() is not None


def recognise(image: Image.Image, *, ocr: OcrSettings, timeout: float, dpi: int | None) -> str:
    """The text tesseract reads in `image`."""
    command = tesseract_command(ocr)
    if command is None:
        raise OcrSetupProblem(f"OCR is not available on this server: {INSTALL_HINT}.")
    if not LANGUAGES.match(ocr.languages):
        raise OcrSetupProblem(f"The OCR language setting {ocr.languages!r} is not valid.")
    arguments = [command, "stdin", "stdout", "-l", ocr.languages, "--psm", "3"]
    if dpi:
        arguments += ["--dpi", str(dpi)]
    try:
        result = subprocess.run(  # noqa: S603 - a fixed command, no shell
            arguments,
            input=_portable_anymap(image),
            capture_output=True,
            timeout=max(timeout, 1.0),
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},  # one core per page: see the benchmark
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise PageNotRecognised(f"OCR took longer than {timeout:.0f} s") from error
    if result.returncode != 0:
        raise _failure(result.stderr.decode("utf-8", "replace"))
    return result.stdout.decode("utf-8", "replace")


def _failure(stderr: str) -> ExtractionProblem:
    missing = MISSING_LANGUAGE.search(stderr)
    if missing:
        language = missing.group(1)
        return OcrSetupProblem(
            f"The OCR language {language!r} is not installed: "
            f"install the Debian package tesseract-ocr-{language}."
        )
    lines = [line for line in stderr.splitlines() if line.strip()]
    return PageNotRecognised(f"Tesseract failed: {lines[-1] if lines else 'no message'}")


def _portable_anymap(image: Image.Image) -> bytes:
    """PGM/PPM bytes: quick to write and read, no compression to pay for."""
    if image.mode not in ("1", "L", "RGB"):
        image = image.convert("L")
    pixels = image.width * image.height
    if pixels > MAX_PIXELS:
        scale = (MAX_PIXELS / pixels) ** 0.5
        image = image.resize((max(1, int(image.width * scale)), max(1, int(image.height * scale))))
    buffer = io.BytesIO()
    image.save(buffer, format="PPM")
    return buffer.getvalue()
