"""Which URLs bench/run measures: one of each page type and every API list, on whatever data is loaded.

Each detail page is taken at its largest (the ICS with most partners, the board with most
members, ...), chosen by the same rule on the demo and on the national data set, so their
query counts can be compared.
"""

from django.db.models import Count
from django.urls import NoReverseMatch, reverse

from governance.models import Board, Meeting, MoU, Person
from partners.models import Organisation
from places.models import IntegratedCareSystem, Place

PARTNER_LIST_JSON = "api partner list (100, JSON)"
PARTNER_LIST_CSV = "api partner list (100, CSV)"
FLOOR = "floor: 100 partners from .values()"


def api_lists():
    """(prefix, URL name, query) of every list endpoint the API router has (the partner list is measured separately,
    at 100 rows). A list of dated records asks for every row (`include=all`), as every list answered before lists
    became today's by default, so the figures stay comparable and both scales have rows to show."""
    from ics_portal.api.filtering import INCLUDE, INCLUDE_ALL, is_dated
    from ics_portal.site.api_urls import router

    return [
        (prefix, f"api:{basename}-list", f"{INCLUDE}={INCLUDE_ALL}" if is_dated(viewset.filterset_class) else "")
        for prefix, viewset, basename in router.registry
        if basename != "organisation"
    ]


def _biggest(queryset, relation):
    return queryset.annotate(n=Count(relation)).order_by("-n", "pk").first()


def _url(name, *, query="", **kwargs):
    try:
        return reverse(name, kwargs=kwargs or None) + (f"?{query}" if query else "")
    except NoReverseMatch:
        return None


def pick() -> list[tuple[str, str, str]]:
    """(name, "page" | "api" | "floor", path) for everything measured, in order."""
    ics = _biggest(IntegratedCareSystem.objects.all(), "partnerships")
    place = _biggest(Place.objects.filter(memberships__ics=ics), "partnerships")
    organisation = _biggest(
        Organisation.objects.filter(kind__in=["nhs_trust", "foundation_trust"]), "board_memberships"
    )
    board = _biggest(Board.objects.filter(ics=ics), "memberships")
    meeting = _biggest(Meeting.objects.filter(minutes_published_at__isnull=False), "agenda_items") or _biggest(
        Meeting.objects.all(), "agenda_items"
    )
    mou = _biggest(MoU.objects.published(), "signatories")
    person = _biggest(Person.objects.all(), "memberships")

    found = [
        ("home", "page", _url("site:home")),
        ("ics detail", "page", ics and _url("site:ics_detail", slug=ics.slug)),
        ("place detail", "page", place and _url("site:place_detail", slug=place.slug)),
        ("partner directory", "page", _url("partners:directory")),
        ("partner directory, one ics", "page", ics and _url("partners:directory", query=f"ics={ics.slug}")),
        ("organisation detail", "page", organisation and _url("site:organisation_detail", slug=organisation.slug)),
        ("board detail", "page", board and _url("governance:board_detail", slug=board.slug)),
        (
            "meeting detail",
            "page",
            meeting and _url("governance:meeting_detail", board_slug=meeting.board.slug, slug=meeting.slug),
        ),
        ("mou detail", "page", mou and _url("governance:mou_detail", slug=mou.slug)),
        ("person detail", "page", person and _url("governance:person_detail", slug=person.slug)),
        ("search", "page", _url("site:search", query="q=cancer")),
        ("partner directory CSV, one ics", "page", ics and _url("partners:directory_csv", query=f"ics={ics.slug}")),
        (PARTNER_LIST_JSON, "api", _url("api:organisation-list", query="page_size=100")),
        (PARTNER_LIST_CSV, "api", _url("api:organisation-list", query="page_size=100&format=csv")),
        (
            "api partners of one ics (trusts)",
            "api",
            ics and _url("api:organisation-list", query=f"ics={ics.slug}&kind=nhs_trust"),
        ),
        ("api ics partner list", "api", ics and _url("api:ics-partners", slug=ics.slug)),
        *((f"api {prefix}", "api", _url(name, query=query)) for prefix, name, query in api_lists()),
        (FLOOR, "floor", _url("bench_floor")),
    ]
    return [(name, kind, url) for name, kind, url in found if url]
