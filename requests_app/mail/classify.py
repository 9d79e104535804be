"""What a reply probably is, and which exemptions it cites — a suggestion a person confirms.

The wording public bodies use is formulaic (the ICO's model letters are copied everywhere),
so phrases go a long way. Every response ends with the same boilerplate about internal
reviews and the Information Commissioner, so those words alone never decide anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Q

from requests_app.models import Exemption, MessageKind, Status

SECTION_WORD = r"(?:sections?|ss?\.?|s\.s\.)"
REGULATION_WORD = r"(?:regulations?|regs?\.?|r\.)"
PROVISION = r"\d{1,2}[A-Z]?(?:\s*\(\s*[0-9a-z]{1,4}\s*\))*"
LIST_OF_PROVISIONS = rf"{PROVISION}(?:\s*(?:,|and|&|or)\s*{PROVISION})*"
SECTION_CITATION = re.compile(rf"\b{SECTION_WORD}\s*({LIST_OF_PROVISIONS})", re.IGNORECASE)
REGULATION_CITATION = re.compile(rf"\b{REGULATION_WORD}\s*({LIST_OF_PROVISIONS})", re.IGNORECASE)
ONE_PROVISION = re.compile(PROVISION, re.IGNORECASE)
SCOTTISH_ACT = re.compile(r"freedom of information \(scotland\) act|\bfoisa\b", re.IGNORECASE)
# Part II exemptions plus ss.12 and 14, which bodies cite as refusal grounds.
FOIA_SECTIONS = {12, 14, *range(21, 45)}
FOISA_SECTIONS = {12, 14, *range(25, 42)}
EIR_REGULATIONS = {12, 13}


@dataclass(frozen=True)
class Citation:
    law: str
    section: str
    as_written: str

    @property
    def label(self) -> str:
        return f"EIR reg {self.section}" if self.law == "uk-eir" else f"s.{self.section}"


@dataclass(frozen=True)
class Suggestion:
    kind: str
    outcome: str
    evidence: str
    citations: tuple[Citation, ...]

    @property
    def kind_label(self) -> str:
        return str(MessageKind(self.kind).label)

    @property
    def outcome_label(self) -> str:
        return str(Status(self.outcome).label) if self.outcome else ""


@dataclass(frozen=True)
class Rule:
    kind: str
    pattern: re.Pattern[str]


def _rule(kind: str, *phrases: str) -> Rule:
    return Rule(kind, re.compile(r"\b(?:" + "|".join(phrases) + r")\b", re.IGNORECASE))


DECISION_NOTICE = _rule(
    MessageKind.REGULATOR_DECISION,
    r"this decision notice",
    r"the commissioner(?:'s)? (?:has )?decided?",
    r"decision notice (?:reference|ref)",
)
REVIEW_OUTCOME = _rule(
    MessageKind.REVIEW_OUTCOME,
    r"(?:outcome|result|conclusion)s? of (?:the |your |my )?(?:internal )?review",
    r"internal review (?:has|have) (?:now )?(?:been )?(?:completed|concluded)",
    r"(?:i|we) have (?:now )?(?:completed|concluded|carried out) "
    r"(?:the|an|your) (?:internal )?review",
    r"review (?:panel )?(?:has )?(?:upheld|overturned)",
)
EXTENSION = _rule(
    MessageKind.EXTENSION_NOTICE,
    r"extend(?:ing)? the (?:deadline|time(?: limit)?)",
    r"(?:need|require) (?:additional|further|more) time",
    r"further (?:20|twenty) working days",
    r"section 10\s*\(\s*3\s*\)",
    r"regulation 7\s*\(\s*1\s*\)",
)
CLARIFICATION = _rule(
    MessageKind.CLARIFICATION_REQUEST,
    r"clarify",
    r"clarification",
    r"section 1\s*\(\s*3\s*\)",
    r"regulation 9\s*\(\s*2\s*\)",
    r"could you (?:please )?(?:confirm|specify|narrow)",
    r"please (?:confirm|specify) (?:which|what|the)",
)
REFUSAL = _rule(
    MessageKind.REFUSAL,
    r"refus(?:e|al|ing)",
    r"withh(?:old|eld|olding) in full",
    r"not obliged to",
    r"neither confirm nor deny",
    r"vexatious",
    r"exceeds? the (?:appropriate |cost )?limit",
    r"manifestly unreasonable",
)
RELEASE = _rule(
    MessageKind.RESPONSE,
    r"please find (?:attached|enclosed)",
    r"(?:is|are) (?:attached|enclosed)",
    r"our response",
    r"the information (?:you )?requested",
    r"we (?:can|are able to) (?:confirm|provide|disclose)",
)
NOT_HELD = _rule(
    MessageKind.RESPONSE,
    r"(?:is|are|was|were) not held",
    r"(?:does|do) not hold",
    r"holds? no (?:recorded )?information",
)
PARTIAL = re.compile(
    r"\b(?:redact(?:ed|ion)s?|withh(?:eld|old|olding) (?:some|part|certain)|in part)\b",
    re.IGNORECASE,
)
ACKNOWLEDGEMENT = _rule(
    MessageKind.ACKNOWLEDGEMENT,
    r"acknowledge",
    r"received your (?:request|email)",
    r"receipt of your (?:request|email)",
    r"we will (?:aim to )?respond",
    r"within (?:20|twenty) working days",
    r"has been logged",
)


def suggest(
    *, subject: str, text: str, regime: str = "uk-foia", is_auto_reply: bool = False
) -> Suggestion:
    """The kind of reply this looks like, the outcome it implies and the exemptions it cites."""
    words = f"{subject}\n{text}"
    citations = tuple(cited_exemptions(words, regime))
    if is_auto_reply:
        return _automatic(words, citations)
    for rule in (DECISION_NOTICE, REVIEW_OUTCOME, EXTENSION, CLARIFICATION):
        found = rule.pattern.search(words)
        if found:
            return Suggestion(rule.kind, "", found.group(0), citations)
    return _answer(words, citations)


def _automatic(words: str, citations: tuple[Citation, ...]) -> Suggestion:
    """An automatic message is never a response; a case system's receipt is an acknowledgement."""
    found = ACKNOWLEDGEMENT.pattern.search(words)
    if found:
        return Suggestion(MessageKind.ACKNOWLEDGEMENT, "", found.group(0), citations)
    return Suggestion(MessageKind.OTHER, "", "automatic reply", citations)


