from __future__ import annotations

from requests_app.models.accounts import AlertDelivery, Profile
from requests_app.models.alerts import Alert, AlertStatus
from requests_app.models.audit import AuditEntry, FixityReport
from requests_app.models.batches import (
    Answer,
    AnswerField,
    AnswerKind,
    Batch,
    MemberAction,
    MemberActionKind,
    SendMode,
)
from requests_app.models.bodies import Nation, PublicBody, Tag
from requests_app.models.campaigns import Campaign, Membership, Role
from requests_app.models.chasers import Chaser, ChaserMode, ChaserRule, ChaserStatus
from requests_app.models.correspondence import (
    Channel,
    Direction,
    LetterRow,
    MailboxState,
    Message,
    MessageKind,
    MessageSource,
    QuarantinedMail,
    SendStatus,
)
from requests_app.models.documents import Attachment, DocumentPage, ExtractionStatus
from requests_app.models.law import Exemption, NonWorkingDay
from requests_app.models.redaction import (
    DisclosureAcceptance,
    JobStatus,
    MarkSource,
    ReasonKind,
    RedactedText,
    RedactedVersion,
    Redaction,
    RedactionJob,
)
from requests_app.models.reports import GeneratedReport, ReportKind, ReportStatus
from requests_app.models.requests import (
    EventKind,
    FoiRequest,
    ReferenceCounter,
    RequestEvent,
    Status,
    Visibility,
)
from requests_app.models.search import SavedSearch
from requests_app.models.sharing import ShareLink
from requests_app.models.suggestions import BodySuggestion, SuggestionStatus

__all__ = [
    "Alert",
    "AlertDelivery",
    "AlertStatus",
    "Answer",
    "AnswerField",
    "AnswerKind",
    "Attachment",
    "AuditEntry",
    "Batch",
    "BodySuggestion",
    "Campaign",
    "Channel",
    "Chaser",
    "ChaserMode",
    "ChaserRule",
    "ChaserStatus",
    "Direction",
    "DisclosureAcceptance",
    "DocumentPage",
    "EventKind",
    "Exemption",
    "ExtractionStatus",
    "FixityReport",
    "FoiRequest",
    "GeneratedReport",
    "JobStatus",
    "LetterRow",
    "MailboxState",
    "MarkSource",
    "MemberAction",
    "MemberActionKind",
    "Membership",
    "Message",
    "MessageKind",
    "MessageSource",
    "Nation",
    "NonWorkingDay",
    "Profile",
    "PublicBody",
    "QuarantinedMail",
    "ReasonKind",
    "RedactedText",
    "RedactedVersion",
    "Redaction",
    "RedactionJob",
    "ReferenceCounter",
    "ReportKind",
    "ReportStatus",
    "RequestEvent",
    "Role",
    "SavedSearch",
    "SendMode",
    "SendStatus",
    "ShareLink",
    "Status",
    "SuggestionStatus",
    "Tag",
    "Visibility",
]
