"""Publishing rights, the MoU signatory rule and restoring an old version."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.models import Meeting, MoU
from tests import factories as f

from .helpers import admin_form_data


@pytest.mark.django_db
@pytest.mark.parametrize("role,may", [("editor_a", False), ("publisher_a", True), ("editor_b", False)])
def test_only_publishers_publish_by_action(client, actors, world_a, role, may):
    mou = world_a.records["mou"]
    client.force_login(actors[role])
    client.post(
        reverse("admin:governance_mou_changelist"),
        {"action": "publish_selected", "_selected_action": [mou.pk]},
    )
    mou.refresh_from_db()
    assert (mou.published_at is not None) == may


@pytest.mark.django_db
def test_publishing_minutes_of_a_meeting_yet_to_start_by_action_says_why(client, publisher_a, world_a):
    meeting = world_a.records["meeting"]
    meeting.starts_at = timezone.now() + datetime.timedelta(days=11)
    meeting.status = Meeting.Status.SCHEDULED
    meeting.minutes_published_at = None
    meeting.save()
    client.force_login(publisher_a)

    response = client.post(
        reverse("admin:governance_meeting_changelist"),
        {"action": "publish_selected", "_selected_action": [meeting.pk]},
        follow=True,
    )

    assert response.status_code == 200
    shown = [str(message) for message in response.context["messages"]]
    assert any("Left unchanged" in text and "only once the meeting has started" in text for text in shown), shown
    meeting.refresh_from_db()
    assert meeting.minutes_published_at is None


@pytest.mark.django_db
def test_editor_sees_publish_date_read_only_and_cannot_post_it(client, editor_a, world_a):
    meeting = world_a.records["meeting"]
    url = reverse("admin:governance_meeting_change", args=[meeting.pk])
    client.force_login(editor_a)
    page = client.get(url)
    assert "minutes_published_at" not in page.context["adminform"].form.fields
    data = admin_form_data(page)
    data.update({"minutes_published_at_0": "2024-03-01", "minutes_published_at_1": "10:00"})
    assert client.post(url, data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes_published_at is None


@pytest.mark.django_db
def test_publisher_of_a_cannot_publish_b_through_the_form(client, ics_b, world_a, world_b):
    from staff.models import StaffRole

    from .conftest import make_staff

    user = make_staff("pub_a_ed_b", world_a.ics, StaffRole.Role.PUBLISHER)
    StaffRole.objects.create(user=user, ics=ics_b, role=StaffRole.Role.EDITOR)
    mou = world_b.records["mou"]
    url = reverse("admin:governance_mou_change", args=[mou.pk])
    client.force_login(user)
    page = client.get(url)
    assert "published_at" not in page.context["adminform"].form.fields


def _mou_add_data(ics, status, signatories=()):
    data = {
        "ics": ics.pk,
        "title": "Joint working",
        "slug": "joint-working",
        "status": status,
        "provenance": "public_record",
        "signatories-TOTAL_FORMS": str(len(signatories)),
        "signatories-INITIAL_FORMS": "0",
        "documents-TOTAL_FORMS": "0",
        "documents-INITIAL_FORMS": "0",
    }
    for i, organisation in enumerate(signatories):
        data[f"signatories-{i}-organisation"] = organisation.pk
        data[f"signatories-{i}-signed_by"] = "Chief Executive"
    return data


@pytest.mark.django_db
def test_signed_mou_without_signatory_gets_a_message_not_an_error(client, editor_a, ics_a):
    client.force_login(editor_a)
    response = client.post(reverse("admin:governance_mou_add"), _mou_add_data(ics_a, "signed"))
    assert response.status_code == 200
    assert "needs at least one signatory" in response.content.decode()
    assert not MoU.objects.filter(slug="joint-working").exists()


@pytest.mark.django_db(transaction=True)
def test_signed_mou_and_first_signatory_in_one_submit(client, ics_a):
    from .conftest import make_staff

    client.force_login(make_staff("ed", ics_a))
    organisation = f.OrganisationFactory()
    response = client.post(reverse("admin:governance_mou_add"), _mou_add_data(ics_a, "signed", [organisation]))
    assert response.status_code == 302
    mou = MoU.objects.get(slug="joint-working")
    assert mou.status == "signed" and mou.signatories.count() == 1


@pytest.mark.django_db
def test_last_signatory_of_a_signed_mou_cannot_be_deleted(client, superuser, ics_a):
    mou = f.MoUFactory(ics=ics_a, status="agreed")
    signatory = f.MoUSignatoryFactory(mou=mou)
    MoU.objects.filter(pk=mou.pk).update(status="signed")
    client.force_login(superuser)
    response = client.post(reverse("admin:governance_mousignatory_delete", args=[signatory.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert mou.signatories.count() == 1


@pytest.mark.django_db
def test_restore_an_earlier_version(client, editor_a, world_a):
    board = world_a.records["board"]
    url = reverse("admin:governance_board_change", args=[board.pk])
    client.force_login(editor_a)
    original_name = board.name
    data = admin_form_data(client.get(url))
    data["name"] = "A mistaken rename"
    assert client.post(url, data).status_code == 302

    history = client.get(reverse("admin:governance_board_history", args=[board.pk]))
    assert "A mistaken rename" in history.content.decode()  # the changed field, old and new side by side
    assert original_name in history.content.decode()
    first_version = board.history.order_by("history_date").first()
    revert_url = reverse("admin:governance_board_simple_history", args=[board.pk, first_version.history_id])
    revert_page = client.get(revert_url)
    assert revert_page.status_code == 200
    response = client.post(revert_url, admin_form_data(revert_page))
    assert response.status_code == 302, response.context["adminform"].form.errors
    board.refresh_from_db()
    assert board.name == original_name
    assert board.history.first().history_user == editor_a


@pytest.mark.django_db
def test_other_ics_staff_cannot_restore(client, editor_b, world_a):
    board = world_a.records["board"]
    version = board.history.first()
    client.force_login(editor_b)
    response = client.get(reverse("admin:governance_board_simple_history", args=[board.pk, version.history_id]))
    assert response.status_code == 403


@pytest.mark.django_db
def test_restoring_a_signed_version_without_signatories_gets_a_message(client, superuser, ics_a):
    mou = f.MoUFactory(ics=ics_a, status="agreed")
    signatory = f.MoUSignatoryFactory(mou=mou)
    mou.status = "signed"
    mou.save()
    signed_version = mou.history.first()
    mou.status = "withdrawn"
    mou.save()
    signatory.delete()
    client.force_login(superuser)
    url = reverse("admin:governance_mou_simple_history", args=[mou.pk, signed_version.history_id])
    response = client.post(url, admin_form_data(client.get(url)))
    assert response.status_code == 200
    assert "needs at least one signatory" in response.content.decode()
    mou.refresh_from_db()
    assert mou.status == "withdrawn"


@pytest.mark.django_db
def test_publisher_publishes_through_the_form(client, publisher_a, world_a):
    mou = world_a.records["mou"]
    url = reverse("admin:governance_mou_change", args=[mou.pk])
    client.force_login(publisher_a)
    data = admin_form_data(client.get(url))
    data.update({"published_at_0": "2024-03-01", "published_at_1": "10:00:00"})
    assert client.post(url, data).status_code == 302
    mou.refresh_from_db()
    assert mou.published_at is not None


@pytest.mark.django_db
def test_import_page_and_button_render(client, editor_a):
    client.force_login(editor_a)
    assert "Import a partner list" in client.get(reverse("admin:partners_organisation_changelist")).content.decode()
    page = client.get(reverse("admin:partners_organisation_import"))
    assert page.status_code == 200
    assert "start_date" in page.content.decode()


@pytest.mark.django_db
def test_superuser_grants_roles_on_the_user_page(client, superuser, editor_a, ics_b):
    client.force_login(superuser)
    page = client.get(reverse("admin:auth_user_change", args=[editor_a.pk]))
    assert page.status_code == 200
    assert "staff_roles-TOTAL_FORMS" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_an_inline_only_change_also_guards_the_page(client, ics_a):
    """The admin saves the parent on every submit, so the stamp guards its inline rows too."""
    from .conftest import make_staff

    board = f.BoardFactory(ics=ics_a)
    membership = f.BoardMembershipFactory(board=board, role="member")
    url = reverse("admin:governance_board_change", args=[board.pk])
    first, second = client.__class__(), client.__class__()
    first.force_login(make_staff("ann", ics_a))
    second.force_login(make_staff("bob", ics_a))
    first_data, second_data = admin_form_data(first.get(url)), admin_form_data(second.get(url))
    first_data["memberships-0-role"] = "vice_chair"
    assert first.post(url, first_data).status_code == 302
    second_data["memberships-0-role"] = "observer"
    assert second.post(url, second_data).status_code == 200
    membership.refresh_from_db()
    assert membership.role == "vice_chair"
