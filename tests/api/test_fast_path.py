"""The API's fast serializer path (RowRepresentation) writes what DRF's own path writes, byte for byte.

Every serializer an API view uses is found through the URL conf, so a new endpoint is
compared without being listed here. Each one serializes the same representative rows
(nulls, dates, datetimes in summer and winter, choices, nested rows, slugs no URL
pattern takes) twice: as the API does, and with RowRepresentation's overrides of DRF's
methods taken away, which leaves DRF's `ModelSerializer.get_fields()` and
`Serializer.to_representation()`. The two must render to the same JSON bytes.
"""

import datetime
import itertools
import json
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, URLResolver, get_resolver, get_script_prefix, set_script_prefix
from django.utils import timezone
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.reverse import reverse as drf_reverse
from rest_framework.test import APIRequestFactory

from governance.models import Board, BoardMembership, Meeting, MoU
from ics_portal.api.serializers import RowRepresentation
from partners.models import Organisation, OrganisationSuccession, Partnership
from places.models import Cluster, ClusterMembership, IcsStage, IcsSuccession, IntegratedCareSystem
from tests import factories as f

LONDON = ZoneInfo("Europe/London")


def _api_views() -> list[type[GenericAPIView]]:
    """Every view class in the URL conf that reads records through a serializer."""
    found = {}

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
                continue
            view = getattr(pattern.callback, "cls", None)
            if (
                isinstance(view, type)
                and issubclass(view, GenericAPIView)
                and isinstance(view.serializer_class, type)
                and issubclass(view.serializer_class, serializers.ModelSerializer)
                and view.queryset is not None
            ):
                found.setdefault(view.serializer_class, view)

    walk(get_resolver().url_patterns)
    return sorted(found.values(), key=lambda view: view.serializer_class.__name__)


API_VIEWS = _api_views()


def _nested(serializer_class) -> set[type]:
    """The serializer classes inside `serializer_class`'s fields (an ICS's stages, a meeting's agenda)."""
    inside = set()
    for field in serializer_class().fields.values():
        child = getattr(field, "child", field)
        if isinstance(child, serializers.BaseSerializer):
            inside |= {type(child)} | _nested(type(child))
    return inside


def _subclasses(cls) -> set[type]:
    return {sub for direct in cls.__subclasses__() for sub in {direct} | _subclasses(direct)}


def test_every_fast_serializer_is_compared():
    assert len(API_VIEWS) >= 12, [view.__name__ for view in API_VIEWS]
    compared = set()
    for view in API_VIEWS:
        compared |= {view.serializer_class} | _nested(view.serializer_class)
    fast = {
        cls
        for cls in _subclasses(RowRepresentation)
        if hasattr(cls, "Meta") and not cls.__module__.startswith("tests.")
    }
    assert fast - compared == set(), "serializers with the fast path that no API view reaches"


@contextmanager
def drf_path():
    """While inside, every serializer runs DRF's own methods: RowRepresentation's overrides are taken away."""
    overrides = [
        name for name in vars(RowRepresentation) if not name.startswith("__") and hasattr(serializers.Serializer, name)
    ]
    assert "to_representation" in overrides and "get_fields" in overrides
    with pytest.MonkeyPatch.context() as patch:
        for name in overrides:
            patch.delattr(RowRepresentation, name)
        for view in API_VIEWS:
            assert view.serializer_class.get_fields is serializers.ModelSerializer.get_fields
        yield


