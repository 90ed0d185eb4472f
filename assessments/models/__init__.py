from assessments.models.answers import Answer, Contribution, Goal
from assessments.models.assessment import Assessment
from assessments.models.figures import Figure
from assessments.models.history import Change
from assessments.models.mail import OutgoingMail
from assessments.models.notifications import (
    Notification,
    NotificationPreference,
    Profile,
    Reminder,
)
from assessments.models.organisation import Invitation, Membership, Organisation
from assessments.models.replies import ReplyInvitation, ReplyStatus, ResponseAttachment
from assessments.models.report import ReportFile, ReportStatus
from assessments.models.review import Comment, ReviewRound, SignOff, Verdict
from assessments.models.risks import Measure, Risk
from assessments.models.schedule import ScheduledRun
from assessments.models.sources import ServiceResponse, Source
from assessments.models.tokens import ApiToken, TokenScope
from assessments.models.versions import Version
from assessments.models.weighing import ProportionalityItem

__all__ = [
    "Answer",
    "ApiToken",
    "Assessment",
    "Change",
    "Comment",
    "Contribution",
    "Figure",
    "Goal",
    "Invitation",
    "Measure",
    "Membership",
    "Notification",
    "NotificationPreference",
    "Organisation",
    "OutgoingMail",
    "Profile",
    "ProportionalityItem",
    "Reminder",
    "ReplyInvitation",
    "ReplyStatus",
    "ReportFile",
    "ReportStatus",
    "ResponseAttachment",
    "ReviewRound",
    "Risk",
    "ScheduledRun",
    "ServiceResponse",
    "SignOff",
    "Source",
    "TokenScope",
    "Verdict",
    "Version",
]
