"""`python manage.py check_fixity`: re-hash every stored original now, with a progress bar."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from requests_app.fixity.services import check_fixity

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Read every stored original (raw mail, attachments, quarantined mail) and compare its "
        "sha256 with the one recorded; report missing or changed files and mail the admins."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-mail", action="store_true", help="Report problems here only, not to ADMINS."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = check_fixity(progress=self.show_progress, notify=not options["no_mail"])
        self.stderr.write("")
        for found in report.problems:
            self.stdout.write(
                f"{found['problem'].upper()} {found['kind']} {found['name']} "
                f"(rows {', '.join(str(pk) for pk in found['ids'])})"
            )
        summary = f"Checked {report.files_checked} files ({report.bytes_checked} bytes)"
        if report.problem_count:
            raise CommandError(f"{summary}: {report.problem_count} missing or changed.")
        self.stdout.write(self.style.SUCCESS(f"{summary}: all intact."))

    def show_progress(self, done: int, total: int) -> None:
        filled = BAR_WIDTH * done // total if total else BAR_WIDTH
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        # On a terminal the bar redraws in place; in a log it is one line per tenth.
        if self.stderr.isatty():
            self.stderr.write(f"\r[{bar}] {done}/{total}", ending="")
        elif done == total or done % max(total // 10, 1) == 0:
            self.stderr.write(f"[{bar}] {done}/{total}")
