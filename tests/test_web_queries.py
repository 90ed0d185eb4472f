"""Every page of the team app costs a constant number of queries, whatever the size."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.domain.constants import Role
from tests import builders, factories

pytestmark = pytest.mark.django_db

# The home page loads its assessments with one query per kind of row (workspace.load_many),
# so a new kind adds one.
MAX_QUERIES = 18


def pages(assessment) -> list[str]:
    slug = assessment.slug
    risk = assessment.risks.order_by("pk").first()
    return [
        reverse("assessments:home"),
        reverse("assessments:detail", args=[slug]),
        *[reverse("assessments:chapter", args=[slug, n]) for n in range(1, 6)],
        reverse("assessments:sources", args=[slug]),
        reverse("assessments:appendix", args=[slug]),
        reverse("assessments:answer", args=[slug, "2.1"]),
        reverse("assessments:risk_edit", args=[slug, risk.pk]),
        reverse("assessments:item_new", args=[slug]),
    ]


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_query_counts_do_not_grow_with_the_assessment():
    org = factories.organisation()
    editor = factories.member(org, Role.EDITOR)
    client = Client()
    client.force_login(editor)
    small = builders.berenschot_size(
        org, slug="small", risks=1, measures_per_risk=1, sources=3, paragraphs=1
    )
    large = builders.berenschot_size(org, slug="large")  # 14 risks, 42 measures, 420 sources
    assert large.risks.count() == 14 and large.sources.count() == 420
    for small_url, large_url in zip(pages(small), pages(large), strict=True):
        # Warm up session and caches (the report's numbering, which the pages share with
        # the PDF, is built once per content state: report.numbering).
        client.get(small_url)
        client.get(large_url)
        small_count, large_count = (
            count_queries(client, small_url),
            count_queries(client, large_url),
        )
        assert small_count == large_count, (large_url, small_count, large_count)
        assert large_count <= MAX_QUERIES, (large_url, large_count)
