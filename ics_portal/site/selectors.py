"""Reads for the pages that draw on several apps: one queryset per page, shaped to what it shows.

Each app's models know only the apps below them (governance → partners → places), so
a page that gathers an ICS's partners, boards and MoUs is put together here, above them all.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.db.models.functions import Lower

from governance.models import Board, BoardMembership, LeadershipPost, MoU, MoUSignatory, Programme
from ics_portal.core.compiled import compiled
from partners.models import (
    NAMES_ORDER,
    Organisation,
    OrganisationName,
    Partnership,
    names_prefetch,
    succession_prefetches,
    with_names,
)
from places.models import (
    Cluster,
    ClusterMembership,
    IcsStage,
    IcsSuccession,
    IntegratedCareSystem,
    MapOutline,
    Place,
    PlaceMembership,
    PlannedChange,
)


def _clusters_on(day):
    """Cluster memberships whose cluster was in place on `day`."""
    in_place = Cluster.objects.as_at(day)
    return ClusterMembership.objects.filter(cluster__in=in_place).select_related("cluster")


def _plans():
    return PlannedChange.objects.order_by(Lower("title")).prefetch_related(
        Prefetch("icss", queryset=IntegratedCareSystem.objects.order_by(Lower("short_name")))
    )


@dataclass
class HomePage:
    systems: list
    successions: list
    clusters_formed: list
    plans: list
    outlines: list


def home_page(day: datetime.date, since: datetime.date) -> HomePage:
    """The home page as at `day`: the ICSs then (stages, cluster), what changed from `since`, plans, the map.

    Eight queries whatever the number of rows (tests/query_pins.py): systems, their stages, their clusters on
    the day, successions, clusters formed, plans, the plans' ICSs, and the map's outlines (stored paths, so no
    geometry is computed here).
    """
    systems = (
        IntegratedCareSystem.objects.as_at(day)
        .for_home()
        .prefetch_related(Prefetch("cluster_memberships", queryset=_clusters_on(day), to_attr="clusters_then"))
    )
    successions = IcsSuccession.objects.filter(date__range=(since, day)).select_related("predecessor", "successor")
    formed = ClusterMembership.objects.filter(cluster__start_date__range=(since, day)).select_related("cluster", "ics")
    known_plans = _plans().filter(Q(source_date__isnull=True) | Q(source_date__lte=day))
    outlines = map_outlines(day)
    return HomePage(
        systems=list(systems),
        successions=list(successions),
        clusters_formed=list(formed),
        plans=list(known_plans),
        outlines=list(outlines),
    )


def ics_at(slug):
    """The ICS whose address is `slug`, or None: one query."""
    return next(iter(_ics_by_slug(slug)), None)


@compiled
def _ics_by_slug(slug: str):
    return IntegratedCareSystem.objects.filter(slug=slug)


@dataclass
class IcsPage:
    stages: list
    cluster_memberships: list
    plans: list
    places: list
    partnerships: list
    boards: list
    programmes: list
    mous: list


def ics_page(ics, day, counted_kinds=()) -> IcsPage:
    """What the ICS page shows of `ics` as at `day`: stages, clusters, plans, places, partners, boards, programmes
    and published MoUs. A query a list, and one each for the partners' former names, the other ICSs of its
    clusters and the ICSs of its plans (each only when there are rows to read them for). Partners of
    `counted_kinds` (which the page shows as a count, not a list) are not loaded.

    Each list is read directly: prefetched onto the ICS, the same queries cost ~4 ms more CPU (33.2 against
    28.7 ms, interleaved in-process). Each is compiled once (ADR 16).
    """
    return IcsPage(
        stages=list(_stages(ics.pk)),
        cluster_memberships=list(_cluster_memberships(ics.pk)),
        plans=list(_ics_plans(ics.pk)),
        places=list(_places(ics.pk, day)),
        partnerships=_partnerships_with_names(ics.pk, day, tuple(counted_kinds)),
        boards=list(_boards(ics.pk, day)),
        programmes=list(_programmes(ics.pk, day)),
        mous=list(_mous(ics.pk, day)),
    )


@compiled
def _stages(ics_id: int):
    return IcsStage.objects.filter(ics=ics_id).order_by("start_date")


@compiled
def _cluster_memberships(ics_id: int):
    return (
        ClusterMembership.objects.filter(ics=ics_id)
        .select_related("cluster")
        .prefetch_related(Prefetch("cluster__memberships", queryset=ClusterMembership.objects.select_related("ics")))
    )


@compiled
def _ics_plans(ics_id: int):
    return _plans().filter(icss=ics_id)


@compiled
def _places(ics_id: int, day: datetime.date):
    return PlaceMembership.objects.for_page(day).filter(ics=ics_id)


def _partnerships_with_names(ics_id, day, counted_kinds):
    partnerships = list(_partnerships(ics_id, day, counted_kinds))
    if partnerships:
        with_names([p.organisation for p in partnerships], _partner_names(ics_id, day, counted_kinds))
    return partnerships


def _partnerships_on(ics_id, day, counted_kinds):
    return Partnership.objects.as_at(day).filter(ics=ics_id).exclude(organisation__kind__in=counted_kinds)


@compiled
def _partnerships(ics_id: int, day: datetime.date, counted_kinds: tuple[str, ...]):
    return (
        _partnerships_on(ics_id, day, counted_kinds)
        .select_related("organisation", "place")
        .order_by(Lower("organisation__name"), Lower("place__name"))
    )


@compiled
def _partner_names(ics_id: int, day: datetime.date, counted_kinds: tuple[str, ...]):
    """The names of `_partnerships`' organisations: as `names_prefetch()` reads them, without its ~0.9 ms of CPU."""
    organisations = _partnerships_on(ics_id, day, counted_kinds).values("organisation")
    return OrganisationName.objects.filter(organisation__in=organisations).order_by(*NAMES_ORDER)


