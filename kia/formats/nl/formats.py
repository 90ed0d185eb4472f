"""Dutch dates in one long style, as in the report ("29 november 2026")."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H:i"
TIME_FORMAT = "H:i"
