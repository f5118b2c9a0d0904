"""The database holds an ICS's life rules at commit, as production runs (outside pytest's wrapping transaction)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from places.models import PLACE_IN_TWO_ICSS, Cluster, ClusterMembership, IcsSuccession, PlaceMembership
from tests.factories import IntegratedCareSystemFactory, PlaceFactory
from tests.staff.helpers import admin_form_data

pytestmark = pytest.mark.django_db(transaction=True)

DAY = datetime.date(2026, 4, 1)
LAST_DAY = DAY - datetime.timedelta(days=1)


@pytest.fixture
def merger():
    old = IntegratedCareSystemFactory(start_date=datetime.date(2016, 3, 30), end_date=LAST_DAY)
    new = IntegratedCareSystemFactory(start_date=DAY)
    return old, new


def test_a_reorganisation_saved_in_any_order_commits(merger):
    old, new = merger
    with transaction.atomic():
        succession = IcsSuccession.objects.create(predecessor=old, successor=new, kind="merger", date=DAY)
        old.end_date = None  # for a moment, mid-transaction, the rule does not hold: checked at commit
        old.save()
        old.end_date = LAST_DAY
        old.save()
    assert IcsSuccession.objects.get() == succession


def test_a_succession_outside_the_successors_life_is_refused_at_commit(merger):
    old, new = merger
    succession = IcsSuccession(predecessor=old, successor=new, kind="merger", date=LAST_DAY)
    with pytest.raises(ValidationError, match="did not exist"):
        succession.full_clean()
    with pytest.raises(IntegrityError, match="within both ICSs"), transaction.atomic():
        succession.save()
    assert not IcsSuccession.objects.exists()


def test_ending_an_ics_before_its_succession_is_refused_at_commit(merger):
    old, new = merger
    IcsSuccession.objects.create(predecessor=old, successor=new, kind="merger", date=DAY)
    old.end_date = datetime.date(2025, 3, 31)
    with pytest.raises(IntegrityError, match="within both ICSs"), transaction.atomic():
        old.save()
    old.refresh_from_db()
    assert old.end_date == LAST_DAY


def test_a_cluster_member_must_exist_for_all_of_the_clusters_dates(merger):
    old, _ = merger
    cluster = Cluster.objects.create(name="Both", slug="both", start_date=datetime.date(2025, 9, 9))
    membership = ClusterMembership(cluster=cluster, ics=old)
    with pytest.raises(ValidationError, match="did not exist for all of the cluster's dates"):
        membership.full_clean()
    with pytest.raises(IntegrityError, match="members must exist"), transaction.atomic():
        membership.save()
    cluster.end_date = LAST_DAY
    cluster.save()
    membership.save()
    cluster.end_date = None
    with pytest.raises(IntegrityError, match="members must exist"), transaction.atomic():
        cluster.save()


def test_the_place_admin_answers_two_overlapping_icss_with_the_message_not_an_error(admin_client):
    place = PlaceFactory(ics=None, slug="bassetlaw")
    url = reverse("admin:places_place_change", args=[place.pk])
    data = admin_form_data(admin_client.get(url))
    first, second = IntegratedCareSystemFactory(), IntegratedCareSystemFactory()
    data["memberships-TOTAL_FORMS"] = "2"
    data.update({"memberships-0-ics": first.pk, "memberships-0-end_date": "2022-07-01"})
    data.update({"memberships-1-ics": second.pk, "memberships-1-start_date": "2022-07-01"})
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert PLACE_IN_TWO_ICSS in response.content.decode()
    assert not PlaceMembership.objects.exists()
    data["memberships-1-start_date"] = "2022-07-02"  # back to back is allowed
    assert admin_client.post(url, data).status_code == 302
    assert PlaceMembership.objects.filter(place=place).count() == 2


def test_the_place_admin_answers_an_ics_overlapping_one_on_record_with_the_message(admin_client):
    place = PlaceFactory(ics=IntegratedCareSystemFactory())  # in that ICS for all of its days
    url = reverse("admin:places_place_change", args=[place.pk])
    data = admin_form_data(admin_client.get(url))
    n = int(data["memberships-TOTAL_FORMS"])
    data["memberships-TOTAL_FORMS"] = str(n + 1)
    data.update({f"memberships-{n}-ics": IntegratedCareSystemFactory().pk, f"memberships-{n}-start_date": "2023-01-01"})
    response = admin_client.post(url, data)
    assert response.status_code == 200 and PLACE_IN_TWO_ICSS in response.content.decode()
    assert PlaceMembership.objects.filter(place=place).count() == 1


def test_the_ics_admin_answers_an_end_before_its_succession_with_the_message(admin_client, merger):
    old, new = merger
    IcsSuccession.objects.create(predecessor=old, successor=new, kind="merger", date=DAY)
    url = reverse("admin:places_integratedcaresystem_change", args=[old.pk])
    data = admin_form_data(admin_client.get(url))
    data["end_date"] = "2025-03-31"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "for its succession of 1 April 2026" in response.content.decode()
    old.refresh_from_db()
    assert old.end_date == LAST_DAY
