"""Rate limits for API clients, counted in the shared cache.

Anonymous clients get `API_ANON_THROTTLE_RATE` (default 120 requests a minute) per client
address, and staff, who sign in, get `API_USER_THROTTLE_RATE` (default 1200 a minute) per
user. Past it a client gets 429 with `Retry-After` in seconds.

* **Who the client is**: `ics_portal.core.client_address`, the same answer sign-in
  lock-out uses, so an X-Forwarded-For made up outside the trusted proxies changes nothing.
* **Where the counts live**: the default cache. With Redis (production: CACHE_URL=redis://…)
  each request is one Lua script that drops entries older than the window, counts, and
  records the request, atomically, timed by Redis's clock: every gunicorn worker on every
  server shares one exact sliding window, and concurrent requests cannot both take the
  last place. Any other cache (the quick start's local memory) falls back to DRF's
  read-then-write count, which is per process.
* **When Redis is down** the limits fail open: requests are served unthrottled, the
  first failure logs an error ("API rate limits are off"), and for the next
  few seconds (`CacheOutage`) the throttles do not try Redis at all, so an unreachable
  server costs one socket timeout every few seconds rather than one per request.
  A public read API that stays up matters more here than a limit that holds during an
  outage; sign-in lock-out does not depend on the cache (axes keeps it in the database).
"""

import logging
import secrets

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from ics_portal.core.availability import CACHE_ERRORS, CacheOutage
from ics_portal.core.client_address import client_address

logger = logging.getLogger(__name__)

# KEYS[1]: the client's key. ARGV: limit, window in seconds, a unique member for this request.
# Returns {1, "0"} when allowed, else {0, "<seconds until the oldest counted request leaves the window>"}.
SLIDING_WINDOW_LUA = """
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZCARD', key) < limit then
  redis.call('ZADD', key, now, ARGV[3])
  redis.call('EXPIRE', key, math.ceil(window))
  return {1, '0'}
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
return {0, tostring(tonumber(oldest[2]) + window - now)}
"""


_outage = CacheOutage(
    logger,
    down="API rate limits are off: the cache that counts them cannot be reached. "
    "Requests are served unthrottled until it answers",
    back="API rate limits are back on: the cache that counts them answers again.",
)


class _SharedCount:
    """Count in Redis atomically when the default cache is Redis; fail open if the cache cannot be reached."""

    def get_rate(self):
        # Read the rate when the throttle is built, not when the module was imported (settings change in tests).
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        return client_address(request)

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        if _outage.skipping():
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        backend = caches["default"]
        try:
            if isinstance(backend, RedisCache):
                allowed = self._allow_in_redis(backend)
            else:
                allowed = super().allow_request(request, view)
        except CACHE_ERRORS as error:
            _outage.failed(error)
            return True
        _outage.answered()
        return allowed

    def _allow_in_redis(self, backend):
        key = backend.make_and_validate_key(self.key)
        # Django's RedisCache has no public way to run a script; its client (Django 4.0+) hands out redis-py's.
        client = backend._cache.get_client(key, write=True)
        script = client.register_script(SLIDING_WINDOW_LUA)  # EVALSHA, loading the script when Redis lacks it
        allowed, wait = script(keys=[key], args=[self.num_requests, self.duration, secrets.token_hex(8)])
        self._redis_wait = None if int(allowed) else max(float(wait), 0.0)
        return bool(int(allowed))

    def wait(self):
        if hasattr(self, "_redis_wait"):
            return self._redis_wait
        return super().wait()


class AnonymousThrottle(_SharedCount, AnonRateThrottle):
    scope = "anon"


class StaffThrottle(_SharedCount, UserRateThrottle):
    scope = "user"

    def allow_request(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return True  # Anonymous clients are counted by AnonymousThrottle.
        return super().allow_request(request, view)