@compiled
def _boards(ics_id: int, day: datetime.date):
    return Board.objects.as_at(day).filter(ics=ics_id).for_diagram().order_by(Lower("name"))


@compiled
def _programmes(ics_id: int, day: datetime.date):
    return Programme.objects.as_at(day).filter(ics=ics_id).select_related("lead_organisation").order_by(Lower("name"))


@compiled
def _mous(ics_id: int, day: datetime.date):
    return MoU.objects.published().started_by(day).filter(ics=ics_id).order_by("-start_date", Lower("title"))


def ics_successions(ics):
    """Every succession with `ics` on either side, with both ICSs, and in `moved_places` the places that moved, by
    name: one query, and one for the places if there are any successions."""
    successions = list(_successions(ics.pk))
    moved = defaultdict(list)
    for row in _moved_places(ics.pk) if successions else ():
        moved[row.icssuccession_id].append(row.place)
    for succession in successions:
        succession.moved_places = moved[succession.pk]
    return successions


@compiled
def _successions(ics_id: int):
    return (
        IcsSuccession.objects.filter(Q(predecessor=ics_id) | Q(successor=ics_id))
        .select_related("predecessor", "successor")
        .order_by("date", "pk")
    )


@compiled
def _moved_places(ics_id: int):
    """`_successions`' places: read so, not prefetched, as a prefetch costs ~0.8 ms of CPU for a few rows."""
    return (
        IcsSuccession.places.through.objects.filter(
            Q(icssuccession__predecessor=ics_id) | Q(icssuccession__successor=ics_id)
        )
        .select_related("place")
        .order_by(Lower("place__name"), "place")
    )


def ics_posts(ics):
    """The leadership posts of `ics`'s ICB and of every cluster it was in: one query."""
    return list(_posts(ics.pk))


@compiled
def _posts(ics_id: int):
    clusters = ClusterMembership.objects.filter(ics=ics_id).values("cluster")
    return LeadershipPost.objects.filter(Q(ics=ics_id) | Q(cluster__in=clusters)).select_related("person", "cluster")


@compiled
def partner_kind_counts(ics_id: int, day: datetime.date):
    """`PartnershipQuerySet.kind_counts()` of an ICS's partnerships on `day`: one query."""
    return Partnership.objects.as_at(day).filter(ics=ics_id).kind_counts()


def predecessor_partners(predecessor_ids, day):
    """Partnerships of the given ICSs on `day` (the day before a new ICS began), by ICS then name: one query."""
    return list(
        Partnership.objects.as_at(day)
        .filter(ics__in=predecessor_ids)
        .select_related("organisation", "ics")
        .order_by(Lower("ics__short_name"), Lower("organisation__name"))
    )


def place_page(day):
    """The place page as at `day`: the ICSs it belonged to, its partners, boards and published MoUs."""
    return Place.objects.prefetch_related(
        Prefetch("memberships", queryset=PlaceMembership.objects.select_related("ics").order_by("start_date")),
        Prefetch(
            "partnerships",
            queryset=Partnership.objects.as_at(day)
            .select_related("organisation")
            .prefetch_related(names_prefetch("organisation__names"))
            .order_by(Lower("organisation__name")),
            to_attr="partnerships_then",
        ),
        Prefetch(
            "boards",
            queryset=Board.objects.as_at(day).select_related("reports_to").order_by(Lower("name")),
            to_attr="boards_then",
        ),
        Prefetch(
            "mous",
            queryset=MoU.objects.published().started_by(day).order_by("-start_date", Lower("title")),
            to_attr="mous_then",
        ),
    )


def organisation_page():
    """The organisation page: every partnership, board seat, MoU signature and programme, current and past."""
    return Organisation.objects.select_related("successor").prefetch_related(
        names_prefetch(),
        Prefetch("predecessors", queryset=Organisation.objects.order_by(Lower("name"))),
        *succession_prefetches(),
        Prefetch(
            "partnerships",
            queryset=Partnership.objects.select_related("ics", "place").order_by(
                "-start_date", Lower("ics__short_name")
            ),
        ),
        Prefetch(
            "board_memberships",
            queryset=BoardMembership.objects.select_related("board__ics", "board__place", "person").order_by(
                "-start_date", Lower("board__name")
            ),
        ),
        Prefetch(
            "mou_signatures",
            queryset=MoUSignatory.objects.filter(mou__published_at__isnull=False)
            .select_related("mou__ics")
            .order_by("-mou__start_date"),
        ),
        Prefetch("led_programmes", queryset=Programme.objects.select_related("ics").order_by(Lower("name"))),
    )


@compiled
def map_outlines(day: datetime.date):
    """The map's stored outlines in force on `day`, with their ICSs: one query, no geometry."""
    return MapOutline.objects.as_at(day).select_related("ics")
