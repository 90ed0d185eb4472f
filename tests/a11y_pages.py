"""Every HTML page of the app, with the data it needs and the person who looks at it: the
list the axe-core test (tests/test_browser_a11y.py) walks, and that
tests/test_a11y_coverage.py holds against the URL patterns.

A new URL name is either here (a page someone reads) or in ``EXEMPT`` with the reason it
is no page (a download, a POST endpoint, a fragment, JSON, Django's own admin).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from assessments.domain import (
    comments,
    editing,
    events,
    lifecycle,
    replies,
    review,
    tokens,
    versions,
)
from assessments.domain.constants import GoalKind, ProportionalitySide, Role, VersionReason
from assessments.domain.models import (
    Answer,
    Assessment,
    Goal,
    Invitation,
    Measure,
    OutgoingMail,
    ProportionalityItem,
    ReplyInvitation,
    ServiceResponse,
    Source,
)
from assessments.domain.states import Status
from tests import browser, factories

ANONYMOUS = ""
OWNER, REVIEWER, VIEWER = "sanne", "ruben", "vera"
REPLY_TOKEN = "a11y-reply-token-0123456789abcdef"

MARKDOWN = "# Aanpak\n\nTekst met een [link](https://example.org) in de zin.\n\n## Details\n\nMeer."


@dataclass
class World:
    """An organisation with a draft (``draft``), one in review with a round, verdicts and a
    comment thread (``in_review``), a final one, and two published ones."""

    org: object
    draft: Assessment
    in_review: Assessment
    final: Assessment
    published: Assessment
    published_too: Assessment
    objects: dict = field(default_factory=dict)

    def a(self, name: str, *args, assessment: Assessment | None = None) -> str:
        return reverse(f"assessments:{name}", args=[(assessment or self.draft).slug, *args])

    def public(self, name: str, assessment: Assessment | None = None) -> str:
        found = assessment or self.published
        return reverse(f"assessments:{name}", args=[found.organisation.slug, found.slug])

    def org_url(self, name: str) -> str:
        return reverse(f"assessments:{name}", args=[self.org.slug])

    def compare(self, *items: Assessment) -> str:
        query = "&".join(f"a={self.org.slug}/{a.slug}" for a in items)
        return f"{reverse('assessments:compare')}?{query}"


def _person(org, role: Role, username: str, first: str, last: str):
    return browser.member(org, role, username, first_name=first, last_name=last)


def _settle(assessment: Assessment, status: Status, reason: VersionReason) -> None:
    now = timezone.now()
    values = {"status": status, "finalised_at": now}
    if status == Status.PUBLISHED:
        values["published_at"] = now
    Assessment.objects.filter(pk=assessment.pk).update(**values)
    assessment.refresh_from_db()
    versions.record(assessment, actor=editing.SYSTEM, reason=reason)


def _content(assessment: Assessment) -> dict:
    """Answers with Markdown headings, a goal, a scored risk with an overdue measure, a
    weighing row, a source and a response of the service."""
    Assessment.objects.filter(pk=assessment.pk).update(prescan_note=MARKDOWN)
    Answer.objects.create(assessment=assessment, question="2.1", text=MARKDOWN)
    Answer.objects.create(assessment=assessment, question="2.3.1", text=MARKDOWN)
    goal = Goal.objects.create(
        assessment=assessment,
        kind=GoalKind.MAIN,
        title="Zelfstandig leren",
        description=MARKDOWN,
        achievement=MARKDOWN,
    )
    risk = factories.risk(
        assessment,
        topic="Pesten in de klassenchat",
        description=MARKDOWN,
        likelihood="high",
        impact="medium",
        residual_likelihood="low",
        residual_impact="medium",
        residual_description=MARKDOWN,
    )
    measure = Measure.objects.create(
        risk=risk,
        title="Meldknop en moderatie binnen 24 uur",
        description=MARKDOWN,
        owner="Moderatieteam",
        due_date=datetime.date(2020, 1, 1),  # overdue
    )
    item = ProportionalityItem.objects.create(
        assessment=assessment, side=ProportionalitySide.HARM, text="Pesten", risk=risk
    )
    source = Source.objects.create(assessment=assessment, key="ofcom", citation="Ofcom 2024")
    response = ServiceResponse.objects.create(
        assessment=assessment, author="Huiswerkmaatje B.V.", text=MARKDOWN
    )
    return {
        "goal": goal,
        "risk": risk,
        "measure": measure,
        "item": item,
        "source": source,
        "response": response,
    }


def _voice(assessment: Assessment, risk) -> dict:
    """A consultation of children with a finding, and a summary for children (issue 20)."""
    from assessments.domain.models import Consultation, ConsultationFinding

    Assessment.objects.filter(pk=assessment.pk).update(
        child_summary="We keken naar Huiswerkmaatje. Kinderen vertelden ons wat ze fijn vinden "
        "en wat niet. Dat hebben we opgeschreven."
    )
    consultation = Consultation.objects.create(
        assessment=assessment, title="Klas 7B", method="focus_group", children_count=24,
        questions=[{"text": "Wat vind je van de chat?", "informs": ["3.3"]}],
    )  # fmt: skip
    finding = ConsultationFinding.objects.create(
        consultation=consultation, text="Pesten in de chat komt voor.", risk=risk
    )
    return {"consultation": consultation, "finding": finding}


def _library_links(assessment: Assessment, objects: dict) -> None:
    """The risk linked to a typical risk (chips, suggested measures on chapter 4) and the
    measure to an article; the coverage page then has rows to name."""
    from assessments.domain.models import LibraryItem, LibraryLink

    typical = LibraryItem.objects.get(urn="urn:kia:risks:content-1")
    LibraryLink.objects.create(assessment=assessment, item=typical, risk=objects["risk"])
    article = LibraryItem.objects.get(urn="urn:kia:ivrk:art-19")
    LibraryLink.objects.create(assessment=assessment, item=article, measure=objects["measure"])


def build() -> World:
    from tests.test_web_permissions import _figure

    org = factories.organisation(name="Leerlicht", slug="leerlicht")
    owner = _person(org, Role.OWNER, OWNER, "Sanne", "de Boer")
    reviewer = _person(org, Role.REVIEWER, REVIEWER, "Ruben", "Jansen")
    _person(org, Role.VIEWER, VIEWER, "Vera", "Smit")

    draft = factories.assessment(org, title="KIA op Huiswerkmaatje", service_name="Huiswerkmaatje")
    objects = _content(draft)
    # A table with an empty corner (it scrolls in its own box on a phone), a citation of a
    # source that does not exist (the red alert on the sources page), and the service's own
    # text, with headings, on the reply's page.
    Answer.objects.filter(assessment=draft, question="2.3.1").update(
        text=MARKDOWN
        + " Zie [^onbekend].\n\n| | Nu | Straks |\n|---|---|---|\n| Kans | hoog | laag |\n"
    )
    ServiceResponse.objects.filter(pk=objects["response"].pk).update(submitted_by_service=True)
    objects["figure"] = _figure(draft)
    objects.update(_voice(draft, objects["risk"]))
    _library_links(draft, objects)
    versions.record(draft, actor=editing.SYSTEM, reason=VersionReason.MANUAL, name="Voor de review")
    Answer.objects.filter(assessment=draft, question="2.1").update(text="Een andere tekst.")
    about = comments.target(draft, "question", "2.1")
    assert about is not None
    thread = comments.start_thread(
        draft, about, user=reviewer, role=Role.REVIEWER, text="Klopt dit? @sanne kijk even"
    )
    comments.reply(thread, user=owner, role=Role.OWNER, text="Ik vul het aan.")

    # In review: a round with Ruben as reviewer, his verdicts, and an open thread on a risk.
    in_review = factories.assessment(org, title="KIA op Klassenchat", service_name="Klassenchat")
    objects["review_risk"] = _content(in_review)["risk"]
    lifecycle.perform(
        in_review,
        "submit",
        actor=editing.Actor(owner),
        role=Role.OWNER,
        reviewers=[reviewer],
    )
    review.give_verdicts(
        in_review,
        user=reviewer,
        verdicts={1: ("approve", ""), 3: ("improve", "Onderbouw de kans van R1 met een bron.")},
    )
    risk_target = comments.target(in_review, "risk", str(objects["review_risk"].pk))
    assert risk_target is not None
    comments.start_thread(
        in_review, risk_target, user=reviewer, role=Role.REVIEWER, text="Is de kans niet hoger?"
    )

    final = factories.assessment(org, title="KIA op Rekenlab", service_name="Rekenlab")
    _content(final)
    _settle(final, Status.FINAL, VersionReason.FINALISED)

    published = factories.assessment(org, title="KIA op ClipShare", service_name="ClipShare")
    objects["published_response"] = _content(published)["response"]
    _settle(published, Status.PUBLISHED, VersionReason.PUBLISHED)
    published_too = factories.assessment(org, title="KIA op Leesplein", service_name="Leesplein")
    _content(published_too)
    _settle(published_too, Status.PUBLISHED, VersionReason.PUBLISHED)

    # The service's right of reply: a link that opens, to the published version.
    ReplyInvitation.objects.create(
        assessment=published,
        version=versions.latest(published),
        contact_name="Jan Pieters",
        contact_organisation="ClipShare B.V.",
        email="jan@example.org",
        deadline=datetime.date.today() + datetime.timedelta(days=14),
        token_hash=replies.hash_token(REPLY_TOKEN),
        created_by=owner,
    )
    objects["member_invitation"] = Invitation.objects.create(
        organisation=org, email="nieuw@example.org", role=Role.EDITOR, invited_by=owner
    )
    events.emit(
        events.EventKind.MENTION,
        assessment=draft,
        recipients=[owner],
        actor=reviewer,
        path=reverse("assessments:chapter", args=[draft.slug, 2]),
        excerpt="@sanne kijk even",
    )
    OutgoingMail.objects.create(
        organisation=org, to="x@example.org", subject="Uitnodiging", body="B", status="failed",
        attempts=6, last_error="ConnectionRefusedError: refused",
    )  # fmt: skip
    tokens.issue(owner, name="Algoritmeregister")
    return World(org, draft, in_review, final, published, published_too, objects)


# --- The pages -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """``name`` is the URL name the browser must be on when axe runs (after ``then``, an
    action on the page at ``make_url``, e.g. the button that leads to a confirm page)."""

    name: str
    make_url: Callable[[World], str]
    who: str = OWNER
    then: Callable[[object], None] | None = None
    phone: bool = False  # also checked in English on a 390-pixel phone
    label: str = ""
    # Problems known and accepted on this page (axe rule ids; "heading-skip" for the
    # heading check), each named in the accessibility statement.
    known: frozenset[str] = frozenset()


def _click(name: str) -> Callable[[object], None]:
    def act(page) -> None:
        with page.expect_navigation():
            page.locator("main").get_by_role("button", name=name).first.click()

    return act


def _send_reply(page) -> None:
    page.get_by_role("textbox", name="Uw zienswijze").fill(
        "# Onze reactie\n\nWij zijn het **deels** oneens."
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Zienswijze versturen").click()


A = "assessments:"
PAGES: list[Page] = [
    # --- Anonymous visitors ---
    Page(A + "home", lambda w: reverse("assessments:home"), ANONYMOUS, phone=True),
    Page(A + "public", lambda w: reverse("assessments:public"), ANONYMOUS, phone=True),
    Page(A + "public_detail", lambda w: w.public("public_detail"), ANONYMOUS, phone=True),
    Page(A + "public_report_html", lambda w: w.public("public_report_html"), ANONYMOUS),
    Page(A + "public_report_pdf", lambda w: w.public("public_report_pdf"), ANONYMOUS),
    Page(
        A + "public_version",
        lambda w: reverse("assessments:public_version", args=[w.org.slug, w.published.slug, 1]),
        ANONYMOUS,
        phone=True,
    ),
    Page(
        A + "public_version_html",
        lambda w: reverse(
            "assessments:public_version_html", args=[w.org.slug, w.published.slug, 1]
        ),
        ANONYMOUS,
    ),
    Page(A + "accessibility", lambda w: reverse("assessments:accessibility"), ANONYMOUS),
    Page(A + "compare", lambda w: reverse("assessments:compare"), ANONYMOUS, label="picker"),
    Page(
        A + "compare",
        lambda w: w.compare(w.published, w.published_too),
        ANONYMOUS,
        phone=True,
        label="published",
    ),
    Page(
        A + "reply",
        lambda w: reverse("assessments:reply", args=[REPLY_TOKEN]),
        ANONYMOUS,
        phone=True,
    ),
    Page(
        A + "reply_version",
        lambda w: reverse("assessments:reply_version", args=[REPLY_TOKEN]),
        ANONYMOUS,
    ),
    Page(
        A + "reply_pdf", lambda w: reverse("assessments:reply_pdf", args=[REPLY_TOKEN]), ANONYMOUS
    ),
    Page(
        A + "reply_received",
        lambda w: reverse("assessments:reply", args=[REPLY_TOKEN]),
        ANONYMOUS,
        then=_send_reply,
    ),
    Page(
        A + "reply",
        lambda w: reverse("assessments:reply", args=["no-such-link"]),
        ANONYMOUS,
        label="closed",
    ),
    Page(
        A + "invitation",
        lambda w: reverse("assessments:invitation", args=[w.objects["member_invitation"].token]),
        ANONYMOUS,
    ),
    Page("login", lambda w: reverse("login"), ANONYMOUS, phone=True),
    Page("password_reset", lambda w: reverse("password_reset"), ANONYMOUS),
    Page("password_reset_done", lambda w: reverse("password_reset_done"), ANONYMOUS),
    Page(
        "password_reset_confirm",
        lambda w: reverse("password_reset_confirm", args=["MQ", "no-such-token"]),
        ANONYMOUS,
    ),
    Page("password_reset_complete", lambda w: reverse("password_reset_complete"), ANONYMOUS),
    Page("api:openapi-view", lambda w: "/api/v1/docs", ANONYMOUS, phone=True),
    Page("api_index", lambda w: "/api/", ANONYMOUS),
    Page("api_v1_index", lambda w: "/api/v1/", ANONYMOUS),
    Page("", lambda w: "/no-such-page/", ANONYMOUS, label="404"),
    # --- The owner (Sanne): every page of the team app ---
    Page(A + "home", lambda w: reverse("assessments:home"), phone=True),
    Page(A + "new", lambda w: reverse("assessments:new")),
    Page(A + "new_organisation", lambda w: reverse("assessments:new_organisation")),
    Page(A + "members", lambda w: w.org_url("members"), phone=True),
    Page(A + "detail", lambda w: w.a("detail"), phone=True),
    Page(A + "settings", lambda w: w.a("settings")),
    *[
        Page(A + "chapter", lambda w, n=n: w.a("chapter", n), phone=n in (2, 3), label=str(n))
        for n in range(1, 6)
    ],
    Page(A + "answer", lambda w: w.a("answer", "2.1")),
    Page(A + "prescan", lambda w: w.a("prescan")),
    Page(A + "contribution", lambda w: w.a("contribution", "2.8")),
    Page(A + "reassessment", lambda w: w.a("reassessment")),
    Page(A + "goal_new", lambda w: w.a("goal_new")),
    Page(A + "goal_edit", lambda w: w.a("goal_edit", w.objects["goal"].pk)),
    Page(A + "risk_new", lambda w: w.a("risk_new") + "?from=2.8"),
    Page(A + "risk_edit", lambda w: w.a("risk_edit", w.objects["risk"].pk)),
    Page(A + "residual_edit", lambda w: w.a("residual_edit", w.objects["risk"].pk)),
    Page(A + "measure_new", lambda w: w.a("measure_new", w.objects["risk"].pk)),
    Page(
        A + "measure_edit",
        lambda w: w.a("measure_edit", w.objects["risk"].pk, w.objects["measure"].pk),
    ),
    Page(A + "item_new", lambda w: w.a("item_new")),
    Page(A + "item_edit", lambda w: w.a("item_edit", w.objects["item"].pk)),
    Page(A + "sources", lambda w: w.a("sources")),
    Page(A + "source_new", lambda w: w.a("source_new")),
    Page(A + "source_edit", lambda w: w.a("source_edit", w.objects["source"].pk)),
    Page(A + "appendix", lambda w: w.a("appendix"), phone=True),
    Page(A + "appendix", lambda w: w.a("appendix", assessment=w.published), label="invitations"),
    Page(A + "appendix_add", lambda w: w.a("appendix_add", assessment=w.published)),
    Page(
        A + "appendix_reply",
        lambda w: w.a("appendix_reply", w.objects["published_response"].pk, assessment=w.published),
    ),
    Page(A + "response_new", lambda w: w.a("response_new")),
    Page(A + "response_edit", lambda w: w.a("response_edit", w.objects["response"].pk)),
    Page(A + "delete", lambda w: w.a("delete", "risk", w.objects["risk"].pk)),
    Page(A + "consultations", lambda w: w.a("consultations"), phone=True),
    Page(A + "voice_edit", lambda w: w.a("voice_edit")),
    Page(A + "consultation_new", lambda w: w.a("consultation_new")),
    Page(A + "consultation_edit", lambda w: w.a("consultation_edit", w.objects["consultation"].pk)),
    Page(A + "finding_new", lambda w: w.a("finding_new", w.objects["consultation"].pk)),
    Page(
        A + "finding_edit",
        lambda w: w.a("finding_edit", w.objects["consultation"].pk, w.objects["finding"].pk),
    ),
    Page(A + "links", lambda w: w.a("links", "risk", w.objects["risk"].pk) + "?q=spel", phone=True),
    Page(A + "risk_catalogue", lambda w: w.a("risk_catalogue") + "?category=content", phone=True),
    Page(A + "coverage", lambda w: w.a("coverage"), phone=True),
    Page(A + "coverage", lambda w: w.a("coverage") + "?view=dsa", phone=True, label="dsa"),
    Page(A + "library_updates", lambda w: w.a("library_updates")),
    Page(A + "org_catalogue", lambda w: w.org_url("org_catalogue"), phone=True),
    Page(A + "figures", lambda w: w.a("figures"), phone=True),
    Page(A + "figure_new", lambda w: w.a("figure_new")),
    Page(A + "figure_edit", lambda w: w.a("figure_edit", w.objects["figure"].pk)),
    Page(A + "import", lambda w: reverse("assessments:import")),
    Page(A + "report", lambda w: w.a("report")),
    Page(A + "report_html", lambda w: w.a("report_html")),
    Page(A + "history", lambda w: w.a("history")),
    Page(A + "versions", lambda w: w.a("versions")),
    Page(A + "version_detail", lambda w: w.a("version_detail", 1)),
    Page(A + "version_html", lambda w: w.a("version_html", 1)),
    Page(A + "version_compare", lambda w: w.a("version_compare") + "?old=1&new=current"),
    Page(
        A + "version_restore",
        lambda w: w.a("version_detail", 1),
        then=_click("Deze versie terugzetten…"),
    ),
    Page(A + "comments", lambda w: w.a("comments", "question", "2.1"), phone=True),
    Page(A + "status", lambda w: w.a("status", "submit"), label="submit"),
    Page(A + "status", lambda w: w.a("status", "finalise"), label="finalise draft"),
    Page(
        A + "status",
        lambda w: w.a("status", "finalise", assessment=w.in_review),
        phone=True,
        label="finalise",
    ),
    Page(
        A + "status",
        lambda w: w.a("status", "request_changes", assessment=w.in_review),
        label="request changes",
    ),
    Page(A + "status", lambda w: w.a("status", "publish", assessment=w.final), label="publish"),
    Page(A + "status", lambda w: w.a("status", "reopen", assessment=w.final), label="reopen"),
    Page(
        A + "status",
        lambda w: w.a("status", "unpublish", assessment=w.published),
        label="unpublish",
    ),
    Page(A + "review", lambda w: w.a("review", assessment=w.in_review), label="owner"),
    Page(A + "detail", lambda w: w.a("detail", assessment=w.in_review), label="in review"),
    Page(A + "reassess", lambda w: w.a("reassess", assessment=w.final), phone=True),
    Page(A + "reply_invite", lambda w: w.a("reply_invite", assessment=w.published)),
    Page(A + "detail", lambda w: w.a("detail", assessment=w.published), label="published"),
    Page(A + "compare", lambda w: reverse("assessments:compare"), label="picker"),
    Page(
        A + "compare",
        lambda w: w.compare(w.draft, w.published, w.final),
        phone=True,
        label="members",
    ),
    Page(A + "profile", lambda w: reverse("assessments:profile"), phone=True),
    Page(A + "notifications", lambda w: reverse("assessments:notifications"), phone=True),
    Page(A + "notification_preferences", lambda w: reverse("assessments:notification_preferences")),
    Page(A + "action_plan", lambda w: w.org_url("action_plan"), phone=True),
    Page(
        A + "action_plan",
        lambda w: w.org_url("action_plan") + "?due_before=gisteren",
        label="bad date",
    ),
    Page(A + "outbox", lambda w: w.org_url("outbox"), phone=True),
    Page("password_change", lambda w: reverse("password_change")),
    Page("password_change_done", lambda w: reverse("password_change_done")),
    Page("api:openapi-view", lambda w: "/api/v1/docs", label="logged in"),
    # --- The reviewer (Ruben), chosen for the open round: verdicts and comments ---
    Page(A + "review", lambda w: w.a("review", assessment=w.in_review), REVIEWER, phone=True),
    Page(A + "detail", lambda w: w.a("detail", assessment=w.in_review), REVIEWER),
    Page(A + "chapter", lambda w: w.a("chapter", 3, assessment=w.in_review), REVIEWER),
    Page(
        A + "comments",
        lambda w: w.a("comments", "risk", w.objects["review_risk"].pk, assessment=w.in_review),
        REVIEWER,
    ),
    # --- A viewer (Vera): the read-only pages ---
    Page(A + "detail", lambda w: w.a("detail"), VIEWER),
    Page(A + "chapter", lambda w: w.a("chapter", 3), VIEWER),
    Page(A + "review", lambda w: w.a("review", assessment=w.in_review), VIEWER),
]

# URL names that are no page to check, and why.
_DOWNLOAD = "a file download (attachment), no HTML"
_POST = "POST only: redirects back to a page checked here"
EXEMPT: dict[str, str] = {
    "oidc_authenticate": "a redirect to the identity provider",
    "oidc_callback": "a redirect back from the identity provider",
    "assessments:group_roles": _POST,
    "assessments:link_add": _POST,
    "assessments:link_remove": _POST,
    "assessments:risk_from_catalogue": _POST + " (to the risk's form, checked)",
    "assessments:measure_from_catalogue": _POST,
    "assessments:library_take_update": _POST,
    "assessments:coverage_exclude": _POST,
    "assessments:coverage_unexclude": _POST,
    "assessments:org_catalogue_export": _DOWNLOAD,
    "health": "JSON for the load balancer",
    "ready": "JSON for the load balancer",
    "favicon": "the site's icon: an image",
    "set_language": _POST,
    "logout": _POST,
    "assessments:switch_organisation": _POST,
    "assessments:change_member": _POST,
    "assessments:change_invitation": _POST,
    "assessments:prefill_weighing": _POST,
    "assessments:move": _POST,
    "assessments:report_start": _POST + " (or the status fragment inside the report page)",
    "assessments:report_status": "JSON, or the status fragment inside the report page",
    "assessments:version_record": _POST,
    "assessments:history_restore": (
        "POST only; its conflict page needs a concurrent edit (tests/test_history*.py)"
    ),
    "assessments:comment_action": _POST + " (errors: the comments page, checked)",
    "assessments:verdicts": _POST + " (errors: the review page, checked)",
    "assessments:attestation": _POST,
    "assessments:presence": "POST only: the presence fragment of a chapter page",
    "assessments:revoke_token": _POST,
    "assessments:reply_invitation_change": _POST,
    "assessments:notification_open": "a redirect to what the notification is about",
    "assessments:notifications_read": _POST,
    "assessments:figure_image": "an image file",
    "assessments:export_json": _DOWNLOAD,
    "assessments:risk_register_csv": _DOWNLOAD,
    "assessments:risk_register_xlsx": _DOWNLOAD,
    "assessments:report_file": _DOWNLOAD,
    "assessments:report_pdf": _DOWNLOAD + " (else a redirect to the report page)",
    "assessments:report_docx": _DOWNLOAD + " (else the wait page, report/file_wait.html)",
    "assessments:report_odt": _DOWNLOAD + " (else the wait page, report/file_wait.html)",
    "assessments:public_report_docx": _DOWNLOAD + " (else the wait page, report/file_wait.html)",
    "assessments:public_report_odt": _DOWNLOAD + " (else the wait page, report/file_wait.html)",
    "assessments:version_pdf": _DOWNLOAD + " (else a redirect to the version page)",
    "assessments:public_json": _DOWNLOAD,
    "assessments:public_version_json": _DOWNLOAD,
    "assessments:compare_csv": _DOWNLOAD,
    "assessments:compare_xlsx": _DOWNLOAD,
    "assessments:compare_pdf": _DOWNLOAD,
    "assessments:response_attachment": _DOWNLOAD,
    "assessments:reply_attachment": _DOWNLOAD,
    "assessments:action_plan_csv": _DOWNLOAD,
    "assessments:action_plan_xlsx": _DOWNLOAD,
    "assessments:child_summary_pdf": _DOWNLOAD,
    "assessments:public_child_summary_pdf": _DOWNLOAD,
    "assessments:reading_level": "POST only: the reading-level fragment of the summary's page",
    "assessments:consultation_attach": _POST + " (a redirect to the consultation's page)",
    "assessments:consultation_attachment_delete": _POST,
    "assessments:consultation_attachment": _DOWNLOAD,
}
# The REST API answers JSON (its docs page is checked above); the admin is Django's own.
EXEMPT_NAMESPACES = {"api": "the REST API: JSON", "admin": "Django's admin, not the app's code"}
