"""Published minutes, papers and MoUs are changed only by a publisher (services.published_content_check).

An editor still changes drafts and the fields the public does not read; a publisher's change of what
is published is saved and kept in the history under their name.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.models import AgendaItem, Document, MoU
from tests import factories as f

from .helpers import admin_form_data

pytestmark = pytest.mark.django_db

REFUSED = "only a publisher of this ICS may change its"


def _meeting_page(client, user, meeting):
    client.force_login(user)
    url = reverse("admin:governance_meeting_change", args=[meeting.pk])
    return url, admin_form_data(client.get(url))


def _minuted(ics, *, published: bool):
    meeting = f.MeetingFactory(
        board=f.BoardFactory(ics=ics), minutes_published_at=timezone.now() if published else None
    )
    item = f.AgendaItemFactory(meeting=meeting, minutes="Agreed as printed.")
    return meeting, item


def _row(data, item):
    """The inline row's prefix of `item` on its meeting's page."""
    return next(key.rsplit("-", 1)[0] for key, value in data.items() if key.endswith("-id") and value == str(item.pk))


def test_an_editor_cannot_change_published_minutes_on_the_meeting_page(client, editor_a, ics_a):
    meeting, item = _minuted(ics_a, published=True)
    url, data = _meeting_page(client, editor_a, meeting)
    data[f"{_row(data, item)}-minutes"] = "Rewritten after publication."
    response = client.post(url, data)
    assert response.status_code == 200  # the page again, with the message on the row's field
    assert REFUSED in response.content.decode()
    assert AgendaItem.objects.get(pk=item.pk).minutes == "Agreed as printed."


def test_an_editor_still_changes_other_fields_of_a_published_meeting(client, editor_a, ics_a):
    meeting, item = _minuted(ics_a, published=True)
    url, data = _meeting_page(client, editor_a, meeting)
    data["location"] = "Council Chamber"
    data[f"{_row(data, item)}-title"] = "Welcome and apologies"
    assert client.post(url, data).status_code == 302
    assert AgendaItem.objects.get(pk=item.pk).title == "Welcome and apologies"


def test_an_editor_changes_draft_minutes(client, editor_a, ics_a):
    meeting, item = _minuted(ics_a, published=False)
    url, data = _meeting_page(client, editor_a, meeting)
    data[f"{_row(data, item)}-minutes"] = "Corrected draft."
    assert client.post(url, data).status_code == 302
    assert AgendaItem.objects.get(pk=item.pk).minutes == "Corrected draft."


def test_a_publisher_changes_published_minutes_and_the_history_names_them(client, publisher_a, ics_a):
    meeting, item = _minuted(ics_a, published=True)
    url, data = _meeting_page(client, publisher_a, meeting)
    data[f"{_row(data, item)}-minutes"] = "Corrected after publication."
    assert client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert item.minutes == "Corrected after publication."
    latest = item.history.latest()
    assert (latest.minutes, latest.history_user) == ("Corrected after publication.", publisher_a)


def test_an_editor_cannot_change_published_minutes_on_the_items_own_page(client, editor_a, ics_a):
    _, item = _minuted(ics_a, published=True)
    client.force_login(editor_a)
    url = reverse("admin:governance_agendaitem_change", args=[item.pk])
    data = admin_form_data(client.get(url))
    data["resolutions"] = "Something else was decided."
    response = client.post(url, data)
    assert response.status_code == 200 and REFUSED in response.content.decode()
    assert AgendaItem.objects.get(pk=item.pk).resolutions == item.resolutions


@pytest.mark.parametrize(
    ("published", "who", "saved"), [(True, "editor", False), (False, "editor", True), (True, "publisher", True)]
)
def test_a_published_mous_title(client, editor_a, publisher_a, ics_a, published, who, saved):
    mou = f.MoUFactory(ics=ics_a, published_at=timezone.now() if published else None)
    user = {"editor": editor_a, "publisher": publisher_a}[who]
    client.force_login(user)
    url = reverse("admin:governance_mou_change", args=[mou.pk])
    data = admin_form_data(client.get(url))
    data["title"] = "Renamed"
    response = client.post(url, data)
    assert (MoU.objects.get(pk=mou.pk).title == "Renamed") is saved
    if saved:
        assert MoU.objects.get(pk=mou.pk).history.latest().history_user == user
    else:
        assert response.status_code == 200 and REFUSED in response.content.decode()


def test_an_editor_changes_a_published_mous_other_fields(client, editor_a, ics_a):
    mou = f.MoUFactory(ics=ics_a)
    client.force_login(editor_a)
    url = reverse("admin:governance_mou_change", args=[mou.pk])
    data = admin_form_data(client.get(url))
    data["review_date"] = "2027-01-31"
    assert client.post(url, data).status_code == 302


@pytest.mark.parametrize(
    ("published", "who", "saved"), [(True, "editor", False), (False, "editor", True), (True, "publisher", True)]
)
def test_a_published_documents_link(client, editor_a, publisher_a, ics_a, published, who, saved):
    document = f.DocumentFactory(
        meeting=f.MeetingFactory(board=f.BoardFactory(ics=ics_a)), published_at=timezone.now() if published else None
    )
    user = {"editor": editor_a, "publisher": publisher_a}[who]
    client.force_login(user)
    url = reverse("admin:governance_document_change", args=[document.pk])
    data = admin_form_data(client.get(url))
    data["url"] = "https://example.org/other.pdf"
    response = client.post(url, data)
    assert (Document.objects.get(pk=document.pk).url == "https://example.org/other.pdf") is saved
    if not saved:
        assert response.status_code == 200 and REFUSED in response.content.decode()


def test_an_editor_cannot_change_a_published_paper_on_the_meeting_page(client, editor_a, ics_a):
    meeting, _ = _minuted(ics_a, published=False)
    document = f.DocumentFactory(meeting=meeting)
    url, data = _meeting_page(client, editor_a, meeting)
    data[f"{_row(data, document)}-title"] = "Renamed paper"
    response = client.post(url, data)
    assert response.status_code == 200 and REFUSED in response.content.decode()
    assert Document.objects.get(pk=document.pk).title == document.title


def test_an_editor_cannot_restore_older_published_minutes(client, editor_a, ics_a):
    meeting, item = _minuted(ics_a, published=True)
    old = item.history.earliest()
    AgendaItem.objects.filter(pk=item.pk).update(minutes="Published later.")
    item.refresh_from_db()
    item.save()  # a version with the new minutes
    client.force_login(editor_a)
    url = reverse("admin:governance_agendaitem_simple_history", args=[item.pk, old.history_id])
    response = client.post(url, admin_form_data(client.get(url)))
    assert response.status_code == 200 and REFUSED in response.content.decode()
    assert AgendaItem.objects.get(pk=item.pk).minutes == "Published later."
