from assessments.domain.models.answers import Answer, Contribution, Goal
from assessments.domain.models.assessment import Assessment
from assessments.domain.models.consultations import (
    Consultation,
    ConsultationAttachment,
    ConsultationFinding,
)
from assessments.domain.models.figures import Figure
from assessments.domain.models.history import Change
from assessments.domain.models.library import (
    CoverageExclusion,
    ItemRelation,
    LibraryFile,
    LibraryItem,
    LibraryItemText,
    LibraryLink,
)
from assessments.domain.models.notifications import (
    Notification,
    NotificationPreference,
    Profile,
    Reminder,
)
from assessments.domain.models.organisation import Invitation, Membership, Organisation
from assessments.domain.models.replies import ReplyInvitation, ReplyStatus, ResponseAttachment
from assessments.domain.models.report import ReportFile, ReportFormat, ReportStatus
from assessments.domain.models.review import Comment, ReviewRound, SignOff, Verdict
from assessments.domain.models.risks import Measure, Risk
from assessments.domain.models.sources import ServiceResponse, Source
from assessments.domain.models.sso import AuditAction, AuditEntry, GroupRole, OidcIdentity
from assessments.domain.models.tokens import ApiToken, TokenScope
from assessments.domain.models.versions import Version
from assessments.domain.models.weighing import ProportionalityItem
from assessments.infra.models import OutgoingMail, ScheduledRun, ThrottleCount

__all__ = [
    "Answer",
    "ApiToken",
    "Assessment",
    "AuditAction",
    "AuditEntry",
    "Change",
    "Comment",
    "Consultation",
    "ConsultationAttachment",
    "ConsultationFinding",
    "Contribution",
    "CoverageExclusion",
    "Figure",
    "Goal",
    "GroupRole",
    "Invitation",
    "ItemRelation",
    "LibraryFile",
    "LibraryItem",
    "LibraryItemText",
    "LibraryLink",
    "Measure",
    "Membership",
    "Notification",
    "NotificationPreference",
    "OidcIdentity",
    "Organisation",
    "OutgoingMail",
    "Profile",
    "ProportionalityItem",
    "Reminder",
    "ReplyInvitation",
    "ReplyStatus",
    "ReportFile",
    "ReportFormat",
    "ReportStatus",
    "ResponseAttachment",
    "ReviewRound",
    "Risk",
    "ScheduledRun",
    "ServiceResponse",
    "SignOff",
    "Source",
    "ThrottleCount",
    "TokenScope",
    "Verdict",
    "Version",
]
