"""Benchmark of chapter 3 for an assessment at the size limit, made of the costliest text:
risks whose descriptions are Markdown tables as long as the renderer takes (issue 22,
item 18). Prints one JSON object.

Times (server time through the Django test client, as ``pages``): the first view with
every cache empty (a fresh deployment), the view again (this process keeps the rendered
texts), the view in another process (only the shared cache has them), and the view after
one risk was edited (that risk is rendered again; the report's numbering is worked out
again). Built inside a transaction that is rolled back.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse

from assessments.domain import editing, size
from assessments.domain.constants import Role
from assessments.domain.instrument import RISK_CATEGORIES
from assessments.domain.models import Membership, Organisation, Risk
from assessments.outputs import prepared
from assessments.outputs.markdown import MAX_TABLE_PIPES
from assessments.outputs.report import numbering as numbering_module
from tests import factories


class Rollback(Exception):
    pass


def table(rows: int, seed: int) -> str:
    head = "| onderdeel | bevinding |\n|---|---|\n"
    return head + "".join(f"| punt {seed}.{i} | waarde {i * seed % 97} |\n" for i in range(rows))


def _timed(client: Client, url: str) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return round((time.perf_counter() - started) * 1000, 1), len(response.content)


def _forget_everything() -> None:
    prepared.LOCAL.items.clear()
    prepared.LOCAL.bytes = 0
    numbering_module._numberings.clear()
    cache.clear()


def measure(repeat: int) -> dict:
    org = Organisation.objects.create(name="Bench", slug="bench-large-org")
    user = get_user_model().objects.create_user("bench-large-user")
    Membership.objects.create(organisation=org, user=user, role=Role.EDITOR)
    assessment = factories.assessment(org, slug="bench-large")
    rows = MAX_TABLE_PIPES // 3 - 3  # two columns: three pipes a row
    categories = [c.key for c in RISK_CATEGORIES]
    budget = settings.KIA_MAX_ASSESSMENT_CHARS - size.chars_of(assessment.pk) - 20_000
    risks: list[Risk] = []
    while True:
        i = len(risks)
        risk = Risk(
            assessment=assessment,
            category=categories[i % len(categories)],
            topic=f"Risico {i} met een tabel",
            description=table(rows, i + 1),
            order=i,
        )
        budget -= len(risk.topic) + len(risk.description)
        if budget < 0:
            break
        risks.append(risk)
    Risk.objects.bulk_create(risks)
    count = len(risks)
    chars = size.chars_of(assessment.pk)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    url = reverse("assessments:chapter", args=[assessment.slug, 3])

    _forget_everything()
    cold, page_bytes = _timed(client, url)
    warm = statistics.median(_timed(client, url)[0] for _ in range(repeat))
    prepared.LOCAL.items.clear()  # another process: only the shared cache knows the texts
    prepared.LOCAL.bytes = 0
    numbering_module._numberings.clear()
    other_process, _ = _timed(client, url)
    risk = Risk.objects.filter(assessment=assessment).order_by("order").first()
    risk.description = table(rows, 999)
    editing.save(risk, actor=editing.Actor(user), expected=risk.lock_version,
                 assessment=assessment)  # fmt: skip
    after_edit, _ = _timed(client, url)
    return {
        "assessment": {
            "risks": count,
            "table_rows_each": rows,
            "chars": chars,
            "limit": settings.KIA_MAX_ASSESSMENT_CHARS,
        },  # fmt: skip
        "chapter_3": {
            "first_view_empty_caches_ms": cold,
            "again_median_ms": warm,
            "another_process_ms": other_process,
            "after_editing_one_risk_ms": after_edit,
            "page_kb": round(page_bytes / 1024),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    result: dict = {}
    try:
        with transaction.atomic():
            result = measure(repeat)
            raise Rollback
    except Rollback:
        pass
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
