"""Site-wide answers that no single view should have to give.

- `DatabaseUnavailableMiddleware`: a view that cannot reach the database answers 503 with
  Retry-After (the NHS.UK page, or JSON under /api/) instead of a 500.
- `HttpMethodsMiddleware`: OPTIONS and TRACE on a page. Function views would otherwise
  render the whole page for both (or 405 without saying why for OPTIONS). And HEAD leaves
  the body out here, so the WSGI server has none to drop (gunicorn logs each one it drops).
- `NulCharacterMiddleware`: 400 for a path or query string holding a NUL character (`%00`),
  before any view passes it to the database.
"""

import logging

from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed, JsonResponse
from django.template import loader
from django.views import View

from .availability import API_PATH_PREFIX, DATABASE_ERRORS, service_unavailable

logger = logging.getLogger(__name__)

# What every page accepts. The admin's forms also take POST.
PAGE_METHODS = ("GET", "HEAD", "OPTIONS")
ADMIN_METHODS = ("GET", "HEAD", "OPTIONS", "POST")


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        # No traceback: during an outage every request fails the same way. Django logs the 503 itself.
        logger.warning("Database unavailable for %s %s: %s", request.method, request.path, exception)
        return service_unavailable(request)


class HttpMethodsMiddleware:
    """OPTIONS on a page: 200, an Allow header and no body. TRACE: 405 with Allow. HEAD: no body.

    Class-based views (the API's DRF views, some of the admin's) already answer OPTIONS and
    TRACE from the methods they define, so they are left alone; so is everything under
    /api/, whose OPTIONS describes the endpoint.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method == "HEAD":
            # Content-Length, set from the full body further in, stays: it is what GET would send.
            if response.streaming:
                response.streaming_content = []
            else:
                response.content = b""
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method not in ("OPTIONS", "TRACE") or request.path_info.startswith(API_PATH_PREFIX):
            return None
        view_class = getattr(view_func, "view_class", None)
        if isinstance(view_class, type) and issubclass(view_class, View):
            return None
        match = request.resolver_match
        allowed = ADMIN_METHODS if match is not None and "admin" in match.app_names else PAGE_METHODS
        if request.method == "TRACE":
            return HttpResponseNotAllowed(allowed)
        response = HttpResponse()
        response["Allow"] = ", ".join(allowed)
        response["Content-Length"] = "0"
        return response


NUL = "\x00"


class NulCharacterMiddleware:
    """400 for any request whose path, or a query-string name or value, holds a NUL character.

    PostgreSQL text cannot hold NUL, and psycopg refuses a query parameter holding one with a
    ValueError: a 500 wherever a view hands the value to a query (a slug in the path, a filter of
    the directory). No address of the portal holds one, so it is refused here, once, before any
    view: under /api/ in the API's error shape, elsewhere with the NHS.UK 400 page. It runs before
    WhiteNoise too, whose file look-up would fail on such a path in development.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        where = nul_in(request)
        if where is None:
            return self.get_response(request)
        response = nul_refused(request, where)
        if request.method == "HEAD":  # as HttpMethodsMiddleware does, further in
            response["Content-Length"] = str(len(response.content))
            response.content = b""
        return response


def nul_in(request) -> str | None:
    """Where a NUL character is: "path", or the name of the first query-string parameter holding one; else None."""
    if NUL in request.path_info:
        return "path"
    for name, values in request.GET.lists():
        if NUL in name or any(NUL in value for value in values):
            # The name is echoed in the answer: never the NUL itself.
            return name.replace(NUL, "%00")
    return None


def nul_refused(request, where: str) -> HttpResponse:
    if where == "path":
        message = "The address holds a NUL character (%00), which no address of the portal contains."
    else:
        message = f"The value of “{where}” holds a NUL character (%00), which no search or filter can contain."
    if request.path_info.startswith(API_PATH_PREFIX):
        return JsonResponse(
            {"detail": f"Invalid input: {where}: {message}", "code": "invalid", "errors": {where: [message]}},
            status=400,
        )
    # Rendered without the request, as Django's own 400 view does, so nothing of the address is echoed.
    return HttpResponseBadRequest(loader.render_to_string("400.html", {"message": message}))