def representative_rows():
    """Rows of every kind with the values that take different paths: nulls, odd slugs, both time zones."""
    summer = datetime.datetime(2024, 6, 3, 9, 30, 15, 123456, tzinfo=LONDON)
    winter = datetime.datetime(2024, 1, 15, 18, 0, tzinfo=datetime.UTC)
    ics = f.IntegratedCareSystemFactory(
        slug="west-yorkshire",
        population=2_400_000,
        annual_budget=5_123_456_789,
        gss_code="E54000054",
        source_date=datetime.date(2026, 4, 1),
        website="https://www.wypartnership.co.uk/",
        description='Quotes ", a backslash \\, a tab\t, ünïcödé, 🏥, <b>tags</b> & a\nnew line.',
    )
    odd_ics = f.IntegratedCareSystemFactory(
        slug="ünïcode.ics", icb_ods_code=None, population=None, annual_budget=None, website="", description=""
    )
    f.IcsStageFactory(
        ics=ics,
        stage=IcsStage.Stage.STP,
        name_then="West Yorkshire and Harrogate",
        gss_code_then="E54000005",
        start_date=datetime.date(2016, 4, 1),
        end_date=datetime.date(2020, 3, 31),
        note="Renamed in 2020.",
    )
    f.IcsStageFactory(ics=ics)
    f.IcsStageFactory(ics=odd_ics, start_date=None)
    f.IntegratedCareSystemFactory(slug="no-stages-yet", gss_code="")
    # An ICS abolished into West Yorkshire: a life with both ends, successions both ways, a cluster.
    abolished = f.IntegratedCareSystemFactory(
        slug="abolished.ics", start_date=datetime.date(2022, 7, 1), end_date=datetime.date(2026, 3, 31)
    )
    IcsSuccession.objects.create(
        predecessor=abolished,
        successor=ics,
        kind=IcsSuccession.Kind.MERGER,
        date=datetime.date(2026, 4, 1),
        note="Whole area.",
        source_date=datetime.date(2026, 4, 1),
    )
    cluster = Cluster.objects.create(
        slug="west-and-abolished",
        name="West and Abolished",
        start_date=datetime.date(2025, 4, 1),
        end_date=datetime.date(2026, 3, 31),
        start_from_source=True,
        source_date=datetime.date(2025, 4, 1),
        note="Shared a chair.",
    )
    ClusterMembership.objects.create(cluster=cluster, ics=ics)
    ClusterMembership.objects.create(cluster=cluster, ics=abolished)
    Cluster.objects.create(slug="cluster.no.members", name="Cluster with no members yet", start_date=None)

    leeds = f.PlaceFactory(
        ics=ics,
        slug="leeds",
        ods_code="15F",
        population=812_000,
        districts="Leeds",
        place_lead="A Lead",
        start_date=datetime.date(2022, 7, 1),
        source_date=datetime.date(2024, 1, 1),
    )
    odd_place = f.PlaceFactory(ics=odd_ics, slug="with space", population=None, end_date=datetime.date(2030, 1, 1))
    f.PlaceFactory(ics=None, slug="in-no-ics-yet", ods_code="", population=None)

    trust = f.OrganisationFactory(
        slug="leeds-teaching-hospitals",
        website="https://www.leedsth.nhs.uk/",
        start_date=datetime.date(1998, 4, 1),
    )
    ccg = f.OrganisationFactory(
        slug="nhs-leeds-ccg",
        kind=Organisation.Kind.CCG,
        ods_code="15F",
        start_date=datetime.date(2018, 4, 1),
        end_date=datetime.date(2022, 6, 30),
        successor=trust,
    )
    council = f.OrganisationFactory(
        slug="per%cent_and.dot",
        kind=Organisation.Kind.LOCAL_AUTHORITY,
        sector=Organisation.Sector.LOCAL_GOVERNMENT,
        ods_code=None,
        start_date=timezone.localdate() + datetime.timedelta(days=30),  # not active yet
    )
    unicode_org = f.OrganisationFactory(slug="ørganisation", kind=Organisation.Kind.HEALTHWATCH, ods_code=None)
    OrganisationSuccession.objects.create(
        predecessor=ccg, successor=trust, date=datetime.date(2022, 7, 1), source="ODS succ.csv of 1 July 2022"
    )
    f.OrganisationNameFactory(organisation=council, name="Old name", end_date=datetime.date(2023, 3, 31))
    f.OrganisationNameFactory(organisation=council, start_date=datetime.date(2023, 4, 1), source="")

    f.PartnershipFactory(organisation=trust, ics=ics, source="Constitution, 2022", end_date=None)
    f.PartnershipFactory(
        organisation=ccg,
        ics=ics,
        place=leeds,
        role=Partnership.Role.STP_MEMBER,
        start_date=datetime.date(2018, 4, 1),
        end_date=datetime.date(2022, 6, 30),
    )
    f.PartnershipFactory(organisation=council, ics=odd_ics, place=odd_place, role=Partnership.Role.ASSOCIATE)
    f.PartnershipFactory(organisation=unicode_org, ics=odd_ics, start_date=None)

    board = f.BoardFactory(
        ics=ics,
        slug="wy-icb-board",
        kind=Board.Kind.ICB_BOARD,
        is_statutory=True,
        terms_of_reference="Meets monthly.",
        start_date=datetime.date(2022, 7, 1),
        quorum=5,
    )
    committee = f.BoardFactory(
        ics=ics,
        place=leeds,
        slug="leeds-committee",
        reports_to=board,
        meets_in_public=False,
        end_date=datetime.date(2025, 3, 31),
        quorum=None,
        quorum_rule="Half the voting members.",
    )
    odd_board = f.BoardFactory(ics=odd_ics, place=odd_place, slug="board.with.dots", kind=Board.Kind.HWB)

    chair = f.PersonFactory(slug="cathy-elliott", title="Chair")
    nobody = f.PersonFactory(slug="josé-garcía", title="")
    f.BoardMembershipFactory(board=board, person=chair, organisation=trust, role=BoardMembership.Role.CHAIR)
    committee_seat = f.BoardMembershipFactory(
        board=committee,
        person=nobody,
        organisation=None,
        role=BoardMembership.Role.OBSERVER,
        is_voting=False,
        end_date=datetime.date(2024, 3, 31),
    )
    f.BoardMembershipFactory(board=odd_board, person=chair, organisation=council, start_date=None)

    draft = f.MeetingFactory(
        board=board, starts_at=summer, slug="2024-06-03", status=Meeting.Status.SCHEDULED, location=""
    )
    published = f.MeetingFactory(
        board=committee, starts_at=winter, slug="2024-01-15", is_public=False, minutes_published_at=winter
    )
    odd_meeting = f.MeetingFactory(board=odd_board, starts_at=summer, slug="a.b", minutes_published_at=summer)
    f.AgendaItemFactory(meeting=draft, number="1", position=1, minutes="Draft minutes.", resolutions="A\nB")
    f.AgendaItemFactory(meeting=draft, number="2a", position=2, summary="Papers to note.")
    f.AgendaItemFactory(
        meeting=published,
        number="1",
        position=0,
        minutes="Noted.",
        resolutions="",
        kind="decision",
        presenter="Chief Executive",
        is_confidential=True,
    )
    f.AttendanceFactory(meeting=published, membership=committee_seat, status="apologies", deputy="A deputy")
    f.AgendaItemFactory(meeting=odd_meeting, number="3", title="Tïtle with ünïcode")
    f.MeetingFactory(board=committee, slug="no-agenda-yet", status=Meeting.Status.POSTPONED, agenda_published_at=None)
    # A meeting whose source gives no date, with an item the source does not number.
    undated = f.MeetingFactory(
        board=committee, slug="undated", starts_at=None, minutes_published_at=winter, quorate=True
    )
    published.minutes_approved_at = undated  # factories skip clean(): only the field's paths matter here
    published.save()
    f.AgendaItemFactory(meeting=undated, number="", position=0, resolutions="Noted.\nAgreed.")

    signed = f.MoUFactory(
        ics=ics,
        place=leeds,
        slug="leeds-place-mou",
        status=MoU.Status.AGREED,
        summary="Who does what.",
        start_date=datetime.date(2023, 4, 1),
        end_date=datetime.date(2026, 3, 31),
        review_date=datetime.date(2025, 4, 1),
        published_at=summer,
    )
    unpublished = f.MoUFactory(
        ics=odd_ics, slug="draft mou", status=MoU.Status.DRAFT, version="", start_date=None, published_at=None
    )
    f.MoUSignatoryFactory(mou=signed, organisation=trust, signed_by="Chief Executive", signed_on=None)
    f.MoUSignatoryFactory(mou=signed, organisation=ccg)
    f.MoUSignatoryFactory(mou=unpublished, organisation=council, signed_by="")
    f.MoUFactory(ics=ics, slug="unsigned", status=MoU.Status.CONSULTATION, review_date=None)

    f.ProgrammeFactory(ics=ics, slug="cancer", lead_organisation=trust, description="Earlier diagnosis.")
    f.ProgrammeFactory(
        ics=odd_ics,
        slug="mental.health",
        lead_organisation=None,
        start_date=datetime.date(2023, 1, 1),
        end_date=datetime.date(2025, 12, 31),
    )


