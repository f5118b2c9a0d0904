"""The answer to a sign-in that django-axes has locked out (AXES_LOCKOUT_CALLABLE).

Axes locks one username from one client address (AXES_LOCKOUT_PARAMETERS), so the page
says exactly that, and how long to wait: AXES_COOLOFF_TIME from now, since a failed
attempt while locked starts the cool-off again. 429 with Retry-After, as for the API.
"""

from datetime import timedelta

from axes.helpers import get_cool_off
from django.shortcuts import render


def describe_wait(wait: timedelta) -> str:
    """'1 hour', '2 hours and 30 minutes', '45 minutes', '1 minute' (at least a minute)."""
    minutes = max(1, -(-int(wait.total_seconds()) // 60))
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " and ".join(parts)


def lockout_response(request, original_response=None, credentials=None):
    wait = get_cool_off(request)
    response = render(
        request,
        "staff/locked_out.html",
        {"wait": describe_wait(wait) if wait else None},
        status=429,
    )
    if wait:
        response["Retry-After"] = str(int(wait.total_seconds()))
    response["Cache-Control"] = "no-store"
    return response
