"""Making a redacted version of an attachment, and choosing what may leave the app.

`create_redacted_version` renders the attachment as PDF pages (an Office file or an image
through the same conversion the complaint bundle uses), burns the marks in, appends the
log and files the result as an attachment of its own on the same message, with the
original as its parent. The original's file and fixity hash are never touched. The new
attachment goes through text extraction like any other, so search finds what is left.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from requests_app.audit import record_audit
from requests_app.extraction import schedule_extraction
from requests_app.extraction.base import ExtractionProblem
from requests_app.files import safe_filename
from requests_app.models import (
    Attachment,
    Exemption,
    FoiRequest,
    MarkSource,
    ReasonKind,
    RedactedVersion,
    Redaction,
)
from requests_app.models.documents import store_blob
from requests_app.redaction.engine import Finder, RedactionPlan, occurrences, write_redacted
from requests_app.redaction.geometry import Area, Mark, Reason
from requests_app.redaction.hidden import visible_sheet_pages
from requests_app.redaction.layout import OcrUnavailable
from requests_app.redaction.log import LogHeading, append_log, log_lines
from requests_app.redaction.matching import BadPattern, Occurrence, compile_patterns
from requests_app.redaction.texts import disclosable_texts as disclosable_texts
from requests_app.redaction.texts import use_disclosable_texts as use_disclosable_texts
from requests_app.reports.conversion import Caption, convert_attachment


class RedactionError(Exception):
    """Something a person can fix: say what, never a 500."""


@dataclass(frozen=True)
class RedactionOrder:
    """What to withhold: boxes drawn (each with its reason), and patterns or words."""

    boxes: list[Mark] = field(default_factory=list)
    patterns: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    reason: Reason | None = None  # for what the patterns and words find

    @property
    def is_empty(self) -> bool:
        return not (self.boxes or self.patterns or self.words)


# --- reasons -------------------------------------------------------------------------------


def make_reason(*, kind: str, text: str = "", exemption: Exemption | None = None) -> Reason:
    """A reason with the label the log prints."""
    text = text.strip()[:500]
    if kind == ReasonKind.EXEMPTION:
        if exemption is None:
            raise RedactionError("Choose the exemption the redaction relies on.")
        label = exemption.citation + (f": {text}" if text else "")
        return Reason(kind, text, exemption.pk, label)
    if kind == ReasonKind.PERSONAL_DATA:
        return Reason(kind, text, None, "Personal data" + (f": {text}" if text else ""))
    if not text:
        raise RedactionError("Say why the area is withheld.")
    return Reason(ReasonKind.OTHER, text, None, text)


def reason_from_text(text: str) -> Reason:
    """A reason as a command line gives it: "personal data", an exemption citation
    ("FOIA s.40(2)", "s.40(2)", "EIR reg 12(5)(a)") or free text."""
    cleaned = text.strip()
    if cleaned.lower() in ("personal data", "personal", "pd"):
        return make_reason(kind=ReasonKind.PERSONAL_DATA)
    exemption = _exemption_cited(cleaned)
    if exemption is not None:
        return make_reason(kind=ReasonKind.EXEMPTION, exemption=exemption)
    return make_reason(kind=ReasonKind.OTHER, text=cleaned)


def _exemption_cited(text: str) -> Exemption | None:
    cited = re.fullmatch(
        r"(?i)(foia|foisa|eir)?\s*(?:s\.?|section|reg\.?|regulation)\s*(\S+)", text
    )
    if cited is None:
        return None
    law = {"foisa": "scot-foisa", "eir": "uk-eir"}.get(
        (cited.group(1) or "foia").lower(), "uk-foia"
    )
    return Exemption.objects.filter(law=law, section=cited.group(2)).first()


BOX = re.compile(r"^(\d+)\s*:\s*(-?[\d.]+),\s*(-?[\d.]+),\s*(-?[\d.]+),\s*(-?[\d.]+)$")


def parse_box(text: str, reason: Reason) -> Mark:
    """A box written PAGE:X0,Y0,X1,Y1 (points from the page's top-left corner)."""
    found = BOX.match(text.strip())
    if found is None:
        raise RedactionError(f"A box is PAGE:X0,Y0,X1,Y1 (e.g. 1:72,100,300,130), not {text!r}.")
    page, *corners = found.groups()
    try:
        area = Area.normalised(*(float(corner) for corner in corners))
    except ValueError as error:
        raise RedactionError(f"The box {text!r} has a corner that is not a number.") from error
    if area.width <= 0 or area.height <= 0:
        raise RedactionError(f"The box {text!r} has no area.")
    return Mark(int(page), area, MarkSource.BOX, reason)


def parse_boxes(text: str, reason: Reason) -> list[Mark]:
    return [parse_box(line, reason) for line in text.splitlines() if line.strip()]


# --- who may, and from what -------------------------------------------------------------------


def may_redact(user: User | AnonymousUser, attachment: Attachment) -> bool:
    request_id = attachment.message.request_id
    if request_id is None:
        return bool(user.is_authenticated and attachment.message.imported_by_id == user.pk)
    return FoiRequest.objects.editable_by(user).filter(pk=request_id).exists()


def version_of(attachment: Attachment) -> RedactedVersion | None:
    """The redacted version `attachment` is, or None for an original."""
    return RedactedVersion.objects.filter(attachment=attachment).select_related("original").first()


def marks_of(version: RedactedVersion) -> list[Mark]:
    """The boxes of an earlier version, to carry into a new one made from it."""
    rows = version.redactions.select_related("exemption")
    return [
        Mark(
            row.page,
            Area(row.x0, row.y0, row.x1, row.y1),
            row.source,
            Reason(row.reason_kind, row.reason_text, row.exemption_id, row.reason),
        )
        for row in rows
    ]


def source_pdf(attachment: Attachment, workdir: Path) -> Path:
    """The attachment as PDF pages: a PDF as it is; anything else through its PDF rendering."""
    message = attachment.message
    caption = Caption(
        number=1,
        filename=attachment.filename,
        received_on=timezone.localdate(message.sent_at)
        if message.sent_at
        else timezone.localdate(),
        reference=message.request.reference if message.request is not None else "",
    )
    extracted = _visible_texts(attachment, workdir)
    converted = convert_attachment(
        attachment,
        caption=caption,
        workdir=workdir,
        extracted=_texts(attachment) if extracted is None else extracted,
    )
    if not converted.included or converted.path is None:
        raise RedactionError(
            f"“{attachment.filename}” cannot be shown as pages: {converted.reason}."
        )
    return converted.path


@contextmanager
def pages_of(attachment: Attachment) -> Iterator[Path]:
    """The attachment as a PDF file, for as long as the block runs."""
    with tempfile.TemporaryDirectory(prefix="foi-redact-") as folder:
        yield source_pdf(attachment, Path(folder))


def _visible_texts(attachment: Attachment, workdir: Path) -> list[str] | None:
    """A workbook's pages without what it hides; None for anything else (see
    `hidden.visible_sheet_pages`: a Word document is rendered without its comments and
    deleted text, slides without their notes, a PDF is rebuilt from its pixels)."""
    copy = workdir / f"visible-{attachment.pk}"
    try:
        with attachment.file.open("rb") as stored, copy.open("wb") as target:
            shutil.copyfileobj(stored, target, 1024 * 1024)
        return visible_sheet_pages(copy)
    except (OSError, ValueError):
        return None
    except Exception as error:  # a damaged workbook: say so rather than leak its hidden parts
        raise RedactionError(
            f"“{attachment.filename}” could not be read to leave out what it hides "
            f"({type(error).__name__})."
        ) from error


def _texts(attachment: Attachment) -> list[str]:
    return list(attachment.pages.order_by("number").values_list("text", flat=True))


# --- making a version --------------------------------------------------------------------------


def preview(*, attachment: Attachment, patterns: list[str], words: list[str]) -> list[Occurrence]:
    """Every occurrence the patterns and words would black out, page by page."""
    finder = Finder(
        _compiled(patterns, words), Reason(ReasonKind.PERSONAL_DATA), MarkSource.PATTERN
    )
    with tempfile.TemporaryDirectory(prefix="foi-redact-") as folder:
        try:
            return occurrences(source_pdf(attachment, Path(folder)), finder)
        except (ExtractionProblem, OcrUnavailable) as error:
            raise RedactionError(str(error)) from error


def audit_redaction(
    version: RedactedVersion,
    actor: User | AnonymousUser | None,
    request: HttpRequest | None = None,
) -> None:
    """Record in the original's audit trail that a redacted version of it was made."""
    record_audit(
        actor=actor,
        action="attachment.redacted",
        obj=version.attachment,
        changes={"redactions": [0, version.redactions.count()]},
        request=request,
    )


def create_redacted_version(
    *,
    attachment: Attachment,
    order: RedactionOrder,
    user: User | None,
    clean_copy: bool = False,
    progress: Callable[[int, int], None] | None = None,
    on_filed: Callable[[RedactedVersion], None] | None = None,
) -> RedactedVersion:
    """Redact `attachment` into a new version of it. Given a redacted version, the new
    one is made from the same original, with the earlier version's boxes and the new ones.
    `clean_copy` allows no boxes at all: the rebuilt PDF alone drops what a file hides.

    `progress(done, total)` hears of each page; `on_filed(version)` runs in the transaction
    that files the version, and may raise to leave nothing filed (see redaction.jobs)."""
    if order.is_empty and not clean_copy:
        raise RedactionError("Draw a box, or give a pattern or words to redact.")
    base = version_of(attachment)
    original = base.original if base is not None else attachment
    with tempfile.TemporaryDirectory(prefix="foi-redact-") as folder:
        workdir = Path(folder)
        source = source_pdf(original, workdir)
        plan = _plan(order)
        plan.marks = (marks_of(base) if base is not None else []) + plan.marks
        body, target = workdir / "redacted-body.pdf", workdir / "redacted.pdf"
        filename = _version_filename(original)
        try:
            result = write_redacted(source, body, plan, title=filename, progress=progress)
        except (ExtractionProblem, OcrUnavailable) as error:
            raise RedactionError(str(error)) from error
        _check_pages(order.boxes, result.page_count)
        heading = LogHeading(
            filename=filename,
            original_filename=original.filename,
            version_label=str(original.redacted_versions.count() + 1),
            made_by=user.get_username() if user else "",
            made_on=timezone.localdate(),
            page_count=result.page_count,
        )
        append_log(body, target, heading, log_lines(result.marks))
        with target.open("rb") as stream:
            name, sha256, size = store_blob(stream)
    with transaction.atomic():
        version = _file_version(
            original, user, filename, name, sha256, size, result.page_count, result.marks
        )
        if on_filed is not None:
            on_filed(version)
    return version


def _compiled(patterns: list[str], words: list[str]) -> list[re.Pattern[str]]:
    try:
        return compile_patterns(patterns, words)
    except BadPattern as error:
        raise RedactionError(str(error)) from error


def _plan(order: RedactionOrder) -> RedactionPlan:
    plan = RedactionPlan(marks=list(order.boxes))
    if not (order.patterns or order.words):
        return plan
    if order.reason is None:
        raise RedactionError("Give the reason for what the patterns and words find.")
    if order.patterns:
        plan.finders.append(Finder(_compiled(order.patterns, []), order.reason, MarkSource.PATTERN))
    if order.words:
        plan.finders.append(Finder(_compiled([], order.words), order.reason, MarkSource.WORDS))
    return plan


def _check_pages(boxes: list[Mark], page_count: int) -> None:
    outside = sorted({mark.page for mark in boxes if not 1 <= mark.page <= page_count})
    if outside:
        raise RedactionError(
            f"The document has {page_count} page{'s' if page_count != 1 else ''}; "
            f"there is no page {', '.join(map(str, outside))}."
        )


def _version_filename(original: Attachment) -> str:
    stem = Path(original.filename).stem or "document"
    number = original.redacted_versions.count() + 1
    suffix = "" if number == 1 else f"-{number}"
    return safe_filename(f"{stem}-redacted{suffix}.pdf")


@transaction.atomic
def _file_version(
    original: Attachment,
    user: User | None,
    filename: str,
    name: str,
    sha256: str,
    size: int,
    page_count: int,
    marks: list[Mark],
) -> RedactedVersion:
    redacted = Attachment.objects.create(
        message_id=original.message_id,
        parent=original,
        filename=filename,
        content_type="application/pdf",
        size=size,
        sha256=sha256,
        file=name,
    )
    version = RedactedVersion.objects.create(
        original=original, attachment=redacted, created_by=user, page_count=page_count
    )
    Redaction.objects.bulk_create(_redaction_rows(version, marks))
    schedule_extraction(redacted.pk)
    return version


def _redaction_rows(version: RedactedVersion, marks: list[Mark]) -> list[Redaction]:
    return [
        Redaction(
            version=version,
            page=mark.page,
            x0=mark.area.x0,
            y0=mark.area.y0,
            x1=mark.area.x1,
            y1=mark.area.y1,
            source=mark.source,
            reason_kind=mark.reason.kind,
            exemption_id=mark.reason.exemption_id,
            reason_text=mark.reason.text,
        )
        for mark in marks
    ]


# --- what leaves the app -------------------------------------------------------------------------


def disclosable_attachment(attachment: Attachment) -> Attachment:
    """What to hand out for `attachment`: its newest redacted version, or itself."""
    return disclosable_attachments([attachment])[0]


def disclosable_attachments(attachments: list[Attachment]) -> list[Attachment]:
    """The same for many, in two queries, in the same order. A redacted version listed
    beside its original is dropped: the original's place already holds the newest one."""
    ids = [attachment.pk for attachment in attachments]
    newest = RedactedVersion.objects.latest_for(ids)
    beside_original = set(
        RedactedVersion.objects.filter(attachment_id__in=ids, original_id__in=ids).values_list(
            "attachment_id", flat=True
        )
    )
    chosen = []
    for attachment in attachments:
        if attachment.pk in beside_original:
            continue
        version = newest.get(attachment.pk)
        chosen.append(version.attachment if version is not None else attachment)
    return chosen
