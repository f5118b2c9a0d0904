"""Reads for the pages that draw on several apps: one queryset per page, shaped to what it shows.

Each app's models know only the apps below them (governance → partners → places), so
a page that gathers an ICS's partners, boards and MoUs is put together here, above them all.
"""

from django.db.models import Prefetch

from governance.models import Board, BoardMembership, MoU, MoUSignatory, Programme
from partners.models import Organisation, Partnership, names_prefetch
from places.models import IcsStage, IntegratedCareSystem, Place


def ics_page(day, counted_kinds=()):
    """The ICS page as at `day`: stages, places, partners, boards, programmes and published MoUs.

    Partners of `counted_kinds` (which the page shows as a count, not a list) are not loaded.
    """
    return IntegratedCareSystem.objects.prefetch_related(
        Prefetch("stages", queryset=IcsStage.objects.order_by("start_date")),
        Prefetch("places", queryset=Place.objects.as_at(day).order_by("name"), to_attr="places_then"),
        Prefetch(
            "partnerships",
            queryset=Partnership.objects.as_at(day)
            .exclude(organisation__kind__in=counted_kinds)
            .select_related("organisation", "place")
            .prefetch_related("organisation__names")
            .order_by("organisation__name", "place__name"),
            to_attr="partnerships_then",
        ),
        Prefetch(
            "boards",
            queryset=Board.objects.as_at(day).select_related("place").order_by("name"),
            to_attr="boards_then",
        ),
        Prefetch(
            "programmes",
            queryset=Programme.objects.as_at(day).select_related("lead_organisation").order_by("name"),
            to_attr="programmes_then",
        ),
        Prefetch(
            "mous",
            queryset=MoU.objects.published().started_by(day).select_related("place").order_by("-start_date", "title"),
            to_attr="mous_then",
        ),
    )


def place_page(day):
    """The place page as at `day`: its ICS, partners, boards and published MoUs."""
    return Place.objects.select_related("ics").prefetch_related(
        Prefetch(
            "partnerships",
            queryset=Partnership.objects.as_at(day)
            .select_related("organisation")
            .prefetch_related("organisation__names")
            .order_by("organisation__name"),
            to_attr="partnerships_then",
        ),
        Prefetch(
            "boards",
            queryset=Board.objects.as_at(day).select_related("reports_to").order_by("name"),
            to_attr="boards_then",
        ),
        Prefetch(
            "mous",
            queryset=MoU.objects.published().started_by(day).order_by("-start_date", "title"),
            to_attr="mous_then",
        ),
    )


def organisation_page():
    """The organisation page: every partnership, board seat, MoU signature and programme, current and past."""
    return Organisation.objects.select_related("successor").prefetch_related(
        names_prefetch(),
        Prefetch("predecessors", queryset=Organisation.objects.order_by("name")),
        Prefetch(
            "partnerships",
            queryset=Partnership.objects.select_related("ics", "place").order_by("-start_date", "ics__short_name"),
        ),
        Prefetch(
            "board_memberships",
            queryset=BoardMembership.objects.select_related("board__ics", "board__place", "person").order_by(
                "-start_date", "board__name"
            ),
        ),
        Prefetch(
            "mou_signatures",
            queryset=MoUSignatory.objects.filter(mou__published_at__isnull=False)
            .select_related("mou__ics")
            .order_by("-mou__start_date"),
        ),
        Prefetch("led_programmes", queryset=Programme.objects.select_related("ics").order_by("name")),
    )
