"""The "needs attention" panel on the admin home page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from staff.dashboard import attention_for
from tests import factories as f

TODAY = timezone.localdate()


def needing_attention(ics):
    """One item of each kind in `ics`, and near-misses that need nothing."""
    chairless = f.BoardFactory(ics=ics, name=f"Chairless {ics.pk}")
    chaired = f.BoardFactory(ics=ics, name=f"Chaired {ics.pk}")
    f.BoardMembershipFactory(board=chaired, role="chair", start_date=TODAY - datetime.timedelta(days=400))
    ending = f.BoardMembershipFactory(board=chaired, end_date=TODAY + datetime.timedelta(days=10))
    f.BoardMembershipFactory(board=chaired, end_date=TODAY + datetime.timedelta(days=31))
    overdue = f.MoUFactory(ics=ics, review_date=TODAY - datetime.timedelta(days=1))
    f.MoUFactory(ics=ics, review_date=TODAY + datetime.timedelta(days=1))
    f.MoUFactory(ics=ics, review_date=TODAY - datetime.timedelta(days=1), status="withdrawn")
    weeks_ago = lambda weeks: timezone.now() - datetime.timedelta(weeks=weeks)  # noqa: E731
    late = f.MeetingFactory(board=chaired, starts_at=weeks_ago(7), slug="late")
    f.MeetingFactory(board=chaired, starts_at=weeks_ago(7), slug="minuted", minutes_published_at=timezone.now())
    f.MeetingFactory(board=chaired, starts_at=weeks_ago(5), slug="recent")
    return {"board": chairless, "membership": ending, "mou": overdue, "meeting": late}


@pytest.mark.django_db
def test_each_list_holds_exactly_what_needs_attention(editor_a, ics_a, ics_b):
    mine, theirs = needing_attention(ics_a), needing_attention(ics_b)
    attention = attention_for(editor_a)
    assert attention.boards_without_chair == [mine["board"]]
    assert attention.memberships_ending == [mine["membership"]]
    assert attention.mous_past_review == [mine["mou"]]
    assert attention.meetings_without_minutes == [mine["meeting"]]
    assert theirs["board"] not in attention.boards_without_chair


@pytest.mark.django_db
def test_superuser_sees_every_ics(superuser, ics_a, ics_b):
    needing_attention(ics_a)
    needing_attention(ics_b)
    assert len(attention_for(superuser).boards_without_chair) == 2


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 10])
def test_admin_home_shows_the_panel_in_bounded_queries(client, django_assert_max_num_queries, n):
    from staff.models import StaffRole

    from .conftest import make_staff

    user = make_staff("dash")
    for _ in range(n):
        ics = f.IntegratedCareSystemFactory()
        needing_attention(ics)
        StaffRole.objects.create(user=user, ics=ics, role="editor")
    client.force_login(user)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("admin:index"))
    body = response.content.decode()
    assert "Needs attention in your ICSs" in body
    assert body.count("Chairless ") == n
    assert 'id="meetings-without-minutes"' in body


@pytest.mark.django_db
def test_admin_home_without_anything_due(client, editor_a):
    client.force_login(editor_a)
    assert "Nothing needs attention" in client.get(reverse("admin:index")).content.decode()
