"""Named ICB and cluster leaders as load_demo loads them (governance/reference_data.py)."""

import pytest

from governance.models import LeadershipPost, Person
from ics_portal.core.models import Provenance

pytestmark = pytest.mark.usefixtures("loaded_demo", "db")


def test_one_post_per_row_and_icb_or_cluster():
    assert LeadershipPost.objects.filter(cluster__isnull=False).count() == 17
    # 42 rows, none listing several ICBs that are not a cluster's members.
    assert LeadershipPost.objects.count() == 42
    assert not LeadershipPost.objects.exclude(provenance=Provenance.PUBLIC_RECORD).exists()


def test_both_essex_cluster_chairs_are_kept_and_disputed():
    chairs = LeadershipPost.objects.filter(role="cluster_chair", cluster__name__startswith="Essex cluster")
    assert {p.person.name for p in chairs} == {"Rt Hon Paul Burstow", "Prof Michael Thorne CBE"}
    assert all(p.disputed for p in chairs)
    assert LeadershipPost.objects.filter(disputed=True).count() == 2


def test_dates_only_where_the_source_gives_them():
    acting = LeadershipPost.objects.get(person__name="Prof Nadira Mirza")
    assert (str(acting.start_date), acting.end_date, acting.ics.icb_ods_code) == ("2025-06-01", None, "QWO")
    assert str(acting.source_date) == "2025-05-23" and acting.source_url.startswith("https://www.wypartnership")
    assert LeadershipPost.objects.filter(start_date__isnull=False).count() == 2
    assert LeadershipPost.objects.filter(end_date__isnull=False).count() == 1


def test_a_post_of_an_icb_created_in_2026_and_a_person_reused_by_name():
    abell = Person.objects.get(name="Tom Abell")
    assert {(p.role, p.ics.icb_ods_code) for p in abell.posts.all()} == {
        ("chief_executive", "QH8"),
        ("chief_executive_designate", "D7T5G"),
    }
    assert Person.objects.filter(name="Katie Fisher").count() == 1


def test_a_chair_listed_for_a_clusters_icbs_is_the_clusters_post_with_its_role_as_given():
    singh = LeadershipPost.objects.get(person__name="Dr Priya Singh")
    assert singh.role == "chair" and singh.ics is None
    assert set(singh.cluster.memberships.values_list("ics__icb_ods_code", flat=True)) == {"QU9", "QNQ"}


def test_superusers_keep_posts_in_the_admin_and_staff_may_not_add_them(client):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from places.models import IntegratedCareSystem
    from staff.models import StaffRole

    post = LeadershipPost.objects.get(person__name="Prof Nadira Mirza")
    client.force_login(get_user_model().objects.create_superuser(username="root", password="a-long-test-password"))
    for url in (
        reverse("admin:governance_leadershippost_changelist"),
        reverse("admin:governance_leadershippost_change", args=[post.pk]),
        reverse("admin:governance_person_change", args=[post.person_id]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Nadira Mirza" in response.content.decode()
    editor = get_user_model().objects.create_user(username="editor", password="a-long-test-password", is_staff=True)
    StaffRole.objects.create(
        user=editor, ics=IntegratedCareSystem.objects.get(icb_ods_code="QWO"), role=StaffRole.Role.PUBLISHER
    )
    client.force_login(editor)
    assert client.get(reverse("admin:governance_leadershippost_add")).status_code == 403
