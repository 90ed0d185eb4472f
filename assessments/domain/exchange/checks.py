"""The rules of the format that a JSON Schema cannot express (end of FORMAT.md).

Run on a document that already matches the schema; every problem names its JSON path.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_noop

from assessments.domain import size
from assessments.domain.constants import GoalKind, ProportionalitySide, YesNo
from assessments.domain.exchange.errors import Problem, json_path, text
from assessments.domain.exchange.locations import place_label
from assessments.domain.scoring import Score

_DATE_FIELDS = {
    "assessment": ("period_start", "period_end", "next_reassessment_on"),
    "measures": ("due_date",),
    "sources": ("accessed_on",),
    "responses": ("received_on", "replied_on"),
}


def semantic_problems(data: dict[str, Any]) -> list[Problem]:
    return [
        *_text_problems(data, ()),
        *_date_problems(data),
        *_id_problems(data),
        *_reference_problems(data),
        *_goal_problems(data),
        *_score_problems(data),
        *_prescan_problems(data),
        *_source_problems(data),
        *_link_problems(data),
        *_finding_problems(data),
    ]


def _link_problems(data: dict[str, Any]) -> Iterator[Problem]:
    """A link to the library names exactly one row, and one the document has."""
    known = {
        "goal": {goal["id"] for goal in data["goals"]},
        "risk": {risk["id"] for risk in data["risks"]},
        "measure": {m.get("id") or f"measure-{n}" for n, m in enumerate(data["measures"], 1)},
        "contribution": None,  # any question of 2.8-2.14 (the schema says which)
    }
    for index, link in enumerate(data.get("library_links", [])):
        named = [name for name in known if link.get(name) is not None]
        if len(named) != 1:
            yield (
                json_path("library_links", index),
                text(gettext_noop("A link names exactly one goal, contribution, risk or measure.")),
            )
            continue
        ids = known[named[0]]
        if ids is not None and link[named[0]] not in ids:
            yield (
                json_path("library_links", index, named[0]),
                text(gettext_noop("No row has the id '%(id)s'."), id=link[named[0]]),
            )


def _finding_problems(data: dict[str, Any]) -> Iterator[Problem]:
    """A finding stands under a consultation the document has, and names rows it has."""
    known = {
        "consultation": {c.get("id") for c in data.get("consultations", [])},
        "goal": {goal["id"] for goal in data["goals"]},
        "risk": {risk["id"] for risk in data["risks"]},
        "measure": {m.get("id") or f"measure-{n}" for n, m in enumerate(data["measures"], 1)},
    }
    for index, finding in enumerate(data.get("consultation_findings", [])):
        for name, ids in known.items():
            value = finding.get(name)
            if value is not None and value not in ids:
                yield (
                    json_path("consultation_findings", index, name),
                    text(gettext_noop("No row has the id '%(id)s'."), id=value),
                )


def row_limit_problems(data: dict[str, Any]) -> list[Problem]:
    """Lists longer than ``KIA_IMPORT_MAX_ROWS``, checked before any costly validation."""
    limit = settings.KIA_IMPORT_MAX_ROWS
    return [
        (
            json_path(key),
            text(
                gettext_noop("This list has %(count)d rows; at most %(limit)d are accepted."),
                count=len(value),
                limit=limit,
            ),
        )
        for key, value in data.items()
        if isinstance(value, list) and len(value) > limit
    ]


def size_problems(data: dict[str, Any]) -> list[Problem]:
    """All the document's text together within ``KIA_MAX_ASSESSMENT_CHARS`` (``size``)."""
    figures = size.over_limit(size.chars_in(data))
    return [("$", text(size.MESSAGE, **figures))] if figures else []