def _requests():
    factory = APIRequestFactory()
    return {
        "http": lambda: Request(factory.get("/api/v1/")),
        "https on another host": lambda: Request(factory.get("/api/v1/", secure=True, HTTP_HOST="localhost:8443")),
    }


REQUESTS = _requests()
# Who reads: the public (no drafts), staff of one ICS (set by the test), a superuser (every draft).
READERS = ["public", "staff of one ICS", "superuser"]


def _context(reader, request, ics_id):
    draft_ics_ids = {"public": set(), "staff of one ICS": {ics_id}, "superuser": None}[reader]
    return {"request": request, "draft_ics_ids": draft_ics_ids, "format": None, "view": None}


def _render(data) -> bytes:
    return JSONRenderer().render(data)


def _first_difference(fast, drf) -> str:
    fast, drf = json.loads(_render(fast)), json.loads(_render(drf))
    for index, (mine, theirs) in enumerate(zip(fast, drf, strict=True)):
        if json.dumps(mine) != json.dumps(theirs):
            keys = list(dict.fromkeys([*mine, *theirs]))
            for key in keys:
                if json.dumps(mine.get(key)) != json.dumps(theirs.get(key)):
                    return f"row {index}, {key!r}: fast {mine.get(key)!r} != DRF {theirs.get(key)!r}"
            return f"row {index}: keys in another order: {list(mine)} != {list(theirs)}"
    return "same values; the bytes differ"


