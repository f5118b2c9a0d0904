"""Downloads of the ICS list. The ICS and place pages draw on every app: they live in ics_portal/site."""

from django.views.decorators.http import require_safe

from ics_portal.core.as_at import as_at_for
from ics_portal.core.csv_export import csv_response
from places import presenters
from places.models import IntegratedCareSystem

ICS_CSV_HEADER = (
    "NHS England region",
    "Integrated care system",
    "Full name",
    "ICB ODS code",
    "Stage",
    "Population",
    "Link",
)


@require_safe
def ics_csv(request):
    """The home page's list of ICSs by region, with each one's stage on the as-at day, as CSV. Two queries."""
    as_at = as_at_for(request)
    regions = presenters.systems_by_region(IntegratedCareSystem.objects.for_home(), as_at.day)
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
