"""Names and content types of files that come from outside (uploads, mail, archives).

Plain Python, no forms and no models: the mail parser, extraction, redaction and exports
use it as much as the upload forms do.
"""

from __future__ import annotations

import mimetypes
import re
import unicodedata
from pathlib import PurePath

MAX_FILENAME_LENGTH = 255


def safe_filename(original: str) -> str:
    """The original name without its path and any character a filesystem or header dislikes.

    Like django.utils.text.get_valid_filename, but keeps letters of any script and
    never raises: a name that is nothing but dots becomes "attachment".
    """
    name = PurePath(original.replace("\\", "/")).name
    name = unicodedata.normalize("NFC", name)
    # Control characters and the characters Windows forbids in names are dropped;
    # spaces and punctuation people use in names ("FOI 2026-117 (final).pdf") stay.
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C" and c not in '<>:"|?*')
    name = re.sub(r"\s+", " ", name).strip().lstrip(".").strip()
    if not name:
        return "attachment"
    stem, dot, suffix = name.rpartition(".")
    if len(name) > MAX_FILENAME_LENGTH and dot and len(suffix) < 20:
        return stem[: MAX_FILENAME_LENGTH - len(suffix) - 1] + "." + suffix
    return name[:MAX_FILENAME_LENGTH]


def guess_content_type(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"
