"""The exchange format (FORMAT.md): one JSON document per assessment, and the risk register.

``export_assessment`` and ``import_assessment`` are the way in and out; any problem with a
document raises ``InvalidAssessment`` with every (JSON path, message) found.
"""

from assessments.domain.exchange.errors import InvalidAssessment, json_path
from assessments.domain.exchange.export import export_assessment, to_json
from assessments.domain.exchange.importer import import_assessment
from assessments.domain.exchange.locations import describe
from assessments.domain.exchange.schema import FORMAT, VERSION

__all__ = [
    "FORMAT",
    "VERSION",
    "InvalidAssessment",
    "describe",
    "export_assessment",
    "import_assessment",
    "json_path",
    "to_json",
]
