"""/healthz for load balancers: 200 when the database answers `SELECT 1`, 503 when it does not.

No session, no cookie, no CSRF check and never cached, so a probe neither creates state
nor reads an old answer. The portal recovers by itself once the database is back
(Django opens a new connection on the next request), and so does this answer.
"""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from ics_portal.core.availability import RETRY_AFTER_SECONDS, database_answers


@csrf_exempt
@never_cache
@require_safe
def healthz(request):
    if database_answers():
        return JsonResponse({"database": "ok"})
    response = JsonResponse({"database": "unavailable"}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
