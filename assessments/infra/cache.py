"""What an outage of the shared cache looks like, and how it is told.

The cache (Redis in production, ``CACHE_URL``) holds only what may be lost: API request
counts, who has an item open, the worker's heartbeat. When it does not answer, the
features built on it step aside (the API goes unthrottled, the "also open" notice is not
shown) instead of failing the request; ``/ready/`` reports the cache as down.
"""

from __future__ import annotations

import logging
import time

from django.db import DatabaseError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Redis (refused, timed out, loading, read-only) and the database cache (a table that is
# gone, a database that is down); OSError for a socket the client library did not wrap.
CACHE_ERRORS: tuple[type[Exception], ...] = (RedisError, DatabaseError, OSError)

LOG_EVERY = 60
_last_logged: dict[str, float] = {}


def log_outage(feature: str, error: Exception) -> None:
    """Log that ``feature`` goes without the cache: once a minute per feature and process."""
    now = time.monotonic()
    if now - _last_logged.get(feature, -LOG_EVERY) < LOG_EVERY:
        return
    _last_logged[feature] = now
    logger.warning(
        "The cache does not answer; %s goes without it: %s: %s",
        feature,
        type(error).__name__,
        error,
        extra={"feature": feature},
    )
