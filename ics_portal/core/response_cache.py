"""Anonymous pages and API answers served from the shared cache, keyed on the data version; HTTP validators.

A request is served from the cache only when it is an anonymous read: GET or HEAD, no Authorization,
and no cookie but the CSRF one (a session cookie means someone signed in; staff never get a cached page).
Its key is a hash of the data version (number and time, ics_portal/core/data_version.py), today's date
in Europe/London (answers "as at today" change at midnight), the absolute URL (scheme, host, path, whole
query string) and, under /api/, the Accept header (the format). Any write to public data moves the version, so
the next request looks under a new key: an entry is never stale, only unused until it expires.

Only a 200 no bigger than RESPONSE_CACHE_MAX_BYTES is stored (a streamed one, such as a CSV, is read into memory
first when it proves that small; a bigger one streams on as it began), and never one that sets a cookie (a page with a
form that posts renders a CSRF token and so sets one), says it must not be kept, or varies on a header
the key leaves out. Anonymous requests never see drafts, so no draft can reach a stored answer.

Stored answers carry `Cache-Control: public, max-age=RESPONSE_MAX_AGE, stale-while-revalidate=…`,
`Vary: Cookie, Authorization`, an ETag (the API's own, per representation, when it has one; else a hash
of the body) and, for pages, Last-Modified (when public data last changed); a request that names them
(If-None-Match, If-Modified-Since) gets 304. Signed-in users' answers get `private, no-store`.

When the cache cannot be reached the request is served uncached: the first failure is logged, and for
a few seconds (CacheOutage) the cache is not tried at all, so a dead Redis costs one socket timeout every few
seconds per process, not one per request. It is used again by itself once it answers.
"""

import hashlib
import itertools
import logging

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from django.utils.http import http_date, parse_http_date_safe

from . import data_version
from .availability import API_PATH_PREFIX, CACHE_ERRORS, DATABASE_ERRORS, CacheOutage

logger = logging.getLogger(__name__)

CACHE_ALIAS = "responses"
# The request headers an answer may vary on that the key accounts for (Cookie and Authorization: by
# storing only answers to requests that carry neither; Accept: under /api/ only).
KEYED_VARY = {"accept", "cookie", "authorization"}
NOT_KEPT = ("private", "no-store", "no-cache")


_outage = CacheOutage(logger, down="Response cache unavailable, serving uncached", back="Response cache answers again.")


def _cache_call(method, *args):
    """The cache's answer, or None while it cannot be reached."""
    if _outage.skipping():
        return None
    try:
        answer = method(*args)
    except CACHE_ERRORS as error:
        _outage.failed(error)
        return None
    _outage.answered()
    return answer


def is_anonymous_read(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and "authorization" not in request.headers
        and set(request.COOKIES) <= {settings.CSRF_COOKIE_NAME}
    )


def cache_key(request, version: tuple) -> str:
    number, changed_at = version
    parts = (
        str(number),
        changed_at.isoformat(),
        timezone.localdate().isoformat(),
        request.build_absolute_uri(),
        # The API's format follows Accept; a page's does not, and browsers each send their own.
        request.headers.get("accept", "") if _is_api(request) else "",
    )
    return "response:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def is_storable(request, response) -> bool:
    vary = {header.strip().lower() for header in response.get("Vary", "").split(",") if header.strip()}
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and vary <= (KEYED_VARY if _is_api(request) else KEYED_VARY - {"accept"})
        and not any(word in cache_control for word in NOT_KEPT)
        and len(response.content) <= settings.RESPONSE_CACHE_MAX_BYTES
    )


def make_public(request, response, changed_at) -> None:
    """Validators and lifetimes of an answer anyone may keep."""
    if not response.has_header("ETag"):
        set_response_etag(response)
    if not response.has_header("Last-Modified") and not _is_api(request):
        response["Last-Modified"] = http_date(changed_at.timestamp())
    patch_cache_control(
        response,
        public=True,
        max_age=settings.RESPONSE_MAX_AGE,
        stale_while_revalidate=settings.RESPONSE_STALE_WHILE_REVALIDATE,
    )
    patch_vary_headers(response, ("Cookie", "Authorization"))


def _in_memory_if_small(response):
    """A streamed 200 that ends within RESPONSE_CACHE_MAX_BYTES as one in memory, which can be stored."""
    if not response.streaming or response.status_code != 200:
        return response
    chunks, size = [], 0
    body = iter(response.streaming_content)
    for chunk in body:
        chunks.append(chunk)
        size += len(chunk)
        if size > settings.RESPONSE_CACHE_MAX_BYTES:
            response.streaming_content = itertools.chain(chunks, body)
            return response
    whole = HttpResponse(b"".join(chunks), status=response.status_code)
    for name, value in response.items():
        whole[name] = value
    whole.cookies = response.cookies
    return whole


def _entry(response) -> tuple:
    return response.status_code, list(response.items()), response.content


def _from_entry(entry) -> HttpResponse:
    status, headers, content = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response


def _not_modified_or(request, response):
    last_modified = response.get("Last-Modified")
    return get_conditional_response(
        request,
        etag=response.get("ETag"),
        # The API's Last-Modified is informational for lists (ics_portal/api/conditional.py): its ETag decides.
        last_modified=parse_http_date_safe(last_modified) if last_modified and not _is_api(request) else None,
        response=response,
    )


def _is_api(request) -> bool:
    return request.path_info.startswith(API_PATH_PREFIX)


def _version():
    try:
        return data_version.current()
    except DATABASE_ERRORS:
        return None  # the view will answer 503 (DatabaseUnavailableMiddleware)


class ResponseCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not (settings.RESPONSE_CACHE_ENABLED and is_anonymous_read(request)):
            return self._uncached(request)
        version = _version()
        if version is None:
            return self.get_response(request)
        cache = caches[CACHE_ALIAS]
        key = cache_key(request, version)
        entry = _cache_call(cache.get, key)
        if entry is not None:
            response = _from_entry(entry)
            response["X-Response-Cache"] = "hit"
            return _not_modified_or(request, response)
        response = _in_memory_if_small(self.get_response(request))
        if not is_storable(request, response):
            return response
        make_public(request, response, version[1])
        _cache_call(cache.set, key, _entry(response), settings.RESPONSE_CACHE_SECONDS)
        response["X-Response-Cache"] = "miss"
        return _not_modified_or(request, response)

    def _uncached(self, request):
        response = self.get_response(request)
        if settings.SESSION_COOKIE_NAME in request.COOKIES and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response
