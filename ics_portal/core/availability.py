"""What the portal answers while its database cannot be reached: 503 with Retry-After.

A dropped or refused connection surfaces as `OperationalError` (or `InterfaceError` on a
connection already closed). The answer must be built without the database: no session,
no user, no context processors, so the page is rendered from a template that extends
nothing. Django closes a connection that failed at the end of the request and opens a new
one on the next, so the portal recovers by itself once the database answers again.
"""

import logging
import time

from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
CACHE_ERRORS = (RedisError, OSError)


class CacheOutage:
    """Per process: a cache that failed is left alone for `backoff` seconds, so a dead Redis costs one socket timeout
    every few seconds rather than one per request; the outage is logged once, and so is the recovery."""

    def __init__(self, logger, *, down: str, back: str, backoff: float = 5.0):
        self.logger, self.down, self.back, self.backoff = logger, down, back, backoff
        self.reset()

    def reset(self) -> None:
        self.until, self.logged = 0.0, False

    def skipping(self) -> bool:
        return time.monotonic() < self.until

    def failed(self, error) -> None:
        self.until = time.monotonic() + self.backoff
        if not self.logged:
            self.logged = True
            self.logger.error("%s (%s: %s).", self.down, type(error).__name__, error)

    def answered(self) -> None:
        if self.logged:
            self.logged = False
            self.logger.warning(self.back)


# Long enough for a database restart or fail-over, short enough that a reader is not turned away for long.
RETRY_AFTER_SECONDS = 30

UNAVAILABLE_DETAIL = "The service is unavailable for a moment: its database cannot be reached. Try again shortly."
UNAVAILABLE_CODE = "service_unavailable"

# Paths answered as JSON (the API's error shape) rather than as a page.
API_PATH_PREFIX = "/api/"


def database_answers(using: str = DEFAULT_DB_ALIAS) -> bool:
    """True when the database runs `SELECT 1`; False when it cannot be reached."""
    try:
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DATABASE_ERRORS as error:
        logger.warning("Database %r does not answer: %s", using, error)
        return False
    return True


def caches_answer() -> bool:
    """True when every configured cache answers a read; False when one cannot be reached."""
    for alias in caches.settings:
        try:
            caches[alias].get("healthz-probe")
        except CACHE_ERRORS as error:
            logger.warning("Cache %r does not answer: %s", alias, error)
            return False
    return True


def _unavailable(response: HttpResponse) -> HttpResponse:
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # An outage must not be kept by a browser or a cache in front of the portal.
    add_never_cache_headers(response)
    return response


def service_unavailable_page() -> HttpResponse:
    """The NHS.UK-styled 503 page, rendered without a request, a context processor or the database."""
    return _unavailable(HttpResponse(loader.render_to_string("503.html"), status=503))


def service_unavailable_json() -> JsonResponse:
    """The API's error shape (`detail`, `code`), for API paths that DRF's own handler did not answer."""
    return _unavailable(JsonResponse({"detail": UNAVAILABLE_DETAIL, "code": UNAVAILABLE_CODE}, status=503))


def service_unavailable(request) -> HttpResponse:
    if request.path_info.startswith(API_PATH_PREFIX):
        return service_unavailable_json()
    return service_unavailable_page()
