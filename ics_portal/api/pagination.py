"""Page-number pagination with a capped page size, and Link / X-Total-Count headers.

Every list is ordered by a unique key (see `ordering.StableOrderingFilter`), so a
page never repeats or skips a row while the data stays still.
"""

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


class PortalPagination(PageNumberPagination):
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_size_query_description = f"Rows per page (default {DEFAULT_PAGE_SIZE}, at most {MAX_PAGE_SIZE})."

    def get_page_size(self, request):
        """The page size asked for, capped; 400 for anything but a whole number from 1 (DRF would ignore it)."""
        raw = request.query_params.get(self.page_size_query_param)
        if not raw:  # Absent or empty (?page_size=): the default, as for every other parameter.
            return self.page_size
        if not raw.isdigit() or int(raw) < 1:
            raise ValidationError({self.page_size_query_param: [f"A whole number from 1 to {self.max_page_size}."]})
        return min(int(raw), self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        return parameters

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        return self.with_headers(response)

    def with_headers(self, response: Response) -> Response:
        """The CSV form has no envelope, so the page links travel in headers too (RFC 8288)."""
        links = []
        if (url := self.get_next_link()) is not None:
            links.append(f'<{url}>; rel="next"')
        if (url := self.get_previous_link()) is not None:
            links.append(f'<{url}>; rel="prev"')
        if links:
            response["Link"] = ", ".join(links)
        response["X-Total-Count"] = str(self.page.paginator.count)
        return response
