"""Benchmark of the team app's pages on a Berenschot-size assessment: prints one JSON object.

Builds the assessment inside a transaction that is rolled back, so nothing is left behind.
For each page: median and 90th-percentile server time over --repeat requests (Django test
client, so it measures the app without a network), and the number of queries.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.domain.constants import Role
from assessments.domain.models import Membership, Organisation
from tests import builders


class Rollback(Exception):
    pass


class Bench:
    def handle(self, *, repeat: int, **options):
        result: dict = {}
        try:
            with transaction.atomic():
                result = self._measure(repeat)
                raise Rollback
        except Rollback:
            pass
        print(json.dumps(result, indent=2))

    def _measure(self, repeat: int) -> dict:
        org = Organisation.objects.create(name="Bench", slug="bench-pages-org")
        user = get_user_model().objects.create_user("bench-pages-user")
        Membership.objects.create(organisation=org, user=user, role=Role.EDITOR)
        assessment = builders.berenschot_size(org, slug="bench-pages")
        slug = assessment.slug
        urls = {
            "dashboard": reverse("assessments:home"),
            "overview": reverse("assessments:detail", args=[slug]),
            **{f"chapter_{n}": reverse("assessments:chapter", args=[slug, n]) for n in range(1, 6)},
            "sources": reverse("assessments:sources", args=[slug]),
            "appendix": reverse("assessments:appendix", args=[slug]),
            "edit_answer": reverse("assessments:answer", args=[slug, "2.1"]),
        }
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        pages = {}
        for name, url in urls.items():
            client.get(url)  # warm up
            times = []
            for _ in range(repeat):
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            with CaptureQueriesContext(connection) as ctx:
                client.get(url)
            times.sort()
            pages[name] = {
                "median_ms": round(statistics.median(times), 1),
                "p90_ms": round(times[int(len(times) * 0.9) - 1], 1),
                "queries": len(ctx.captured_queries),
                "kb": round(len(response.content) / 1024),
            }
        medians = [p["median_ms"] for p in pages.values()]
        return {
            "assessment": {"risks": 14, "measures": 42, "sources": 420},
            "repeat": repeat,
            "pages": pages,
            "median_of_page_medians_ms": round(statistics.median(medians), 1),
            "slowest_page_median_ms": max(medians),
            "target_median_ms": 50,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    Bench().handle(repeat=parser.parse_args().repeat)


if __name__ == "__main__":
    main()