def _serialize(view, context):
    """Rows read as the view reads them, serialized as a list and one by one; and the queries that took."""
    rows = list(view.queryset.all().order_by("pk"))
    with CaptureQueriesContext(connection) as queries:
        as_list = view.serializer_class(rows, many=True, context=context).data
        one_by_one = [view.serializer_class(row, context=context).data for row in rows]
    return rows, as_list, one_by_one, len(queries)


@pytest.fixture
def rows():
    representative_rows()


@pytest.mark.parametrize("view", API_VIEWS, ids=lambda view: view.serializer_class.__name__)
def test_fast_path_writes_what_drf_writes(rows, view):
    ics_id = IntegratedCareSystem.objects.get(slug="west-yorkshire").pk
    saved_prefix = get_script_prefix()
    try:
        for prefix, request_kind, reader in itertools.product(["/", "/portal/"], REQUESTS, READERS):
            case = f"script prefix {prefix}, {request_kind}, {reader}"
            set_script_prefix(prefix)
            context = _context(reader, REQUESTS[request_kind](), ics_id)
            objects, fast_list, fast_each, fast_queries = _serialize(view, context)
            with drf_path():
                context = _context(reader, REQUESTS[request_kind](), ics_id)
                _, drf_list, drf_each, drf_queries = _serialize(view, context)

            assert len(objects) >= 2, "too few rows to compare"
            assert _render(fast_list) == _render(drf_list), f"{case}: {_first_difference(fast_list, drf_list)}"
            assert _render(fast_each) == _render(drf_each), f"{case}: {_first_difference(fast_each, drf_each)}"
            assert fast_queries == drf_queries, case
    finally:
        set_script_prefix(saved_prefix)


@pytest.mark.parametrize("view", API_VIEWS, ids=lambda view: view.serializer_class.__name__)
def test_rows_are_representative(rows, view):
    """Each nullable field is null in some row and set in another, each list of nested rows empty in one and not
    in another: so what each path does with both is compared."""
    context = _context("superuser", REQUESTS["http"](), None)
    data = json.loads(_render(view.serializer_class(view.queryset.all(), many=True, context=context).data))
    model = view.serializer_class.Meta.model
    for name, field in view.serializer_class().fields.items():
        try:
            model_field = model._meta.get_field(field.source)
        except Exception:  # noqa: BLE001 - not a model field of its own (a method, a related record's field)
            continue
        if model_field.one_to_many:  # nested rows
            seen = {bool(row[name]) for row in data}
            assert seen == {True, False}, f"{name}: {'never empty' if seen == {True} else 'always empty'}"
        elif model_field.concrete and model_field.null:
            seen = {row[name] is None for row in data}
            assert seen == {True, False}, f"{name}: {'always null' if seen == {True} else 'never null'}"


@pytest.mark.parametrize("view", API_VIEWS, ids=lambda view: view.serializer_class.__name__)
def test_urls_are_what_reverse_gives(rows, view):
    """`url` is DRF's own hyperlink to the record; `page_url`, for a record with a page, its get_absolute_url()."""
    request = REQUESTS["http"]()
    context = _context("superuser", request, None)
    objects = list(view.queryset.all().order_by("pk"))
    data = view.serializer_class(objects, many=True, context=context).data
    link = view.serializer_class().fields.get("url")  # none on a decision: listed, never addressed alone
    for obj, row in zip(objects, data, strict=True):
        if link is not None:
            kwargs = {link.lookup_url_kwarg: getattr(obj, link.lookup_field)}
            assert row["url"] == drf_reverse(link.view_name, kwargs=kwargs, request=request)
        if hasattr(obj, "get_absolute_url"):
            try:
                page = request.build_absolute_uri(obj.get_absolute_url())
            except NoReverseMatch:
                page = None
            assert row["page_url"] == page


def test_datetimes_are_written_in_the_current_zone(rows):
    """A guard on the data: the summer start is written with +01:00, the winter one with Z."""
    view = next(view for view in API_VIEWS if view.queryset.model is Meeting)
    context = _context("superuser", REQUESTS["http"](), None)
    starts = {row["starts_at"] for row in view.serializer_class(view.queryset.all(), many=True, context=context).data}
    assert {"2024-06-03T09:30:15.123456+01:00", "2024-01-15T18:00:00Z"} <= starts
    assert timezone.get_current_timezone_name() == "Europe/London"
