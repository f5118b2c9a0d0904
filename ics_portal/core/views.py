"""Site-wide pages: search, CSV downloads, calendar feeds, robots.txt."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from governance.models import Board
from partners import presenters as partner_presenters
from partners.models import Partnership
from partners.views import directory_filterset
from places import presenters as place_presenters
from places.models import IntegratedCareSystem

from .as_at import as_at_for
from .csv_export import csv_response
from .feeds import board_calendar
from .search import KINDS, KINDS_BY_KEY, clean_query, search

SEARCH_CSV_HEADER = ("Kind", "Name", "Details", "Sample data", "Link")


def _search_context(request):
    query = clean_query(request.GET.get("q"))
    kind = request.GET.get("kind") if request.GET.get("kind") in KINDS_BY_KEY else None
    groups = search(query, kind=kind)
    return {
        "query": query,
        "kind": KINDS_BY_KEY[kind] if kind else None,
        "kinds": KINDS,
        "groups": groups,
        "total": sum(group.total for group in groups),
        "shown": sum(len(group.hits) for group in groups),
    }


@require_GET
def search_page(request):
    """Search results grouped by kind, with a count for each; one query per kind."""
    return render(request, "core/search_results.html", _search_context(request))


@require_GET
def search_csv(request):
    """The results the search page shows for the same `q` and `kind`, as CSV."""
    context = _search_context(request)
    kind_labels = {kind.key: kind.label for kind in KINDS}
    rows = [
        (kind_labels[hit.kind], hit.title, hit.detail, hit.is_sample, request.build_absolute_uri(hit.url))
        for group in context["groups"]
        for hit in group.hits
    ]
    return csv_response("ics-portal-search", SEARCH_CSV_HEADER, rows)


@require_GET
def partners_csv(request):
    """The partner directory as CSV: the page's FilterSet, day, order and columns, every page of it.

    Three queries (the ICS filter's lookup, organisations, partnerships), read as tuples: no model instances.
    """
    as_at = as_at_for(request)
    organisations = directory_filterset(request, as_at).qs
    rows = partner_presenters.directory_csv_rows(
        organisations.for_directory_csv(), Partnership.objects.for_directory_csv(as_at.day, organisations)
    )
    return csv_response(f"partners-{as_at.day.isoformat()}", partner_presenters.DirectoryRow.COLUMNS, rows)


ICS_CSV_HEADER = (
    "NHS England region",
    "Integrated care system",
    "Full name",
    "ICB ODS code",
    "Stage",
    "Population",
    "Link",
)


@require_GET
def ics_csv(request):
    """The home page's list of ICSs by region, with each one's stage on the as-at day, as CSV. Two queries."""
    as_at = as_at_for(request)
    regions = place_presenters.systems_by_region(IntegratedCareSystem.objects.for_home(), as_at.day)
    rows = [
        (
            region.name,
            row.ics.short_name,
            row.ics.name,
            row.ics.icb_ods_code,
            row.stage.get_stage_display() if row.stage else "Not yet formed",
            row.ics.population,
            request.build_absolute_uri(row.ics.get_absolute_url()),
        )
        for region in regions
        for row in region.systems
    ]
    return csv_response(f"integrated-care-systems-{as_at.day.isoformat()}", ICS_CSV_HEADER, rows)


@require_GET
def board_meetings_ics(request, slug):
    """A board's meetings as an iCalendar feed to subscribe to. Two queries."""
    board = get_object_or_404(Board.objects.select_related("ics"), slug=slug)
    meetings = board.meetings.order_by("starts_at", "pk")
    body = board_calendar(board, meetings, absolute_url=request.build_absolute_uri)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{board.slug}-meetings.ics"'
    return response


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /staff/",
        f"Sitemap: {request.build_absolute_uri(reverse('core:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