def _text_problems(value: Any, path: tuple) -> Iterator[Problem]:
    """NUL characters cannot be stored (PostgreSQL refuses them), so refuse them here;
    and no text may be longer than a form accepts (``KIA_MAX_TEXT_CHARS``)."""
    if isinstance(value, str):
        if "\x00" in value:
            yield (
                json_path(*path),
                text(gettext_noop("The text contains a NUL character (\\u0000).")),
            )
        if len(value) > settings.KIA_MAX_TEXT_CHARS:
            yield (
                json_path(*path),
                text(
                    gettext_noop(
                        "The text has %(count)d characters; at most %(limit)d are accepted."
                    ),
                    count=len(value),
                    limit=settings.KIA_MAX_TEXT_CHARS,
                ),
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _text_problems(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _text_problems(item, (*path, index))


def _rows(data: dict[str, Any], part: str) -> list[tuple[int | None, dict[str, Any]]]:
    if part == "assessment":
        return [(None, data["assessment"])]
    return list(enumerate(data[part]))


def _row_path(part: str, index: int | None, *rest: str) -> str:
    return json_path(part, *rest) if index is None else json_path(part, index, *rest)


def _date_problems(data: dict[str, Any]) -> Iterator[Problem]:
    for part, fields in _DATE_FIELDS.items():
        for index, row in _rows(data, part):
            for name in fields:
                if row[name] is None:
                    continue
                try:
                    datetime.date.fromisoformat(row[name])
                except ValueError:
                    yield (
                        _row_path(part, index, name),
                        text(gettext_noop("'%(value)s' is not a valid date."), value=row[name]),
                    )
    start, end = data["assessment"]["period_start"], data["assessment"]["period_end"]
    if start and end and end < start:  # ISO dates compare correctly as text
        yield (
            json_path("assessment", "period_end"),
            text(gettext_noop("The period cannot end before it starts.")),
        )


def _id_problems(data: dict[str, Any]) -> Iterator[Problem]:
    """Ids of goals and risks are unique throughout the document."""
    seen: dict[str, tuple[str, int]] = {}
    for part in ("goals", "risks"):
        for index, row in enumerate(data[part]):
            if row["id"] in seen:
                yield (
                    json_path(part, index, "id"),
                    text(
                        gettext_noop("The id '%(id)s' is already used by %(other)s."),
                        id=row["id"],
                        other=place_label(seen[row["id"]], data),
                    ),
                )
            else:
                seen[row["id"]] = (part, index)


def _reference_problems(data: dict[str, Any]) -> Iterator[Problem]:
    goal_ids = {goal["id"] for goal in data["goals"]}
    risk_ids = {risk["id"] for risk in data["risks"]}

    def no_risk(value: str) -> str:
        return text(gettext_noop("No risk has the id '%(id)s'."), id=value)

    for index, measure in enumerate(data["measures"]):
        if measure["risk"] not in risk_ids:
            yield json_path("measures", index, "risk"), no_risk(measure["risk"])

    for index, item in enumerate(data["proportionality"]):
        is_harm = item["side"] == ProportionalitySide.HARM
        if item["goal"] is not None:
            if is_harm:
                yield (
                    json_path("proportionality", index, "goal"),
                    text(gettext_noop("A harm can only come from a risk.")),
                )
            elif item["goal"] not in goal_ids:
                yield (
                    json_path("proportionality", index, "goal"),
                    text(gettext_noop("No goal has the id '%(id)s'."), id=item["goal"]),
                )
        if item["contribution"] is not None:
            if is_harm:
                yield (
                    json_path("proportionality", index, "contribution"),
                    text(gettext_noop("A harm can only come from a risk.")),
                )
            elif item["goal"] is not None:
                yield (
                    json_path("proportionality", index, "contribution"),
                    text(gettext_noop("A benefit comes from a goal or a contribution, not both.")),
                )
        if item["risk"] is not None:
            if not is_harm:
                yield (
                    json_path("proportionality", index, "risk"),
                    text(gettext_noop("A benefit cannot come from a risk.")),
                )
            elif item["risk"] not in risk_ids:
                yield json_path("proportionality", index, "risk"), no_risk(item["risk"])


def _goal_problems(data: dict[str, Any]) -> Iterator[Problem]:
    main = [index for index, goal in enumerate(data["goals"]) if goal["kind"] == GoalKind.MAIN]
    for index in main[1:]:
        yield (
            json_path("goals", index, "kind"),
            text(gettext_noop("An assessment has only one main goal.")),
        )


_REASON_MESSAGES = {
    ("likelihood",): gettext_noop("Give a reason why the likelihood cannot be assessed."),
    ("impact",): gettext_noop("Give a reason why the impact cannot be assessed."),
    ("residual", "likelihood"): gettext_noop(
        "Give a reason why the residual likelihood cannot be assessed."
    ),
    ("residual", "impact"): gettext_noop(
        "Give a reason why the residual impact cannot be assessed."
    ),
}


def _score_problems(data: dict[str, Any]) -> Iterator[Problem]:
    for index, risk in enumerate(data["risks"]):
        for keys, message in _REASON_MESSAGES.items():
            estimate = risk
            for key in keys:
                estimate = estimate[key]
            if estimate["score"] == Score.NOT_ASSESSABLE and not estimate["reason"].strip():
                yield json_path("risks", index, *keys, "reason"), text(message)


def _prescan_problems(data: dict[str, Any]) -> Iterator[Problem]:
    prescan = data["prescan"]
    if prescan["1.3"] and prescan["1.2"] != YesNo.NO:
        yield (
            json_path("prescan", "1.3"),
            text(gettext_noop("Question 1.3 is only answered when 1.2 is 'no'.")),
        )


def _source_problems(data: dict[str, Any]) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for index, source in enumerate(data["sources"]):
        if source["key"] in seen:
            yield (
                json_path("sources", index, "key"),
                text(gettext_noop("Another source of this assessment has this key.")),
            )
        else:
            seen[source["key"]] = index
