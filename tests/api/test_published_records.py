"""Published minutes and MoUs are changed through the API only by a publisher (services.published_content_check)."""

from django.utils import timezone

from governance.models import AgendaItem, MoU
from staff.models import StaffRole
from tests import factories as f

from .conftest import client_for, make_user

REFUSED = "only a publisher of this ICS may change its"


def _item(ics, *, published: bool):
    meeting = f.MeetingFactory(
        board=f.BoardFactory(ics=ics), minutes_published_at=timezone.now() if published else None
    )
    return f.AgendaItemFactory(meeting=meeting, minutes="Agreed as printed.")


def _patch_minutes(user, item, minutes):
    return client_for(user).patch(f"/api/v1/agenda-items/{item.pk}/", {"minutes": minutes}, format="json")


def test_an_editor_cannot_patch_published_minutes(editor_a, ics_a):
    item = _item(ics_a, published=True)
    response = _patch_minutes(editor_a, item, "Rewritten after publication.")
    assert response.status_code == 403
    assert REFUSED in response.json()["detail"]
    assert AgendaItem.objects.get(pk=item.pk).minutes == "Agreed as printed."


def test_an_editor_cannot_put_published_resolutions(editor_a, ics_a):
    item = _item(ics_a, published=True)
    client = client_for(editor_a)
    body = client.get(f"/api/v1/agenda-items/{item.pk}/").json()
    body["resolutions"] = "Something else was decided."
    response = client.put(f"/api/v1/agenda-items/{item.pk}/", body, format="json")
    assert response.status_code == 403
    assert AgendaItem.objects.get(pk=item.pk).resolutions == item.resolutions


def test_an_editor_patches_other_fields_of_a_published_item_and_draft_minutes(editor_a, ics_a):
    published = _item(ics_a, published=True)
    response = client_for(editor_a).patch(f"/api/v1/agenda-items/{published.pk}/", {"title": "Welcome"}, format="json")
    assert response.status_code == 200
    draft = _item(ics_a, published=False)
    assert _patch_minutes(editor_a, draft, "Corrected draft.").status_code == 200
    assert AgendaItem.objects.get(pk=draft.pk).minutes == "Corrected draft."


def test_a_publisher_patches_published_minutes_and_the_history_names_them(staff_a, ics_a):
    item = _item(ics_a, published=True)
    assert _patch_minutes(staff_a, item, "Corrected after publication.").status_code == 200
    latest = AgendaItem.objects.get(pk=item.pk).history.latest()
    assert (latest.minutes, latest.history_user) == ("Corrected after publication.", staff_a)


def test_a_published_mous_title(editor_a, staff_a, ics_a):
    mou = f.MoUFactory(ics=ics_a)
    url = f"/api/v1/mous/{mou.slug}/"
    response = client_for(editor_a).patch(url, {"title": "Renamed"}, format="json")
    assert response.status_code == 403 and REFUSED in response.json()["detail"]
    assert MoU.objects.get(pk=mou.pk).title == mou.title
    assert client_for(editor_a).patch(url, {"review_date": "2027-01-31"}, format="json").status_code == 200
    assert client_for(staff_a).patch(url, {"title": "Renamed"}, format="json").status_code == 200
    latest = MoU.objects.get(pk=mou.pk).history.latest()
    assert (latest.title, latest.history_user) == ("Renamed", staff_a)
    draft = f.MoUFactory(ics=ics_a, published_at=None)
    response = client_for(editor_a).patch(f"/api/v1/mous/{draft.slug}/", {"title": "Draft renamed"}, format="json")
    assert response.status_code == 200


def test_a_publisher_of_another_ics_is_only_an_editor_here(ics_a, ics_b):
    user = make_user("pub_b_ed_a", ics_b, role=StaffRole.Role.PUBLISHER)
    StaffRole.objects.create(user=user, ics=ics_a, role=StaffRole.Role.EDITOR)
    item = _item(ics_a, published=True)
    assert _patch_minutes(user, item, "Rewritten.").status_code == 403
