"""Reads from a streaming replica where a moment's lag is harmless; everything else on the primary.

Replicas are named in settings (DATABASE_REPLICA_URLS → DATABASES["replica_0"], …, listed in
DATABASE_REPLICAS); with none, nothing here has any effect. `ReplicaReadsMiddleware` decides once
per request: an anonymous GET or HEAD from a client that has not written in the last few seconds
may read from a replica. Writes, signed-in users (a session cookie or an API token) and a client's
requests just after its own write (read-your-writes, by a short-lived cookie) read the primary, and
so does anything inside a transaction on it. Outside a request (management commands, jobs, the
shell) everything runs on the primary: a job that reads a row and then writes must not read a copy
that lags.

A replica that cannot be reached is skipped for DATABASE_REPLICA_RETRY_SECONDS, and its reads go
to the primary without an error: a dead replica costs one refused (or timed-out) connection per
worker per retry period, not one per request. A replica lost in the middle of a read (restarted,
failed over) is skipped the same way, and the read, being safe to repeat, is answered again from
the primary instead of with a 503.
"""

import logging
import random
import time
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, connections

from .availability import DATABASE_ERRORS

logger = logging.getLogger(__name__)

# Its value is the Unix time until which the client's reads go to the primary.
READ_YOUR_WRITES_COOKIE = "read_primary_until"
REPLICA_METHODS = ("GET", "HEAD")
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

# Per process: when each replica that failed to connect may be tried again (time.monotonic()).
_down_until: dict[str, float] = {}


class ReplicaReads:
    """A request's leave to read from a replica. The replica is chosen at its first read and kept for the
    rest of the request, so one page never mixes two replicas that lag by different amounts."""

    def __init__(self):
        self._alias = None

    def alias(self) -> str:
        if self._alias is None:
            self._alias = reachable_replica() or DEFAULT_DB_ALIAS
        return self._alias

    def after_write(self) -> None:
        """A request that writes, whatever its method, reads what it wrote: the rest of it reads the primary."""
        self._alias = DEFAULT_DB_ALIAS

    def on_replica(self) -> bool:
        return self._alias not in (None, DEFAULT_DB_ALIAS)

    def primary_instead(self) -> str | None:
        """Send the rest of the request to the primary; the replica it was reading from, if it was."""
        lost, self._alias = self._alias, DEFAULT_DB_ALIAS
        return lost if lost not in (None, DEFAULT_DB_ALIAS) else None


_replica_reads: ContextVar[ReplicaReads | None] = ContextVar("replica_reads", default=None)


def reading_from_a_replica() -> bool:
    """Whether this request has been reading from a replica: a database error is then left to
    `ReplicaReadsMiddleware`, which answers the read again from the primary."""
    reads = _replica_reads.get()
    return reads is not None and reads.on_replica()


def reachable_replica() -> str | None:
    """A replica that accepts a connection now, in random order to spread the load; None if none does."""
    now = time.monotonic()
    candidates = [alias for alias in settings.DATABASE_REPLICAS if _down_until.get(alias, 0) <= now]
    random.shuffle(candidates)
    for alias in candidates:
        if _connects(alias):
            _down_until.pop(alias, None)
            return alias
        _skip_for_a_while(alias)
    return None


def _skip_for_a_while(alias: str) -> None:
    _down_until[alias] = time.monotonic() + settings.DATABASE_REPLICA_RETRY_SECONDS


def _connects(alias: str) -> bool:
    """True when the replica's connection is open and usable, opening it if need be (no query of its own:
    a kept connection's health check runs once per request whether asked here or by the first query)."""
    connection = connections[alias]
    try:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except DATABASE_ERRORS as error:
        logger.warning(
            "Replica %r cannot be reached, reading from the primary for %ss: %s",
            alias,
            settings.DATABASE_REPLICA_RETRY_SECONDS,
            error,
        )
        return False
    return True


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        reads = _replica_reads.get()
        if reads is None or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return reads.alias()

    def db_for_write(self, model, **hints):
        reads = _replica_reads.get()
        if reads is not None:
            reads.after_write()
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # every alias holds the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


class ReplicaReadsMiddleware:
    """Lets the requests that may read from a replica do so, and sets the read-your-writes cookie on writes."""

    def __init__(self, get_response):
        if not settings.DATABASE_REPLICAS:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        token = _replica_reads.set(ReplicaReads() if may_read_from_replica(request) else None)
        try:
            response = self.get_response(request)
        finally:
            _replica_reads.reset(token)
        if request.method in WRITE_METHODS:
            read_own_writes(response)
        return response

    def process_exception(self, request, exception):
        """A replica lost during a read: the read is answered again from the primary (Django asks this before
        DatabaseUnavailableMiddleware, whose 503 is for a primary that cannot be reached)."""
        reads = _replica_reads.get()
        if reads is None or not isinstance(exception, DATABASE_ERRORS):
            return None
        lost = reads.primary_instead()
        if lost is None:
            return None
        logger.warning(
            "Replica %r lost during %s %s; answering from the primary: %s",
            lost,
            request.method,
            request.path,
            exception,
        )
        _skip_for_a_while(lost)
        return self.get_response(request)


def may_read_from_replica(request) -> bool:
    return (
        request.method in REPLICA_METHODS
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        and not wrote_recently(request)
    )


def wrote_recently(request) -> bool:
    try:
        until = int(request.COOKIES.get(READ_YOUR_WRITES_COOKIE, ""))
    except ValueError:
        return False
    now = time.time()
    # A time further ahead than the window was not set here: it must not pin a client to the primary for ever.
    return now < until <= now + settings.DATABASE_READ_YOUR_WRITES_SECONDS


def read_own_writes(response) -> None:
    """The client's reads go to the primary for the next few seconds, by which time the replicas have its write."""
    window = settings.DATABASE_READ_YOUR_WRITES_SECONDS
    response.set_cookie(
        READ_YOUR_WRITES_COOKIE,
        str(int(time.time() + window)),
        max_age=window,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
