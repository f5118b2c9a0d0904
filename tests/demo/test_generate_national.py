"""generate_national: the national data set keeps every database rule and is repeatable."""

import datetime
import hashlib
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from governance.models import AgendaItem, Board, BoardMembership, Meeting, MoU, MoUSignatory, Person
from ics_portal.core.models import Provenance
from ics_portal.demo.national.copy_writer import portal_tables
from partners.models import ODS_CODE_FORMATS, OTHER_ODS_CODE_FORMAT, Organisation, Partnership
from places.models import (
    Cluster,
    ClusterMembership,
    IcsStage,
    IcsSuccession,
    IntegratedCareSystem,
    Place,
    PlaceMembership,
)
from tests.factories import IntegratedCareSystemFactory

DAY = datetime.date(2026, 11, 1)
SMALL = {"scale": 0.01, "today": DAY, "replace": True}

pytestmark = pytest.mark.django_db


def snapshot():
    """A digest of what was generated, ids included, so two runs can be compared."""
    parts = [
        list(Organisation.objects.order_by("id").values_list("id", "name", "ods_code", "kind", "start_date")),
        list(Partnership.objects.order_by("id").values_list("id", "organisation", "ics", "place", "role")),
        list(Board.objects.order_by("id").values_list("id", "slug", "reports_to")),
        list(
            BoardMembership.objects.order_by("id").values_list(
                "id", "board", "person", "role", "start_date", "end_date"
            )
        ),
        list(Meeting.objects.order_by("id").values_list("id", "board", "starts_at", "status", "minutes_published_at")),
        list(AgendaItem.objects.order_by("id").values_list("id", "meeting", "title", "minutes")),
        list(MoU.objects.order_by("id").values_list("id", "slug", "status")),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def test_refuses_sqlite(monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("generate_national", **SMALL)


def test_refuses_to_overwrite_without_replace():
    IntegratedCareSystemFactory()
    with pytest.raises(CommandError, match="--replace"):
        call_command("generate_national", scale=0.01)


def test_small_scale_keeps_every_rule():
    IntegratedCareSystemFactory(short_name="Not generated")
    call_command("generate_national", seed=3, **SMALL)

    assert not IntegratedCareSystem.objects.filter(short_name="Not generated").exists(), "--replace empties first"
    assert IntegratedCareSystem.objects.count() == 1
    for model in (IntegratedCareSystem, Place, Organisation, Partnership, Board, Person, BoardMembership, Meeting):
        assert model.objects.exists(), model
        assert set(model.objects.values_list("provenance", flat=True).distinct()) == {Provenance.GENERATED}
    assert AgendaItem.objects.count() > 5 * Meeting.objects.count()

    for kind, ods_code in Organisation.objects.exclude(ods_code=None).values_list("kind", "ods_code"):
        pattern = ODS_CODE_FORMATS.get(kind, OTHER_ODS_CODE_FORMAT)[0]
        assert re.match(pattern, ods_code), (kind, ods_code)
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert {"icb", "local_authority", "pcn", "gp_practice", "vcse"} <= kinds
    for organisation in Organisation.objects.order_by("id")[::25]:
        organisation.full_clean()

    memberships = list(BoardMembership.objects.values("board", "role", "start_date", "end_date"))
    assert all(m["end_date"] is None or m["end_date"] >= m["start_date"] for m in memberships)
    chairs = {}
    for m in sorted(memberships, key=lambda m: (m["board"], m["start_date"])):
        if m["role"] != "chair":
            continue
        previous_end = chairs.get(m["board"], datetime.date.min)
        assert previous_end is not None and m["start_date"] > previous_end, "two chairs at once"
        chairs[m["board"]] = m["end_date"]
    assert len(chairs) == Board.objects.count(), "every board has had a chair"

    signed = MoU.objects.filter(status__in=MoU.SIGNED_STATUSES)
    assert signed.exists()
    assert not signed.exclude(pk__in=MoUSignatory.objects.values("mou")).exists()
    for partnership in Partnership.objects.exclude(place=None).select_related("place", "ics")[::20]:
        partnership.full_clean()  # its place was in its ICS on its dates
    assert Board.objects.exclude(reports_to=None).exists()
    assert Meeting.objects.filter(minutes_published_at=None, status="held").exists(), "some minutes stay drafts"
    assert not Meeting.objects.filter(minutes_published_at__isnull=False, agenda_published_at=None).exists()
    tomorrow = datetime.datetime.combine(DAY + datetime.timedelta(days=1), datetime.time(), tzinfo=datetime.UTC)
    assert not Meeting.objects.filter(agenda_published_at__gte=tomorrow).exists(), "no agenda from the future"
    week_after = tomorrow + datetime.timedelta(days=8)
    assert not Meeting.objects.filter(agenda_published_at__isnull=False, starts_at__gte=week_after).exists()
    assert Meeting.objects.filter(starts_at__gte=week_after).exists()
    for meeting in Meeting.objects.exclude(agenda_published_at=None).order_by("id")[::40]:
        meeting.full_clean()


def test_same_seed_same_rows_other_seed_other_rows():
    call_command("generate_national", seed=7, **SMALL)
    first = snapshot()
    call_command("generate_national", seed=7, **SMALL)
    assert snapshot() == first
    call_command("generate_national", seed=8, **SMALL)
    assert snapshot() != first


def test_new_rows_get_fresh_ids_after_a_load():
    """Sequences are moved past the explicit ids COPY wrote."""
    call_command("generate_national", seed=2, **SMALL)
    person = Person.objects.create(name="New Person", slug="new-person-after-load")
    assert person.pk > Person.objects.exclude(pk=person.pk).order_by("-pk").values_list("pk", flat=True)[0]


def test_portal_tables_cover_history_tables():
    assert "governance_historicalagendaitem" in portal_tables()


def test_floor_view_is_not_in_production_urls():
    from django.urls import NoReverseMatch, reverse

    with pytest.raises(NoReverseMatch):
        reverse("bench_floor")


def query_counts(client):
    from django.test.utils import CaptureQueriesContext

    from bench.targets import pick

    counts = {}
    for name, _kind, url in pick():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        assert response.status_code == 200, (name, url, response.status_code)
        counts[name] = len(queries)
    return counts


def test_benchmarked_urls_answer_with_the_same_queries_at_two_scales(client, settings):
    """What bench/run checks between demo and national data, here between three ICSs and seven.

    Both sizes have a cluster (a single ICS cannot have one), so the pages have the same lists to fill.
    """
    settings.ROOT_URLCONF = "bench.urls"
    call_command("generate_national", seed=5, scale=0.07, today=DAY, replace=True)
    small = query_counts(client)
    call_command("generate_national", seed=5, scale=0.15, today=DAY, replace=True)
    larger = query_counts(client)
    assert IntegratedCareSystem.objects.count() == 7
    assert larger == small
    assert max(larger.values()) <= 15


def test_national_scale_merges_twelve_icss_into_six_and_clusters_them():
    """As England did: 42 ICSs on 31 March 2026, 36 from 1 April 2026, the mergers preceded by clusters."""
    call_command("generate_national", seed=1, scale=1.0, today=DAY, replace=True)
    last, first = datetime.date(2026, 3, 31), datetime.date(2026, 4, 1)
    assert IntegratedCareSystem.objects.as_at(last).count() == 42
    assert IntegratedCareSystem.objects.as_at(first).count() == 36
    assert IntegratedCareSystem.objects.as_at(DAY).count() == 36
    ended = IntegratedCareSystem.objects.filter(end_date=last)
    new = IntegratedCareSystem.objects.filter(start_date=first)
    assert ended.count() == 12 and new.count() == 6
    successions = IcsSuccession.objects.all()
    assert set(successions.values_list("predecessor", flat=True)) == set(ended.values_list("pk", flat=True))
    assert set(successions.values_list("successor", flat=True)) == set(new.values_list("pk", flat=True))
    assert {"merger", "boundary_change"} <= set(successions.values_list("kind", flat=True))
    assert IcsSuccession.places.through.objects.count() == PlaceMembership.objects.filter(start_date=first).count()

    # Every place is in exactly one ICS on each side of the day, and never in an ended ICS after it.
    places = Place.objects.count()
    assert PlaceMembership.objects.as_at(last).count() == places == PlaceMembership.objects.as_at(first).count()
    assert not PlaceMembership.objects.as_at(first).filter(ics__in=ended).exists()
    assert not IcsStage.objects.filter(ics__in=ended).filter(end_date=None).exists()
    for model in (Partnership, Board, BoardMembership):
        path = "board__ics__in" if model is BoardMembership else "ics__in"
        assert not model.objects.filter(**{path: ended}).as_at(first).exists(), model
    assert Partnership.objects.filter(ics__in=new).as_at(DAY).count() > 100 * new.count()
    assert Board.objects.filter(ics__in=new, start_date=first).exists()
    assert not Board.objects.filter(ics__in=new, start_date__lt=first).exists()

    assert Cluster.objects.count() == 14
    merged = Cluster.objects.filter(end_date=last)
    assert merged.count() == 5, "one for each group that merged"
    assert set(ClusterMembership.objects.filter(cluster__in=merged).values_list("ics", flat=True)) == set(
        ended.values_list("pk", flat=True)
    )
    assert not ClusterMembership.objects.filter(cluster__end_date=None, ics__in=ended).exists()
