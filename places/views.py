"""Public pages for the ICSs and their places."""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode

from governance.presenters import structure_diagram
from ics_portal.core.as_at import as_at_for
from partners.models import Partnership
from places import presenters
from places.models import IntegratedCareSystem, Place


def home(request):
    as_at = as_at_for(request)
    systems = IntegratedCareSystem.objects.for_home()
    regions = presenters.systems_by_region(systems, as_at.day)
    return render(request, "places/home.html", {"as_at": as_at, "regions": regions})


def partner_directory_url(ics, as_at):
    """kind -> the partner directory filtered to `ics`, that kind and the page's day."""
    base = reverse("partners:directory")
    day = {} if as_at.is_today else {"as_at": as_at.day.isoformat()}
    return lambda kind: f"{base}?{urlencode({'ics': ics.slug, 'kind': kind, **day})}"


def ics_detail(request, slug):
    as_at = as_at_for(request)
    counted = presenters.counted_kinds(Partnership.objects.as_at(as_at.day).filter(ics__slug=slug).kind_counts())
    ics = get_object_or_404(IntegratedCareSystem.objects.for_detail(as_at.day, counted_kinds=list(counted)), slug=slug)
    stages = list(ics.stages.all())
    return render(
        request,
        "places/ics_detail.html",
        {
            "as_at": as_at,
            "ics": ics,
            "stage": presenters.stage_on(stages, as_at.day),
            "timeline": presenters.timeline(stages, as_at.day),
            "partner_groups": presenters.partners_by_kind(
                ics.partnerships_then, counted, directory_url=partner_directory_url(ics, as_at)
            ),
            "diagram": structure_diagram(ics.boards_then),
            "breadcrumbs": [("Home", reverse("places:home") + as_at.query)],
        },
    )


def place_detail(request, ics_slug, slug):
    as_at = as_at_for(request)
    place = get_object_or_404(Place.objects.for_detail(as_at.day), ics__slug=ics_slug, slug=slug)
    return render(
        request,
        "places/place_detail.html",
        {
            "as_at": as_at,
            "place": place,
            "in_force": place.is_current_on(as_at.day),
            "partner_groups": presenters.partners_by_kind(place.partnerships_then),
            "breadcrumbs": [
                ("Home", reverse("places:home") + as_at.query),
                (place.ics.short_name, place.ics.get_absolute_url() + as_at.query),
            ],
        },
    )
