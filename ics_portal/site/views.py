"""Pages that draw on several apps: home, an ICS, a place, an organisation, search, robots.txt."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from governance.presenters import structure_diagram
from ics_portal.core.as_at import as_at_for, split_by_day
from ics_portal.core.csv_export import csv_response
from partners import presenters as partner_presenters
from partners.models import Partnership
from places import presenters as place_presenters
from places.models import IntegratedCareSystem

from . import selectors
from .search import KINDS, KINDS_BY_KEY, clean_query, search

SEARCH_CSV_HEADER = ("Kind", "Name", "Details", "Sample data", "Link")


def home(request):
    as_at = as_at_for(request)
    systems = IntegratedCareSystem.objects.for_home()
    regions = place_presenters.systems_by_region(systems, as_at.day)
    return render(request, "site/home.html", {"as_at": as_at, "regions": regions})


def partner_directory_url(ics, as_at):
    """kind -> the partner directory filtered to `ics`, that kind and the page's day."""
    base = reverse("partners:directory")
    day = {} if as_at.is_today else {"as_at": as_at.day.isoformat()}
    return lambda kind: f"{base}?{urlencode({'ics': ics.slug, 'kind': kind, **day})}"


def ics_detail(request, slug):
    as_at = as_at_for(request)
    kind_counts = Partnership.objects.as_at(as_at.day).filter(ics__slug=slug).kind_counts()
    counted = partner_presenters.counted_kinds(kind_counts)
    ics = get_object_or_404(selectors.ics_page(as_at.day, counted_kinds=list(counted)), slug=slug)
    stages = list(ics.stages.all())
    return render(
        request,
        "site/ics_detail.html",
        {
            "as_at": as_at,
            "ics": ics,
            "stage": place_presenters.stage_on(stages, as_at.day),
            "timeline": place_presenters.timeline(stages, as_at.day),
            "partner_groups": partner_presenters.partners_by_kind(
                ics.partnerships_then, counted, directory_url=partner_directory_url(ics, as_at), day=as_at.day
            ),
            "diagram": structure_diagram(ics.boards_then),
            "breadcrumbs": [("Home", reverse("site:home") + as_at.query)],
        },
    )


def place_detail(request, ics_slug, slug):
    as_at = as_at_for(request)
    place = get_object_or_404(selectors.place_page(as_at.day), ics__slug=ics_slug, slug=slug)
    return render(
        request,
        "site/place_detail.html",
        {
            "as_at": as_at,
            "place": place,
            "in_force": place.is_current_on(as_at.day),
            "partner_groups": partner_presenters.partners_by_kind(place.partnerships_then, day=as_at.day),
            "breadcrumbs": [
                ("Home", reverse("site:home") + as_at.query),
                (place.ics.short_name, place.ics.get_absolute_url() + as_at.query),
            ],
        },
    )


def organisation_detail(request, slug):
    as_at = as_at_for(request)
    organisation = get_object_or_404(selectors.organisation_page(), slug=slug)
    partnerships, past_partnerships = split_by_day(organisation.partnerships.all(), as_at.day)
    seats, past_seats = split_by_day(organisation.board_memberships.all(), as_at.day)
    return render(
        request,
        "site/organisation_detail.html",
        {
            "as_at": as_at,
            "organisation": organisation,
            "operating": organisation.is_current_on(as_at.day),
            "name_then": organisation.name_on(as_at.day),
            "other_names": organisation.other_names(as_at.day),
            "partnerships": partnerships,
            "past_partnerships": past_partnerships,
            "seats": seats,
            "past_seats": past_seats,
            "breadcrumbs": [
                ("Home", reverse("site:home") + as_at.query),
                ("Partner directory", reverse("partners:directory") + as_at.query),
            ],
        },
    )


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


@require_safe
def search_page(request):
    """Search results grouped by kind, with a count for each; one query per kind."""
    return render(request, "site/search_results.html", _search_context(request))


@require_safe
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


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /staff/",
        f"Sitemap: {request.build_absolute_uri(reverse('site:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
