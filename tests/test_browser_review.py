"""End-to-end review in headless Chromium: an editor submits picking a reviewer, the reviewer
comments on a risk with an @mention and gives verdicts, the owner requests changes, the editor
resolves the comment and submits again, the reviewer agrees, the owner finalises with the
sign-off, and the PDF's colophon says so.

Set ``KIA_SHOTS=<folder>`` to keep a screenshot of each step there.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from assessments.domain.constants import Role
from assessments.domain.models import Assessment, Comment, SignOff
from assessments.domain.states import Status
from tests import factories
from tests.browser import logged_in, member, require, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
require()
SHOTS = os.environ.get("KIA_SHOTS", "")  # also where the PDF is kept


def submit_for_review(page, base: str, slug: str, reviewer_label: str) -> None:
    page.goto(f"{base}/a/{slug}/")
    page.get_by_role("link", name="Ter review aanbieden").click()
    page.get_by_label(reviewer_label).check()
    page.locator("main").get_by_role("button", name="Ter review aanbieden").click()
    page.get_by_text("Ter review aangeboden").first.wait_for()


def give_verdicts(page, base: str, slug: str, verdicts: dict[int, tuple[str, str]]) -> None:
    page.goto(f"{base}/a/{slug}/review/")
    for chapter, (label, reason) in verdicts.items():
        fieldset = page.locator("fieldset", has=page.locator(f"#reason_{chapter}"))
        fieldset.get_by_label(label, exact=True).check()
        fieldset.get_by_label("Reden").fill(reason)
    page.get_by_role("button", name="Oordelen opslaan").click()
    page.get_by_text("Uw oordelen zijn opgeslagen").wait_for()


def test_review_round_trip_to_sign_off_and_colophon(browser):
    chromium, base = browser
    org = factories.organisation(name="Leerlicht")
    member(org, Role.EDITOR, "eva", first_name="Eva", last_name="de Vries")
    member(org, Role.REVIEWER, "rita", first_name="Rita", last_name="Reviewer")
    owner = member(org, Role.OWNER, "olaf", first_name="Olaf", last_name="Eigenaar")
    assessment = factories.assessment(
        org,
        title="KIA op Huiswerkmaatje",
        prescan_offers_service="no",
        prescan_note="Alleen docenten loggen in.",
    )
    risk = factories.risk(assessment, topic="Pesten in de chat")
    slug = assessment.slug

    # The editor submits, picking Rita as reviewer.
    eva = logged_in(chromium, base, "eva")
    submit_for_review(eva, base, slug, "Rita Reviewer")
    shot(eva, "01-submitted")

    # Rita comments on the risk, mentioning Eva, and gives verdicts.
    rita = logged_in(chromium, base, "rita")
    rita.goto(f"{base}/a/{slug}/chapter/3/")
    panel = rita.locator(f"#comments-risk-{risk.pk}")
    panel.locator("summary").first.click()
    panel.get_by_label("Nieuwe opmerking (Markdown)").fill("@eva is de kans **niet te laag**?")
    panel.get_by_role("button", name="Opmerking plaatsen").click()
    rita.locator(f"#comments-risk-{risk.pk} .comment-text strong").wait_for()  # htmx swap
    assert "1 open" in rita.locator(f"#comments-risk-{risk.pk} summary").first.inner_text()
    shot(rita, "02-comment")
    give_verdicts(rita, base, slug, {1: ("Akkoord", ""), 3: ("Corrigeren", "Onderbouw de kans.")})
    shot(rita, "03-verdicts")

    # The owner sees it all on the review page and requests changes.
    olaf = logged_in(chromium, base, "olaf")
    olaf.goto(f"{base}/a/{slug}/review/")
    assert "Onderbouw de kans." in olaf.locator("main").inner_text()
    assert "niet te laag" in olaf.locator("main").inner_text()
    shot(olaf, "04-review-page")
    olaf.get_by_role("link", name="Wijzigingen vragen").click()
    olaf.get_by_label("Reden (wordt bewaard in de geschiedenis)").fill("Zie de punten.")
    olaf.locator("main").get_by_role("button", name="Wijzigingen vragen").click()
    olaf.get_by_text("weer een concept").first.wait_for()

    # The editor sees the open points, resolves the comment and submits again.
    eva.goto(f"{base}/a/{slug}/")
    points = eva.locator("#open-points").locator("..")
    assert "Onderbouw de kans." in points.inner_text()
    shot(eva, "05-open-points")
    eva.goto(f"{base}/a/{slug}/chapter/3/")
    panel = eva.locator(f"#comments-risk-{risk.pk}")
    panel.locator("summary").first.click()
    panel.get_by_role("button", name="Afhandelen").click()
    eva.locator(f"#comments-risk-{risk.pk} .text-success").wait_for()
    assert not Comment.objects.get().is_open
    submit_for_review(eva, base, slug, "Rita Reviewer")

    # Rita agrees this time.
    give_verdicts(rita, base, slug, {n: ("Akkoord", "") for n in range(1, 6)})

    # The owner finalises, ticking the attestation.
    olaf.goto(f"{base}/a/{slug}/review/")
    assert "Ronde 2 (open)" in olaf.locator("main").inner_text()
    olaf.get_by_role("link", name="Definitief maken").click()
    assert "Ik verklaar" in olaf.locator("#attestation-text").inner_text()
    shot(olaf, "06-finalise")
    olaf.get_by_label("stel deze beoordeling vast").check()
    olaf.locator("main").get_by_role("button", name="Definitief maken").click()
    olaf.get_by_text("is definitief").first.wait_for()
    olaf.goto(f"{base}/a/{slug}/review/")
    shot(olaf, "07-review-after")

    assessment.refresh_from_db()
    assert assessment.status == Status.FINAL
    assert assessment.review_rounds.count() == 2
    sign_off = SignOff.objects.get(assessment=assessment)
    assert sign_off.user == owner and sign_off.version.reason == "finalised"

    # The PDF of the final assessment ends with the colophon.
    from pypdf import PdfReader

    from assessments.outputs.report.render import render_pdf

    pdf = render_pdf(Assessment.objects.get(pk=assessment.pk))
    if SHOTS:
        (Path(SHOTS) / "report.pdf").write_bytes(pdf)
    text = PdfReader(io.BytesIO(pdf)).pages[-1].extract_text()
    assert "Colofon" in text and "Vastgesteld door" in text
    assert "Olaf Eigenaar (eigenaar)" in text and "Definitief" in text
