"""The database holds an ICS's life rules at commit, as production runs (outside pytest's wrapping transaction)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from places.models import Cluster, ClusterMembership, IcsSuccession
from tests.factories import IntegratedCareSystemFactory

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
