"""Page-number pagination with a bounded page size, and Link / X-Total-Count headers.

Every list is ordered by a unique key (see `ordering.StableOrderingFilter`), so a
page never repeats or skips a row while the data stays still.
"""

import functools

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.utils.functional import cached_property
from rest_framework import exceptions
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from ics_portal.api.exceptions import NotFound

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
# Past the end of any list (500 million rows at the largest page size), and an OFFSET well inside
# PostgreSQL's bigint: a bigger number answers 400 rather than reaching the database.
MAX_PAGE = 1_000_000
# Digits read of a page or page size: more than int() should be asked to convert (or a bigint holds).
_MAX_DIGITS = 18
# An unfiltered list of a table at least this big gets PostgreSQL's row estimate as its count.
ESTIMATE_FROM = 100_000
COUNT_DESCRIPTION = (
    "Rows in all pages. Exact, except for an unfiltered list of a table of at least "
    f"{ESTIMATE_FROM:,} rows (agenda items), where it is PostgreSQL's estimate and the answer carries "
    "`X-Total-Count-Estimated: true`; follow `next` rather than computing the last page from it."
)


def whole_number(raw: str) -> int | None:
    """`raw` as a whole number if it is ASCII digits only, else None; absurdly long numbers read as 10**18.

    str.isdigit() alone also takes "²" and "١", which int() then refuses.
    """
    if not raw.isascii() or not raw.isdigit():
        return None
    digits = raw.lstrip("0") or "0"
    return int(digits) if len(digits) <= _MAX_DIGITS else 10**_MAX_DIGITS


class _EstimatedPage(Page):
    """A page whose next page is known from one extra row fetched, not from the (estimated) count."""

    def __init__(self, object_list, number, paginator, has_more):
        super().__init__(object_list, number, paginator)
        self._has_more = has_more

    def has_next(self):
        return self._has_more


class EstimatingPaginator(Paginator):
    """Django's Paginator, except that a huge unfiltered table is not counted row by row.

    COUNT(*) over the 333,000 agenda items took ~18 ms of every unfiltered page (bench/run).
    When the queryset has no WHERE and no DISTINCT (so it has one row per row of its
    table; select_related joins are on required keys or outer) and PostgreSQL's statistics say
    the table holds at least ESTIMATE_FROM rows, `count` is `pg_class.reltuples` (kept current by
    autovacuum's ANALYZE) and `count_is_estimate` is True. Pages are then cut by offset and the
    next page is known by fetching one row more, so no row is ever unreachable whatever the
    estimate. Below the threshold, with any filter, or off PostgreSQL: the exact count, as before.
    The estimate and the exact count are one query either way, so queries per request do not
    depend on the data's size.
    """

    count_is_estimate = False

    def __init__(self, *args, known_count=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.known_count = known_count

    def _estimable(self) -> bool:
        qs = self.object_list
        query = getattr(qs, "query", None)
        if query is None or not hasattr(qs, "db"):
            return False
        return (
            connections[qs.db].vendor == "postgresql"
            and not query.where
            and not query.distinct
            and not query.combinator
            and query.low_mark == 0
            and query.high_mark is None
            and not query.group_by
        )

    @cached_property
    def count(self):
        if self.known_count is not None:
            return self.known_count
        if not self._estimable():
            return super().count
        qs = self.object_list
        count_sql, params = qs.order_by().values("pk").query.sql_with_params()
        with connections[qs.db].cursor() as cursor:
            cursor.execute(
                "SELECT c.reltuples >= %s, CASE WHEN c.reltuples >= %s THEN c.reltuples::bigint"
                f" ELSE (SELECT COUNT(*) FROM ({count_sql}) AS counted) END"
                " FROM pg_class c WHERE c.oid = %s::regclass",
                [ESTIMATE_FROM, ESTIMATE_FROM, *params, qs.model._meta.db_table],
            )
            estimated, count = cursor.fetchone()
        self.count_is_estimate = bool(estimated)
        return int(count)

    def validate_number(self, number):
        if not self.count_is_estimate:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from exc
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if number > MAX_PAGE:  # the OFFSET would outgrow a bigint long before any table had such a page
            raise EmptyPage(self.error_messages["no_results"])
        return number

    def page(self, number):
        self.count  # noqa: B018 - decides whether the count is an estimate
        if not self.count_is_estimate:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return _EstimatedPage(rows[: self.per_page], number, self, has_more=len(rows) > self.per_page)


class PortalPagination(PageNumberPagination):
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_size_query_description = f"Rows per page (default {DEFAULT_PAGE_SIZE}, at most {MAX_PAGE_SIZE})."
    known_count = None  # the list's length, when the view knows it without counting rows (PortalViewSet)

    @property
    def django_paginator_class(self):
        return functools.partial(EstimatingPaginator, known_count=self.known_count)

    def get_page_size(self, request):
        """The page size asked for; 400 for anything but a whole number from 1 to the maximum.

        DRF would ignore a bad one and silently cut a big one to the maximum: a client asking for 1,000
        rows would think the second page was the last.
        """
        raw = request.query_params.get(self.page_size_query_param)
        if not raw:  # Absent or empty (?page_size=): the default, as for every other parameter.
            return self.page_size
        size = whole_number(raw)
        if size is None or not 1 <= size <= self.max_page_size:
            raise ValidationError({self.page_size_query_param: [f"A whole number from 1 to {self.max_page_size}."]})
        return size

    def paginate_queryset(self, queryset, request, view=None):
        """A page past the end is a 404 that names `page` as the parameter at fault."""
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound as exc:
            raise NotFound(exc.detail, parameter=self.page_query_param) from None

    def get_page_number(self, request, paginator):
        """The page asked for: 400 for anything but a whole number from 1 to MAX_PAGE (or `last`).

        DRF would answer 404 "Invalid page." for `?page=x` as for a page past the end, and hand a huge
        number to the paginator, whose OFFSET then overflows PostgreSQL's bigint (a 500) when the count
        is an estimate. A page past the end of the list is still a 404.
        """
        raw = request.query_params.get(self.page_query_param)
        if not raw:  # Absent or empty (?page=): the first page, as DRF does.
            return 1
        if raw in self.last_page_strings:
            return paginator.num_pages
        number = whole_number(raw)
        if number is None or not 1 <= number <= MAX_PAGE:
            raise ValidationError({self.page_query_param: [f"A whole number from 1 to {MAX_PAGE:,}."]})
        return number

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["maximum"] = MAX_PAGE
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
        if self.page.paginator.count_is_estimate:
            response["X-Total-Count-Estimated"] = "true"
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count"]["description"] = COUNT_DESCRIPTION
        return schema


class NestedRowsPagination(PortalPagination):
    """For lists whose rows carry lists of their own (a meeting's agenda): 20 rows a page by default.

    Fifty meetings with every agenda item cost ~13 ms of CPU at national scale (bench/run).
    """

    page_size = 20
    page_size_query_description = f"Rows per page (default 20, at most {MAX_PAGE_SIZE})."
