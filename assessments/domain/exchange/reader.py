"""Creating the rows of a valid exchange document, each through ``full_clean()``.

Model validation problems are collected with the JSON path of the value concerned, so the
models' own rules read like the importer's other messages. Rows are written through the
write path (``editing.Batch``), so an import is recorded in the history. Call inside a
transaction.

Without a batch, ``Rows`` builds the same rows in memory only (numbered, never saved): that
is how a version's snapshot is read back for its report and its comparison.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.functional import lazy
from django.utils.translation import gettext_noop

from assessments.domain import editing, instrument
from assessments.domain.exchange.errors import InvalidAssessment, Problem, json_path, text
from assessments.domain.exchange.locations import RISK_FIELDS
from assessments.domain.models import (
    Answer,
    Assessment,
    Consultation,
    ConsultationFinding,
    Contribution,
    CoverageExclusion,
    Figure,
    Goal,
    LibraryItem,
    LibraryLink,
    Measure,
    Organisation,
    ProportionalityItem,
    Risk,
    Source,
)
from assessments.domain.rowkinds import BY_KEY, KINDS, RowKind

Document = dict[str, Any]
Refs = dict[str, Any]  # the rows made of one part, by how other rows name them (an id, a key)
Made = dict[str, Refs]  # by kind

# A model's validation message, translated when shown (as the importer's own messages are).
_shown = lazy(lambda error: " ".join(error), str)


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


_ASSESSMENT_FIELDS = (
    "title",
    "slug",
    "kind",
    "service_name",
    "service_provider",
    "assessor",
    "commissioner",
    "service_cooperated",
    "cooperation_note",
    "language",
    "reading_guide",
    "disclaimers",
    "limitations",
)
_PRESCAN_FIELDS = {
    **{field: number for number, field in instrument.PRESCAN_FIELDS.items()},
    "prescan_note": "note",
}


class Rows:
    """Creates the rows of one document, collecting model validation problems by path."""

    def __init__(self, *, batch: editing.Batch | None) -> None:
        self.batch = batch
        self.user = batch.actor.account if batch is not None else None
        self.problems: list[Problem] = []
        self.built: dict[type[models.Model], list[Any]] = {}
        # What was read but not taken over (library items this deployment does not have).
        self.notices: list[str] = []

    def save(
        self,
        obj: models.Model,
        row: tuple,
        paths: Mapping[str, tuple] | None = None,
        *,
        free_slug: bool = False,
    ) -> bool:
        """``full_clean()`` and save ``obj``. On failure record its problems (a field's at
        ``paths[field]``, or ``row`` + the field's name; the others at ``row``) and return
        False. With ``free_slug``, ``obj.slug`` is a wish: the row is saved under the first
        free slug like it in its organisation. Without a batch, ``obj`` only
        gets an id of its own (in memory)."""
        self.built.setdefault(type(obj), []).append(obj)
        if self.batch is None:
            obj.pk = len(self.built[type(obj)]) if obj.pk is None else obj.pk
            return True
        errors: dict[str, list[ValidationError]] = {}
        try:  # the slug's uniqueness is settled on insert when it is a wish
            obj.full_clean(exclude=["slug"] if free_slug else None)
        except ValidationError as exc:
            errors = exc.error_dict
        if free_slug:
            try:
                slug_field = obj._meta.get_field("slug")
                assert isinstance(slug_field, models.Field)
                slug_field.clean(obj.slug, obj)  # type: ignore[attr-defined]
            except ValidationError as exc:
                errors.setdefault("slug", []).extend(exc.error_list)
        if errors:
            for field, messages in errors.items():
                below = (paths or {}).get(field, (*row, field))
                path = row if field == NON_FIELD_ERRORS else below
                self.problems.extend((json_path(*path), _shown(error)) for error in messages)
            return False
        self.batch.create(obj, free_slug_like=obj.slug if free_slug else None)  # type: ignore[attr-defined]
        return True

    def create(
        self, document: dict[str, Any], *, organisation: Organisation, slug: str | None
    ) -> Assessment:
        """The assessment of ``document`` and its rows, kind by kind (``rowkinds.KINDS``:
        a kind comes after the kinds its rows point at)."""
        assessment = self._assessment(document, organisation=organisation, slug=slug)
        if assessment.pk is None:
            raise InvalidAssessment(self.problems, document=document)  # nothing hangs off it
        made: Made = {}
        for kind in KINDS:
            if kind.key == "figure" and self.batch is not None:
                continue  # an import has no image files to give them (FORMAT.md)
            read = getattr(self, f"_{kind.document_key}", None)
            made[kind.key] = (
                read(assessment, document, made)
                if read is not None
                else self._fields(kind, assessment, document)
            )
        return assessment

    def _fields(self, kind: RowKind[Any], assessment: Assessment, document: Document) -> Refs:
        """The rows of a kind whose document part holds the values of its own fields
        (``export._fields``), in their order; each known by its place in the list."""
        made = {}
        for index, data in enumerate(document.get(kind.document_key, [])):
            values = {
                name: kind.model._meta.get_field(name).to_python(value)
                for name, value in data.items()
            }
            if kind.ordered:
                values["order"] = index
            row = kind.model(**{kind.parent: assessment}, **values)
            if self.save(row, (kind.document_key, index)):
                made[str(index)] = row
        return made

    def _assessment(
        self, document: dict[str, Any], *, organisation: Organisation, slug: str | None
    ) -> Assessment:
        data, prescan = document["assessment"], document["prescan"]
        assessment = Assessment(
            organisation=organisation,
            created_by=self.user,
            **{name: data[name] for name in _ASSESSMENT_FIELDS},
            period_start=_date(data["period_start"]),
            period_end=_date(data["period_end"]),
            next_reassessment_on=_date(data["next_reassessment_on"]),
            # Optional (documents made before the report option existed print the texts).
            report_instrument_texts=data.get("report_instrument_texts", True),
            # Optional (documents made before the children's voice had them).
            no_consultation_reason=data.get("no_consultation_reason", ""),
            child_summary=data.get("child_summary", ""),
            **{field: prescan[key] for field, key in _PRESCAN_FIELDS.items()},
        )
        paths = {field: ("prescan", key) for field, key in _PRESCAN_FIELDS.items()}
        if self.batch is None:  # read back in memory: the slug is what it was
            assessment.slug = slug or data["slug"]
            self.save(assessment, ("assessment",), paths)
            return assessment
        if slug is None:  # the document's slug, or the first free one like it
            assessment.slug = data["slug"]
            self.save(assessment, ("assessment",), paths, free_slug=True)
            return assessment
        if Assessment.objects.filter(organisation=organisation, slug=slug).exists():
            self.problems.append(
                (
                    json_path("assessment", "slug"),
                    text(gettext_noop("The short name '%(slug)s' is already taken."), slug=slug),
                )
            )
            return assessment
        assessment.slug = slug
        self.save(assessment, ("assessment",), paths)
        return assessment

    def _answers(self, assessment: Assessment, document: Document, made: Made) -> Refs:
        answers: dict[str, str] = document["answers"]
        for key in instrument.ANSWER_KEYS:
            if key in answers:
                answer = Answer(assessment=assessment, question=key, text=answers[key])
                path = ("answers", key)
                self.save(answer, path, {"text": path, "question": path})
        return {}

    def _goals(self, assessment: Assessment, document: Document, made: Made) -> Refs:
        created = {}
        for index, data in enumerate(document["goals"]):
            goal = Goal(
                assessment=assessment,
                order=index,
                **{name: value for name, value in data.items() if name != "id"},
            )
            if self.save(goal, ("goals", index)):
                created[data["id"]] = goal
        return created

    def _contributions(self, assessment: Assessment, document: Document, made: Made) -> Refs:
        given = document["contributions"]
        linked = {item["contribution"] for item in document["proportionality"]} | {
            link["contribution"] for link in document.get("library_links", [])
        }
        created = {}
        for q in instrument.CONTRIBUTION_QUESTIONS:
            if q.number not in given and q.number not in linked:
                continue
            data = given.get(q.number, {"text": "", "summary": ""})
            contribution = Contribution(assessment=assessment, question=q.number, **data)
            path = ("contributions", q.number)
            if self.save(contribution, path, {"question": path}):
                created[q.number] = contribution
        return created

    def _risks(self, assessment: Assessment, document: Document, made: Made) -> Refs:
        created = {}
        for index, data in enumerate(document["risks"]):
            residual = data["residual"]
            risk = Risk(
                assessment=assessment,
                order=index,
                category=data["category"],
                topic=data["topic"],
                description=data["description"],
                raised_in=data.get("raised_in", ""),  # optional: older files lack it
                likelihood=data["likelihood"]["score"],
                likelihood_justification=data["likelihood"]["justification"],
                likelihood_reason=data["likelihood"]["reason"],
                impact=data["impact"]["score"],
                impact_justification=data["impact"]["justification"],
                impact_reason=data["impact"]["reason"],
                residual_description=residual["description"],
                residual_likelihood=residual["likelihood"]["score"],
                residual_likelihood_reason=residual["likelihood"]["reason"],
                residual_impact=residual["impact"]["score"],
                residual_impact_reason=residual["impact"]["reason"],
            )
            paths = {field: ("risks", index, *below) for field, below in RISK_FIELDS.items()}
            if self.save(risk, ("risks", index), paths):
                created[data["id"]] = risk
        return created

    def _measures(self, assessment: Assessment, document: Document, made: Made) -> Refs:
        """Measures, known to links by their id (``measure-<n>``, their place in the list,
        in documents that give none)."""
        risks, created = made["risk"], {}
        for index, data in enumerate(document["measures"]):
            if data["risk"] not in risks:
                continue  # the risk itself failed validation and is reported
            measure = Measure(
                risk=risks[data["risk"]],
                order=index,
                title=data["title"],
                description=data["description"],
                status=data["status"],
                status_reason=data.get("status_reason", ""),
                owner=data["owner"],
                due_date=_date(data["due_date"]),
            )
            if self.save(measure, ("measures", index)):
                created[data.get("id") or f"measure-{index + 1}"] = measure
        return created

    def _proportionality(self, assessment: Assessment, document: Document, made: Made) -> Refs:
        goals, contributions, risks = made["goal"], made["contribution"], made["risk"]
        for index, data in enumerate(document["proportionality"]):
            item = ProportionalityItem(
                assessment=assessment,
                order=index,
                side=data["side"],
                text=data["text"],
                goal=goals.get(data["goal"]) if data["goal"] else None,
                contribution=contributions.get(data["contribution"])
                if data["contribution"]
                else None,
                risk=risks.get(data["risk"]) if data["risk"] else None,
            )
            self.save(item, ("proportionality", index))
        return {}

    def _sources(self, assessment: Assessment, document: Document, made: Made) -> Refs:
        """Sources by key: a figure names its source by key (also one that failed, whose
        problems are reported)."""
        kind = BY_KEY["source"]
        self._fields(kind, assessment, document)
        return {source.key: source for source in self.built.get(Source, [])}

    def _library_items(self, document: Document) -> dict[str, LibraryItem]:
        urns = {
            row["item"] for key in ("library_links", "exclusions") for row in document.get(key, [])
        }
        return {item.urn: item for item in LibraryItem.objects.filter(urn__in=urns)}

    def _unknown(self, path: tuple, urn: str) -> None:
        message = gettext_noop(
            "%(path)s: the library item %(urn)s is not in this deployment's library; it was "
            "not imported."
        )
        self.notices.append(text(message, path=json_path(*path), urn=urn))

    def _library_links(self, assessment: Assessment, document: Document, made: Made) -> Refs:
        """Links to library items by URN; a URN this deployment does not know is a notice,
        not a refusal (the rest imports)."""
        items = self._library_items(document)
        rows = {"goal": made["goal"], "contribution": made["contribution"],
                "risk": made["risk"], "measure": made["measure"]}  # fmt: skip
        for index, data in enumerate(document.get("library_links", [])):
            path = ("library_links", index)
            item = items.get(data["item"])
            if item is None:
                self._unknown((*path, "item"), data["item"])
                continue
            targets = {name: rows[name].get(data[name]) for name in rows if data.get(name)}
            if None in targets.values():
                continue  # the row itself failed validation and is reported
            link = LibraryLink(
                assessment=assessment,
                item=item,
                item_version=data.get("item_version") or item.changed_in,
                note=data.get("note", ""),
                **targets,
            )
            self.save(link, path)
        return {}

    def _exclusions(self, assessment: Assessment, document: Document, made: Made) -> Refs:
        items = self._library_items(document)
        for index, data in enumerate(document.get("exclusions", [])):
            path = ("exclusions", index)
            item = items.get(data["item"])
            if item is None:
                self._unknown((*path, "item"), data["item"])
                continue
            exclusion = CoverageExclusion(assessment=assessment, item=item, reason=data["reason"])
            self.save(exclusion, path)
        return {}

    def _consultations(self, assessment: Assessment, document: Document, made: Made) -> Refs:
        created = {}
        for index, data in enumerate(document.get("consultations", [])):
            values = {
                name: _python(Consultation, name, value)
                for name, value in data.items()
                if name != "id"
            }
            consultation = Consultation(assessment=assessment, order=index, **values)
            if self.save(consultation, ("consultations", index)):
                created[data["id"]] = consultation
        return created

    def _consultation_findings(
        self, assessment: Assessment, document: Document, made: Made
    ) -> Refs:
        """Findings under their consultation, linked to rows by id (a contribution by its
        question); library items this deployment lacks are left out with a notice."""
        rows = {"goal": made["goal"], "contribution": made["contribution"],
                "risk": made["risk"], "measure": made["measure"]}  # fmt: skip
        urns = {
            u for f in document.get("consultation_findings", []) for u in f.get("library_items", [])
        }
        known = set(LibraryItem.objects.filter(urn__in=urns).values_list("urn", flat=True))
        order: dict[str, int] = {}
        for index, data in enumerate(document.get("consultation_findings", [])):
            path = ("consultation_findings", index)
            consultation = made["consultation"].get(data["consultation"])
            if consultation is None:
                continue  # the consultation failed validation and is reported
            targets = {name: rows[name].get(data[name]) for name in rows if data.get(name)}
            if None in targets.values():
                continue  # the row itself failed validation and is reported
            items = []
            for urn in data.get("library_items", []):
                if urn in known:
                    items.append(urn)
                else:
                    self._unknown((*path, "library_items"), urn)
            values = {
                name: _python(ConsultationFinding, name, value)
                for name, value in data.items()
                if name not in ("consultation", "library_items", *rows)
            }
            order[data["consultation"]] = order.get(data["consultation"], -1) + 1
            finding = ConsultationFinding(
                consultation=consultation,
                order=order[data["consultation"]],
                library_items=items,
                **targets,
                **values,
            )
            self.save(finding, path)
        return {}

    def _figures(self, assessment: Assessment, document: Document, made: Made) -> Refs:
        """Figures, for a version read back in memory (its images are in the storage)."""
        sources = made["source"]
        for index, data in enumerate(document.get("figures", [])):
            figure = Figure(
                assessment=assessment,
                order=index,
                source=sources.get(data["source"]) if data["source"] else None,
                **{k: v for k, v in data.items() if k != "source"},
            )
            self.save(figure, ("figures", index))
        return {}


def _python(model: type[models.Model], name: str, value: Any) -> Any:
    """A document's value as the model's field holds it (a date from its text)."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field.to_python(value)
