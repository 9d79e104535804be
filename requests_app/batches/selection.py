"""Choosing the bodies of a batch: by tag, by search, from a saved list, or from names.

Every way of choosing adds to one list. A body chosen twice is kept once and flagged; an
inactive body is flagged and left out; a body without an FOI address (or whose address
bounced) is flagged, to be recorded as sent by post or web form; a name that matches no
body is listed for the person to fix.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Q
from django.db.models.functions import Lower

from requests_app.dataio.tables import TableError, read_table
from requests_app.models import Batch, Campaign, FoiRequest, PublicBody, Tag

DEFAULT_MAX_BODIES = 500
MAX_NAMES = 5000


def max_bodies() -> int:
    return int(getattr(settings, "FOI_BATCH_MAX_BODIES", DEFAULT_MAX_BODIES))


@dataclass(frozen=True)
class Choice:
    """One body as the preview shows it."""

    body: PublicBody
    times_chosen: int = 1

    @property
    def is_duplicate(self) -> bool:
        return self.times_chosen > 1

    @property
    def can_email(self) -> bool:
        return bool(self.body.foi_email) and not self.body.email_failing

    @property
    def is_eligible(self) -> bool:
        return self.body.is_active


@dataclass(frozen=True)
class Selection:
    choices: tuple[Choice, ...] = ()
    unknown_names: tuple[str, ...] = ()
    problems: tuple[str, ...] = field(default=())

    @property
    def eligible(self) -> list[Choice]:
        return [choice for choice in self.choices if choice.is_eligible]

    @property
    def inactive(self) -> list[Choice]:
        return [choice for choice in self.choices if not choice.is_eligible]

    @property
    def duplicates(self) -> list[Choice]:
        return [choice for choice in self.choices if choice.is_duplicate]

    @property
    def without_email(self) -> list[Choice]:
        return [choice for choice in self.eligible if not choice.can_email]


def select_bodies(
    *,
    user: User,
    tags: Iterable[Tag] = (),
    search: str = "",
    batch: Batch | None = None,
    campaign: Campaign | None = None,
    names: Sequence[str] = (),
) -> Selection:
    """The bodies every way of choosing names, each once, with how often it was named."""
    chosen: list[int] = []
    tag_ids = [tag.pk for tag in tags]
    if tag_ids:
        chosen += list(PublicBody.objects.filter(tags__in=tag_ids).values_list("pk", flat=True))
    if search.strip():
        chosen += list(PublicBody.objects.matching(search).values_list("pk", flat=True))
    # A saved list is the bodies of requests the user can see: an earlier batch's members
    # or a campaign's requests (the form offers only batches and campaigns they can see).
    visible = FoiRequest.objects.visible_to(user)
    if batch is not None:
        chosen += list(visible.filter(batch=batch).values_list("public_body_id", flat=True))
    if campaign is not None:
        in_campaign = visible.filter(campaign=campaign).values_list("public_body_id", flat=True)
        chosen += list(in_campaign.distinct())
    matched, unknown = match_names(names)
    chosen += matched
    return _selection(chosen, unknown)


def _selection(chosen: list[int], unknown: list[str]) -> Selection:
    counts = Counter(chosen)
    bodies = PublicBody.objects.filter(pk__in=list(counts)).order_by("name")
    choices = tuple(Choice(body, counts[body.pk]) for body in bodies)
    return Selection(choices, tuple(unknown))


def match_names(names: Sequence[str]) -> tuple[list[int], list[str]]:
    """Body ids for names (a body's name or short name, any case) and the names unmatched.

    A short name shared by several bodies matches none of them: it is listed as unknown.
    """
    wanted = [name.strip() for name in names if name.strip()]
    if not wanted:
        return [], []
    lowered = {name.lower() for name in wanted}
    candidates = PublicBody.objects.annotate(lname=Lower("name"), lshort=Lower("short_name"))
    rows = candidates.filter(Q(lname__in=lowered) | Q(lshort__in=lowered)).values_list(
        "pk", "lname", "lshort"
    )
    by_name = {lname: pk for pk, lname, _ in rows}
    by_short: dict[str, set[int]] = {}
    for pk, _, lshort in rows:
        if lshort:
            by_short.setdefault(lshort, set()).add(pk)
    matched, unknown = [], []
    for name in wanted:
        key = name.lower()
        shorts = by_short.get(key, set())
        found = by_name.get(key) or (next(iter(shorts)) if len(shorts) == 1 else None)
        if found is None:
            unknown.append(name)
        else:
            matched.append(found)
    return matched, list(dict.fromkeys(unknown))


def names_from_text(text: str) -> list[str]:
    """One name a line (a pasted list); blank lines skipped."""
    return [line.strip() for line in text.splitlines() if line.strip()][: MAX_NAMES + 1]


def names_from_file(content: bytes, filename: str) -> list[str]:
    """Names from a CSV or XLSX: the column headed "name" (or "body"), else the first.

    Raises TableError with a message for the person when the file cannot be read.
    """
    if not content.strip():
        raise TableError("The file is empty.")
    table = read_table(content, filename)
    headers = [header.strip().lower() for header in table.headers]
    column = next(
        (headers.index(name) for name in ("name", "public body", "body") if name in headers), None
    )
    names = [] if column is not None else [table.headers[0]]
    index = column or 0
    names += [str(row[index]) for row in table.rows if len(row) > index]
    return [name.strip() for name in names if name and name.strip()][: MAX_NAMES + 1]
