"""Choices used by the models (stored values are English; labels are translated)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """A member's role in an organisation, from least to most rights."""

    VIEWER = "viewer", _("viewer")
    REVIEWER = "reviewer", _("reviewer")
    EDITOR = "editor", _("editor")
    OWNER = "owner", _("owner")

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def includes(self, required: "Role") -> bool:
        """Whether this role has at least the rights of ``required``."""
        return self.rank >= Role(required).rank


class AssessmentKind(models.TextChoices):
    SELF = "self", _("self-assessment by the service's own team")
    EXTERNAL = "external", _("external assessment of someone else's service")


class Language(models.TextChoices):
    DUTCH = "nl", _("Dutch")
    ENGLISH = "en", _("English")


class YesNo(models.TextChoices):
    YES = "yes", _("yes")
    NO = "no", _("no")


class PrescanOutcome(models.TextChoices):
    CONTINUE = "continue", _("a KIA is needed: continue with the questions")
    STOP = "stop", _("no KIA is needed: you can stop")
    UNDECIDED = "undecided", _("not decided yet: answer the pre-scan questions")


class GoalKind(models.TextChoices):
    MAIN = "main", _("main goal")
    SUB = "sub", _("sub-goal")


class MeasureStatus(models.TextChoices):
    IN_PLACE = "in_place", _("in place")
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    DROPPED = "dropped", _("dropped")

    @classmethod
    def open_values(cls) -> list[str]:
        """Measures still to be carried out: these can be overdue."""
        return [cls.PLANNED, cls.IN_PROGRESS]


class ProportionalitySide(models.TextChoices):
    """Where an item goes in the 5.3 table: a benefit (for whom) or a harm."""

    ORGANISATION_BENEFIT = "organisation_benefit", _("benefit for the organisation")
    CHILD_BENEFIT = "child_benefit", _("benefit for children's wellbeing")
    HARM = "harm", _("harm (negative impact on children)")


class Channel(models.TextChoices):
    """Through what a change was made (recorded in the history)."""

    WEB = "web", _("web app")
    IMPORT = "import", _("import")
    ADMIN = "admin", _("admin")
    SYSTEM = "system", _("system")
    API = "api", _("API")
    REPLY = "reply", _("right of reply")


class ChangeAction(models.TextChoices):
    CREATE = "create", _("added")
    UPDATE = "update", _("changed")
    DELETE = "delete", _("removed")


class Delivery(models.TextChoices):
    """How a person wants to be told about one kind of event."""

    IMMEDIATELY = "immediately", _("immediately by e-mail")
    DIGEST = "digest", _("in a daily digest")
    OFF = "off", _("off")


class VersionReason(models.TextChoices):
    MANUAL = "manual", _("recorded by hand")
    FINALISED = "finalised", _("finalised")
    PUBLISHED = "published", _("published")
    UPGRADE = "upgrade", _("recorded when versions were introduced")
    SUBMITTED = "submitted", _("submitted for review")
    APPENDIX = "appendix", _("appendix added")


class CommentOn(models.TextChoices):
    """What a comment thread is about. Questions cover every question by its number (also
    the pre-scan, the contributions 2.8-2.14 and chapter 5); the others are rows."""

    QUESTION = "question", _("question")
    GOAL = "goal", _("goal")
    RISK = "risk", _("risk")
    MEASURE = "measure", _("measure")
    ITEM = "item", _("row of the 5.3 table")
    SOURCE = "source", _("source")


class VerdictChoice(models.TextChoices):
    """A reviewer's verdict on one chapter (the CNIL PIA tool's acceptable / improvable /
    to be fixed)."""

    APPROVE = "approve", _("agreed")
    IMPROVE = "improve", _("to be improved")
    CORRECT = "correct", _("to be corrected")


class RoundOutcome(models.TextChoices):
    CHANGES_REQUESTED = "changes_requested", _("changes requested")
    FINALISED = "finalised", _("finalised")


class EventKind(models.TextChoices):
    """The kinds of event a person can choose to be told about."""

    REVIEW_REQUESTED = "review_requested", _("review requested")
    VERDICT_GIVEN = "verdict_given", _("verdict given")
    CHANGES_REQUESTED = "changes_requested", _("changes requested")
    MENTION = "mention", _("mentioned in a comment")
    RESPONSE_RECEIVED = "response_received", _("response of the service received")
    MEASURE_DUE = "measure_due", _("measure due or overdue")
    REASSESSMENT_DUE = "reassessment_due", _("re-assessment date reached")
