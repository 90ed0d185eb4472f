"""The one error every step of an import raises: a list of problems, each at a JSON path.

A problem's message is translated when it is shown, not when it is found (``text``), so
``locations.describe(error, language)`` gives the same problems in either language, each with its
place in the words of the app ("Risk R2, likelihood") next to its JSON path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, TypedDict

from django.utils.functional import lazy
from django.utils.translation import gettext

_PLAIN_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_PATH_PART = re.compile(r"\.([A-Za-z][A-Za-z0-9_]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]")

Problem = tuple[str, str]  # (JSON path such as "$.risks[3].likelihood.score", message)

# At most this many problems are described; an import of a broken file of thousands of rows
# would otherwise give a page (or an API answer) of thousands of lines.
MAX_DESCRIBED = 200


def _translated(msgid: str, params: Mapping[str, Any]) -> str:
    message = gettext(msgid)
    return message % params if params else message  # "%s" turns lazy params into text now


_lazy_translated = lazy(_translated, str)


def text(msgid: str, /, **params: Any) -> str:
    """``msgid`` (marked with ``gettext_noop``) with ``params``, translated each time it is
    shown into the language active then. Lazy ``params`` (choice labels) follow too."""
    return _lazy_translated(msgid, params)


def json_path(*parts: str | int) -> str:
    """``json_path("risks", 3, "likelihood")`` -> ``"$.risks[3].likelihood"``.

    Keys that are not plain names are quoted: ``json_path("answers", "2.1")`` ->
    ``"$.answers['2.1']"`` (the same notation jsonschema uses).
    """
    path = "$"
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif _PLAIN_KEY.match(part):
            path += f".{part}"
        else:
            escaped = part.replace("\\", "\\\\").replace("'", "\\'")
            path += f"['{escaped}']"
    return path


def path_parts(path: str) -> tuple[str | int, ...]:
    """The inverse of ``json_path``: ``"$.risks[3].likelihood"`` -> ``("risks", 3,
    "likelihood")``. A path it cannot read (or "") gives ``()``, the whole document."""
    if not path.startswith("$"):
        return ()
    parts: list[str | int] = []
    position = 1
    while position < len(path):
        found = _PATH_PART.match(path, position)
        if found is None:
            return tuple(parts)
        name, index, quoted = found.groups()
        if name is not None:
            parts.append(name)
        elif index is not None:
            parts.append(int(index))
        else:
            parts.append(re.sub(r"\\(.)", r"\1", quoted))
        position = found.end()
    return tuple(parts)


class InvalidAssessment(ValueError):
    """The document cannot be imported. ``problems`` lists every (path, message) found;
    nothing has been saved. ``document`` is the parsed document when there was one: the
    places of problems are named from it (which risk is R2)."""

    def __init__(self, problems: Iterable[Problem], *, document: Any = None):
        self.problems: list[Problem] = list(problems)
        self.document = document
        super().__init__(self.__str__())

    def __str__(self) -> str:
        return "\n".join(f"{path}: {message}" for path, message in self.problems)


class Described(TypedDict):
    path: str  # "$.risks[1].likelihood.score"
    location: str  # "Risico R2, kans"
    message: str
