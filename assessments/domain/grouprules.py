"""The deployment's rules from identity-provider groups to organisation roles
(``OIDC_GROUP_ROLES``): ``group=organisation-short-name:role``, comma-separated.

No models here: the settings read these rules at start-up, before the app registry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from assessments.domain.constants import Role

_RULE = re.compile(r"^(?P<group>[^=]+)=(?P<organisation>[^:=]+):(?P<role>[a-z]+)$")


@dataclass(frozen=True)
class GroupRule:
    """``group`` gives ``role`` in the organisation with the short name ``organisation``."""

    group: str
    organisation: str
    role: Role


def parse_group_roles(text: str, *, name: str = "OIDC_GROUP_ROLES") -> list[GroupRule]:
    """The rules in ``text``; a bad rule stops the app with the variable's name and the rule."""
    rules = []
    for raw in text.split(","):
        item = raw.strip()
        if not item:
            continue
        match = _RULE.match(item)
        if not match or match["role"] not in Role.values:
            raise ImproperlyConfigured(
                f"{name}: {item!r} is not group=organisation-short-name:role "
                f"(role one of {', '.join(Role.values)})."
            )
        rules.append(
            GroupRule(match["group"].strip(), match["organisation"].strip(), Role(match["role"]))
        )
    return rules
