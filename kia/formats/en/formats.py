"""English dates in one long style, as in the report ("29 November 2026"), never "Nov. 29"."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
