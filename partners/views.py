"""The partner directory and its CSV. An organisation's own page draws on every app: it lives in ics_portal/site."""

from django.core.paginator import Paginator
from django.core.validators import slug_re
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Lower
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from ics_portal.core.as_at import as_at_for
from ics_portal.core.csv_export import csv_response
from partners import presenters
from partners.filters import OrganisationFilter
from partners.models import Organisation, OrganisationName, Partnership
from places.models import IntegratedCareSystem, Place, PlaceMembership

PAGE_SIZE = 25
ICS_SLUG_LENGTH = IntegratedCareSystem._meta.get_field("slug").max_length
SHOWN_FILTERS = ("q", "ics", "place", "kind", "sector")


def directory_filterset(request, as_at):
    """The directory's FilterSet on the page's day (a bad `as_at` falls back to today; the banner says so).

    A place is one row whichever ICSs it belonged to (slugs unique across England, docs/adr/0007); the
    place list holds the places of that day, each with the ICS it was in that day (a subquery, so no
    query more), narrowed to the chosen ICS when there is one. The ICS is read raw here, before
    the form checks it: a value not shaped like a slug matches no ICS, so no place (and the form says
    why), without asking the database.
    """
    data = request.GET.copy()
    data["as_at"] = as_at.day.isoformat()
    filterset = OrganisationFilter(data, queryset=Organisation.objects.for_directory(as_at.day), request=request)
    # Ordered by date alone: the memberships' default order (by place name) joined every place again, per place.
    ics_then = (
        PlaceMembership.objects.as_at(as_at.day)
        .filter(place=OuterRef("pk"))
        .order_by("start_date")
        .values("ics__short_name")
    )
    places = Place.objects.as_at(as_at.day).order_by(Lower("name")).annotate(ics_then=Subquery(ics_then[:1]))
    ics = data.get("ics", "")
    if ics:
        is_slug = len(ics) <= ICS_SLUG_LENGTH and slug_re.match(ics)
        in_ics = PlaceMembership.objects.as_at(as_at.day).filter(ics__slug=ics).values("place")
        places = places.filter(pk__in=in_ics) if is_slug else places.none()
    place_field = filterset.form.fields["place"]
    place_field.queryset = places
    return filterset


def place_label(name, ics_then):
    """'Bassetlaw (South Yorkshire)': the place and the ICS it was in on the page's day."""
    return f"{name} ({ics_then})" if ics_then else name


def filter_fields(form):
    """(bound field, choices or None) for each filter the page shows; each choice list is read once."""
    choices = {
        "ics": [(ics.slug, ics.short_name) for ics in form.fields["ics"].queryset.order_by(Lower("short_name"))],
        # As tuples: the national list has ~220 places, and a model instance each (every column) costs more.
        "place": [
            (slug, place_label(name, then))
            for slug, name, then in form.fields["place"].queryset.values_list("slug", "name", "ics_then")
        ],
        "kind": [c for c in form.fields["kind"].choices if c[0]],
        "sector": [c for c in form.fields["sector"].choices if c[0]],
    }
    return [(form[name], choices.get(name)) for name in SHOWN_FILTERS]


def applied_filters(fields):
    """(label, what was chosen) for each filter in use and valid: a phone shows them above the results, the form
    being below them."""
    return [
        (field.label, dict(choices).get(field.value(), field.value()) if choices else field.value())
        for field, choices in fields
        if field.value() and not field.errors
    ]


def directory(request):
    as_at = as_at_for(request)
    filterset = directory_filterset(request, as_at)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    form = filterset.form
    fields = filter_fields(form)
    return render(
        request,
        "partners/organisation_list.html",
        {
            "as_at": as_at,
            "form": form,
            "fields": fields,
            "applied": applied_filters(fields),
            "page": page,
            "rows": presenters.directory_rows(page.object_list, as_at.day),
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "keep": [(key, value) for key, value in request.GET.items() if key in SHOWN_FILTERS and value],
            "filtered": any(request.GET.get(name) for name in SHOWN_FILTERS),
            "breadcrumbs": [("Home", reverse("site:home") + as_at.query)],
        },
    )


@require_safe
def directory_csv(request):
    """The partner directory as CSV: the page's FilterSet, day and order, every page of it, a row per partnership
    (only those with the ICS and at the place filtered to, when one is). Named for what was filtered and the day.

    A filter the page would refuse (an unknown ICS) is a 400 saying why. Four queries (the ICS's or the place's
    lookup, organisations, partnerships, names on the day; five with both an ICS and a place), read as tuples: no
    model instances.
    """
    as_at = as_at_for(request)
    filterset = directory_filterset(request, as_at)
    if not filterset.is_valid():  # the page says what is wrong; a CSV of everything would hide it
        return HttpResponseBadRequest(form_errors_text(filterset.form), content_type="text/plain; charset=utf-8")
    organisations = filterset.qs
    chosen = filterset.form.cleaned_data
    rows = presenters.directory_csv_rows(
        organisations.for_directory_csv(),
        Partnership.objects.for_directory_csv(
            as_at.day, organisations, ics=chosen.get("ics"), place=chosen.get("place")
        ),
        OrganisationName.objects.for_directory_csv(as_at.day, organisations),
    )
    return csv_response(directory_csv_name(chosen, as_at.day), presenters.PARTNER_CSV_COLUMNS, rows)


def form_errors_text(form) -> str:
    """'ICS: Select a valid choice. …', a line for each filter the form refused."""
    return "".join(
        f"{form[name].label if name in form.fields else 'Filters'}: {' '.join(errors)}\n"
        for name, errors in form.errors.items()
    )


def directory_csv_name(chosen, day) -> str:
    """'partners-leeds-2026-11-30': the place (else the ICS), kind and sector filtered to, and the day."""
    area = chosen.get("place") or chosen.get("ics")
    parts = [area.slug if area else "", chosen.get("kind", ""), chosen.get("sector", ""), day.isoformat()]
    return "-".join(["partners", *(part.replace("_", "-") for part in parts if part)])
