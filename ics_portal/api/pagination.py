"""Page-number pagination with a capped page size, and Link / X-Total-Count headers.

Every list is ordered by a unique key (see `ordering.StableOrderingFilter`), so a
page never repeats or skips a row while the data stays still.
"""

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


class PortalPagination(PageNumberPagination):
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_size_query_description = f"Rows per page (default {DEFAULT_PAGE_SIZE}, at most {MAX_PAGE_SIZE})."

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
