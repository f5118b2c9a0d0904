"""ICSs over their lives in the API: as at a day, every ICS there has been, successions and clusters.

Query counts are pinned at two sizes (3 and 15 reorganisations, each with its clusters, successions,
stages and places) to the same bound: nested lists are prefetched, never loaded per row.
"""

import datetime

import pytest

from places.models import Cluster, ClusterMembership, IcsSuccession
from tests import factories as f

pytestmark = pytest.mark.django_db

LAST = datetime.date(2026, 3, 31)
FIRST = datetime.date(2026, 4, 1)
STP_DAY = datetime.date(2016, 4, 1)


def reorganisation(n: int):
    """Two ICSs clustered from 9 September 2025 and merged into a new one on 1 April 2026, and a neighbour
    that continues, in an open cluster of its own with the new one. Returns the last trio made."""
    for i in range(n):
        old = [f.IntegratedCareSystemFactory(start_date=STP_DAY, end_date=LAST) for _ in range(2)]
        new = f.IntegratedCareSystemFactory(start_date=FIRST)
        staying = f.IntegratedCareSystemFactory(start_date=STP_DAY)
        for ics in (*old, new, staying):
            f.IcsStageFactory(ics=ics, start_date=ics.start_date, end_date=ics.end_date)
        merged = Cluster.objects.create(
            name=f"Cluster {i}", slug=f"cluster-{i}", start_date=datetime.date(2025, 9, 9), end_date=LAST
        )
        open_cluster = Cluster.objects.create(name=f"Open {i}", slug=f"open-{i}", start_date=FIRST)
        for ics in old:
            ClusterMembership.objects.create(cluster=merged, ics=ics)
            place = f.PlaceFactory(ics=None)
            f.PlaceMembershipFactory(place=place, ics=ics, start_date=STP_DAY, end_date=LAST)
            f.PlaceMembershipFactory(place=place, ics=new, start_date=FIRST)
            succession = IcsSuccession.objects.create(predecessor=ics, successor=new, kind="merger", date=FIRST)
            succession.places.add(place)
            f.PartnershipFactory(ics=ics, start_date=datetime.date(2022, 7, 1), end_date=LAST)
        for ics in (new, staying):
            ClusterMembership.objects.create(cluster=open_cluster, ics=ics)
        f.PlaceFactory(ics=staying)
    return old, new, staying


# (url, queries): the page (the count comes free with it where the paginator asks), then one per nested list.
ENDPOINTS = {
    "icss as at": ("/api/v1/icss/?as_at=2026-03-31", 6),
    "icss all": ("/api/v1/icss/?include=all", 6),
    "ics detail": ("/api/v1/icss/{new}/", 5),
    "clusters": ("/api/v1/clusters/", 3),
    "places": ("/api/v1/places/", 3),
    "places as at": ("/api/v1/places/?as_at=2026-04-01", 3),
}


@pytest.mark.parametrize("size", [3, 15])
@pytest.mark.parametrize("name", list(ENDPOINTS))
def test_queries_do_not_grow_with_reorganisations(name, size, anon_client, django_assert_max_num_queries):
    _old, new, _staying = reorganisation(size)
    url, expected = ENDPOINTS[name]
    with django_assert_max_num_queries(expected):
        response = anon_client.get(url.format(new=new.slug))
    assert response.status_code == 200
    body = response.json()
    rows = body.get("results", [body]) if isinstance(body, dict) else body
    assert rows


def slugs(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["slug"] for row in response.json()["results"]}


def test_as_at_either_side_of_a_merger(anon_client):
    old, new, staying = reorganisation(1)
    before = slugs(anon_client.get("/api/v1/icss/?as_at=2026-03-31"))
    after = slugs(anon_client.get("/api/v1/icss/?as_at=2026-04-01"))
    assert {ics.slug for ics in old} <= before and new.slug not in before
    assert not {ics.slug for ics in old} & after and new.slug in after
    assert staying.slug in before and staying.slug in after
    today = slugs(anon_client.get("/api/v1/icss/"))
    assert today == {new.slug, staying.slug}


def test_all_lists_ended_icss_too(anon_client):
    old, new, staying = reorganisation(1)
    assert slugs(anon_client.get("/api/v1/icss/?include=all")) == {*(ics.slug for ics in old), new.slug, staying.slug}


def test_detail_has_its_life_successions_and_clusters(anon_client):
    old, new, _staying = reorganisation(1)
    detail = anon_client.get(f"/api/v1/icss/{new.slug}/").json()
    assert detail["start_date"] == "2026-04-01" and detail["end_date"] is None
    assert sorted((p["ics"], p["kind"], p["date"]) for p in detail["predecessors"]) == sorted(
        (ics.slug, "merger", "2026-04-01") for ics in old
    )
    assert detail["successors"] == []
    assert [c["slug"] for c in detail["clusters"]] == ["open-0"]

    ended = anon_client.get(f"/api/v1/icss/{old[0].slug}/")
    assert ended.status_code == 200, "an abolished ICS is still found by its slug"
    ended = ended.json()
    assert ended["end_date"] == "2026-03-31"
    assert [(s["ics"], s["kind"], s["date"]) for s in ended["successors"]] == [(new.slug, "merger", "2026-04-01")]
    assert [(c["slug"], c["end_date"]) for c in ended["clusters"]] == [("cluster-0", "2026-03-31")]


def test_an_abolished_icss_partners_on_a_day_in_its_life(anon_client):
    old, _new, _staying = reorganisation(1)
    url = f"/api/v1/icss/{old[0].slug}/partners/"
    in_life = anon_client.get(url + "?as_at=2025-01-01")
    assert in_life.status_code == 200
    assert len(in_life.json()["results"]) == 1
    assert anon_client.get(url + "?as_at=2026-04-01").json()["results"] == []
    assert anon_client.get(url).status_code == 200
