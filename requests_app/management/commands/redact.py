"""`python manage.py redact ATTACHMENT_ID --pattern REGEX… [--words FILE] [--box PAGE:X0,Y0,X1,Y1…]
--reason TEXT [--output FILE.pdf]`: make a redacted version of an attachment."""

from __future__ import annotations

import shutil
from argparse import RawDescriptionHelpFormatter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from requests_app.models import Attachment
from requests_app.redaction.services import (
    RedactionError,
    RedactionOrder,
    create_redacted_version,
    parse_box,
    reason_from_text,
)

DESCRIPTION = """\
Make a redacted version of an attachment. The original is never changed; the redacted
version is a new PDF attachment on the same message (listed on the original's page),
whose pages are rebuilt from images with the boxes burnt in and a text layer holding only
the words no box touches, followed by a redaction log page.

Boxes: --box PAGE:X0,Y0,X1,Y1 with PAGE counted from 1 and the corners in PDF points
(1/72 inch; an A4 page is 595 x 842) measured from the TOP-LEFT corner of the page as it
is shown, e.g. --box 1:72,100,300,130 blacks out a strip near the top of page 1.
Patterns are Python regular expressions matched against each page's text (words joined
by spaces, lines by newlines); add (?i) to ignore case. A match blacks out whole words.
--words FILE lists words or phrases to redact, one a line, matched case-insensitively.
Scanned pages are read with tesseract to find matches and rebuild their text.

--reason is "personal data", an exemption as cited (e.g. "FOIA s.40(2)", "EIR reg
12(5)(a)") or any other text; it is printed in the log beside every box.
"""


class Command(BaseCommand):
    help = "Make a redacted version of an attachment (boxes, patterns, words) with its log."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.description = DESCRIPTION
        parser.formatter_class = RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("attachment_id", type=int, help="The id of the attachment.")
        parser.add_argument(
            "--pattern",
            nargs="+",
            action="extend",
            default=[],
            metavar="REGEX",
            help="Regular expressions to redact wherever they match.",
        )
        parser.add_argument(
            "--words",
            type=Path,
            metavar="FILE",
            help="A UTF-8 text file of words or phrases to redact, one a line.",
        )
        parser.add_argument(
            "--box",
            nargs="+",
            action="extend",
            default=[],
            metavar="PAGE:X0,Y0,X1,Y1",
            help="Areas to black out: page from 1, corners in points from the top-left.",
        )
        parser.add_argument(
            "--reason",
            required=True,
            help='Why: "personal data", an exemption such as "FOIA s.40(2)", or free text.',
        )
        parser.add_argument(
            "--output",
            "-o",
            type=Path,
            metavar="FILE.pdf",
            help="Also write the redacted PDF to this file.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        attachment = (
            Attachment.objects.select_related("message__request")
            .filter(pk=options["attachment_id"])
            .first()
        )
        if attachment is None:
            raise CommandError(f"There is no attachment {options['attachment_id']}.")
        try:
            reason = reason_from_text(options["reason"])
            order = RedactionOrder(
                boxes=[parse_box(text, reason) for text in options["box"]],
                patterns=options["pattern"],
                words=read_words(options["words"]),
                reason=reason,
            )
            version = create_redacted_version(attachment=attachment, order=order, user=None)
        except RedactionError as error:
            raise CommandError(str(error)) from error
        if options["output"]:
            with version.attachment.file.open("rb") as stored, options["output"].open("wb") as out:
                shutil.copyfileobj(stored, out)
        count = version.redactions.count()
        self.stdout.write(
            f"Attachment {version.attachment.pk} “{version.attachment.filename}”: "
            f"{count} area{'s' if count != 1 else ''} redacted on {version.page_count} "
            f"page{'s' if version.page_count != 1 else ''}"
            + (f"; written to {options['output']}" if options["output"] else "")
        )


def read_words(path: Path | None) -> list[str]:
    if path is None:
        return []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise RedactionError(f"The word list {path} cannot be read: {error}.") from error
    return [line.strip() for line in lines if line.strip()]
