"""Rate limits for anonymous API clients.

The rate is `API_ANON_THROTTLE_RATE` (default 120 requests a minute per IP
address) and staff, who sign in, get `API_USER_THROTTLE_RATE` (default 1200 a
minute). A throttled client gets 429 with `Retry-After` in seconds. The counts
live in the default cache: per process with the local-memory cache, so with
several gunicorn workers set CACHE_URL to a shared cache for a real limit.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class _LiveRate:
    """Read the rate when the throttle is built, not when the module was imported (settings can change in tests)."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonymousThrottle(_LiveRate, AnonRateThrottle):
    scope = "anon"


class StaffThrottle(_LiveRate, UserRateThrottle):
    scope = "user"

    def allow_request(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return True  # Anonymous clients are counted by AnonymousThrottle.
        return super().allow_request(request, view)
