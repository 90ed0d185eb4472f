"""The one error every step of an import raises: a list of problems, each at a JSON path."""

from __future__ import annotations

import re
from collections.abc import Iterable

_PLAIN_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")

Problem = tuple[str, str]  # (JSON path such as "$.risks[3].likelihood.score", message)


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


class InvalidAssessment(ValueError):
    """The document cannot be imported. ``problems`` lists every (path, message) found;
    nothing has been saved."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: list[Problem] = [(path, str(message)) for path, message in problems]
        super().__init__(self.__str__())

    def __str__(self) -> str:
        return "\n".join(f"{path}: {message}" for path, message in self.problems)