def _answer(words: str, citations: tuple[Citation, ...]) -> Suggestion:
    refusal = REFUSAL.pattern.search(words)
    release = RELEASE.pattern.search(words)
    not_held = NOT_HELD.pattern.search(words)
    if refusal and not release:
        return Suggestion(MessageKind.REFUSAL, Status.REFUSED, refusal.group(0), citations)
    if not_held and not release:
        return Suggestion(MessageKind.RESPONSE, Status.NOT_HELD, not_held.group(0), citations)
    if release:
        partial = refusal or PARTIAL.search(words) or (citations and True)
        outcome = Status.PARTIALLY_SUCCESSFUL if partial else Status.SUCCESSFUL
        return Suggestion(MessageKind.RESPONSE, outcome, release.group(0), citations)
    found = ACKNOWLEDGEMENT.pattern.search(words)
    if found:
        return Suggestion(MessageKind.ACKNOWLEDGEMENT, "", found.group(0), citations)
    return Suggestion(MessageKind.OTHER, "", "", citations)


def cited_exemptions(text: str, regime: str = "uk-foia") -> list[Citation]:
    """ "section 36", "s.43(2)", "sections 31 and 38", "regulation 12(4)(b)", in order."""
    act = "scot-foisa" if regime == "scot-foisa" or SCOTTISH_ACT.search(text) else "uk-foia"
    found: list[tuple[int, Citation]] = []
    for pattern, law in ((SECTION_CITATION, act), (REGULATION_CITATION, "uk-eir")):
        for match in pattern.finditer(text):
            for provision in ONE_PROVISION.finditer(match.group(1)):
                citation = _citation(law, provision.group(0))
                if citation is not None:
                    found.append((match.start() + provision.start(), citation))
    unique = {
        citation.section + citation.law: citation for _, citation in sorted(found, key=_first)
    }
    return list(unique.values())


def _first(item: tuple[int, Citation]) -> int:
    return item[0]


def _citation(law: str, written: str) -> Citation | None:
    section = re.sub(r"\s+", "", written).lower()
    number = int(re.match(r"\d+", section).group(0))  # type: ignore[union-attr]
    allowed = {"uk-foia": FOIA_SECTIONS, "scot-foisa": FOISA_SECTIONS, "uk-eir": EIR_REGULATIONS}
    if number not in allowed[law]:
        return None
    if "(" not in section:
        section = section.upper()  # "22a" is written "22A" in the Act
    return Citation(law=law, section=section, as_written=written)


def exemptions_for(citations: tuple[Citation, ...] | list[Citation]) -> list[Exemption]:
    """The catalogue's exemptions for these citations: "43(2)" is filed under s.43."""
    if not citations:
        return []
    wanted = Q()
    for citation in citations:
        for section in _broader_sections(citation.section):
            wanted |= Q(law=citation.law, section__iexact=section)
    catalogue = {
        (item.law, item.section.lower()): item for item in Exemption.objects.filter(wanted)
    }
    chosen: dict[int, Exemption] = {}
    for citation in citations:
        for section in _broader_sections(citation.section):
            exemption = catalogue.get((citation.law, section.lower()))
            if exemption is not None:
                chosen.setdefault(exemption.pk, exemption)
                break
    return list(chosen.values())


def _broader_sections(section: str) -> list[str]:
    """ "12(4)(b)" → ["12(4)(b)", "12(4)", "12"]."""
    sections = [section]
    while "(" in section:
        section = section[: section.rindex("(")]
        sections.append(section)
    return sections
