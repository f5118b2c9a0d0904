"""Site-wide answers that no single view should have to give.

- `DatabaseUnavailableMiddleware`: a view that cannot reach the database answers 503 with
  Retry-After (the NHS.UK page, or JSON under /api/) instead of a 500.
- `HttpMethodsMiddleware`: OPTIONS and TRACE on a page. Function views would otherwise
  render the whole page for both (or 405 without saying why for OPTIONS). And HEAD leaves
  the body out here, so the WSGI server has none to drop (gunicorn logs each one it drops).
"""

import logging

from django.http import HttpResponse, HttpResponseNotAllowed
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
