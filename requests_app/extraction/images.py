"""Images (PNG, JPEG, TIFF including multi-page faxes and scans, GIF, BMP, WebP): OCR.

Extraction only counts the frames and marks each as a page to read; the reading itself
is the OCR task's work, on its own queue.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image

from requests_app.extraction.base import (
    Damaged,
    Event,
    ExtractionProblem,
    LimitReached,
    PageCount,
    PageSkipped,
    PageText,
    Source,
)
from requests_app.extraction.ocr import PageNotRecognised, recognise

# Below this a stored resolution is a placeholder (72 dpi is a common default), not a scan's.
MIN_PLAUSIBLE_DPI = 100


@contextmanager
def open_image(path: Path) -> Iterator[tuple[Image.Image, int]]:
    """The image and its number of frames (pages)."""
    try:
        image = Image.open(path)
        frames = int(getattr(image, "n_frames", 1))
    except Image.DecompressionBombError as error:
        raise LimitReached(f"The image is too large to read safely: {error}") from error
    except Exception as error:  # Pillow's decoders raise many kinds on damaged data
        raise Damaged("The image could not be read: it is damaged or truncated.") from error
    try:
        yield image, frames
    finally:
        image.close()


def extract_image(source: Source) -> Iterator[Event]:
    with open_image(source.path) as (_, frames):
        pass
    yield PageCount(frames)
    for number in range(1, frames + 1):
        yield PageText(number, "", needs_ocr=True)


def ocr_image(source: Source, numbers: list[int]) -> Iterator[Event]:
    with open_image(source.path) as (image, frames):
        yield PageCount(frames)
        for position, number in enumerate(numbers):
            source.check_time(f"after OCR of {position} of {len(numbers)} pages")
            yield _recognise_frame(image, number, source)


def _recognise_frame(image: Image.Image, number: int, source: Source) -> Event:
    try:
        image.seek(number - 1)
        image.load()
        timeout = min(source.limits.ocr_page_time_limit, source.seconds_left())
        text = recognise(image, ocr=source.ocr, timeout=timeout, dpi=_stored_dpi(image))
    except PageNotRecognised as problem:
        return PageSkipped(number, problem.detail)
    except ExtractionProblem:
        raise  # no OCR engine or language: no page can be read
    except Image.DecompressionBombError as error:
        return PageSkipped(number, f"The image is too large to read safely: {error}")
    except Exception as error:  # Pillow's decoders raise many kinds on damaged data
        return PageSkipped(number, f"The image could not be decoded: {error}")
    return PageText(number, text)


def _stored_dpi(image: Image.Image) -> int | None:
    dpi = image.info.get("dpi")
    try:
        value = int(float(dpi[0])) if dpi else 0
    except (TypeError, ValueError, IndexError):
        return None
    return value if MIN_PLAUSIBLE_DPI <= value <= 2400 else None
