"""Request bodies, read strictly: JSON without NaN or the infinities, no number of more
than ``MAX_DIGITS`` digits (Python refuses to read over 4,300 and no value needs 30), and
no lone surrogate escape (``\\ud800``: valid JSON, but not a character, so no database can
store it). What is refused says where: ``errors`` answers 400 problem+json with the place
in ``invalid-params``."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.parser import Parser

from assessments.domain.exchange import parsing


class BadBody(ValueError):
    """Why a body is refused (``detail``) and where (``name``, a JSON path, or "body")."""

    def __init__(self, detail: str, name: str = "body", code: str = "invalid") -> None:
        super().__init__(detail)
        self.detail, self.name, self.code = detail, name, code


class StrictParser(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        try:
            text = request.body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadBody(_("The body is not UTF-8 text (byte %(position)d).")
                          % {"position": exc.start}) from exc  # fmt: skip
        try:
            value = json.loads(
                text, parse_int=parsing.strict_int, parse_constant=parsing.refuse_constant
            )
        except json.JSONDecodeError as exc:
            raise BadBody(
                _("The body is not valid JSON: line %(line)s, column %(column)s.")
                % {"line": exc.lineno, "column": exc.colno}
            ) from exc
        except parsing.NotJSON as exc:
            raise BadBody(_("%(name)s is not a JSON value.") % {"name": exc.name}) from exc
        except parsing.NumberTooLong as exc:
            line, column = parsing.place_of_long_number(text)
            raise BadBody(
                _("Line %(line)s, column %(column)s: a number of %(digits)s digits; no value "
                  "has more than %(limit)s.")
                % {"line": line, "column": column, "digits": exc.digits,
                   "limit": parsing.MAX_DIGITS},
                code="number_too_long",
            ) from exc  # fmt: skip
        except RecursionError as exc:
            raise BadBody(_("The body is nested too deeply.")) from exc
        where = parsing.lone_surrogate(value)
        if where:
            raise BadBody(
                _("The text contains a lone surrogate escape (such as \\ud800), which is not a "
                  "character; it cannot be stored."),
                name=where.removeprefix("$.").removeprefix("$") or "body",
                code="lone_surrogate",
            )  # fmt: skip
        return value
