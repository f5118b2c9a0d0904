"""/healthz for load balancers: 200 when the database answers `SELECT 1`, 503 when it does not.

It also says whether the caches (the response cache and the rate limits' counts) answer:
`{"database": "ok", "cache": "ok"}`, or `"cache": "unavailable"` while Redis is down. That is a
degraded part, not a dead instance: pages and the API still answer, uncached (and unthrottled), so
the answer stays 200 and a load balancer keeps the instance in service.

No session, no cookie, no CSRF check and never cached, so a probe neither creates state
nor reads an old answer. The portal recovers by itself once the database is back
(Django opens a new connection on the next request), and so does this answer; the cache
is asked afresh on every probe.
"""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from ics_portal.core.availability import RETRY_AFTER_SECONDS, caches_answer, database_answers


@csrf_exempt
@never_cache
@require_safe
def healthz(request):
    cache = "ok" if caches_answer() else "unavailable"
    if database_answers():
        return JsonResponse({"database": "ok", "cache": cache})
    response = JsonResponse({"database": "unavailable", "cache": cache}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
