"""The public record's own history: changes to published content, with when, what and who."""

import itertools

import pytest
from django.contrib.auth import get_user_model

from governance import services
from governance.corrections import changes_since_publication
from governance.models import Document, MoU
from staff.models import StaffRole
from tests import factories as f

pytestmark = pytest.mark.django_db


_numbers = itertools.count()


def _publisher(ics, username=None, **names):
    user = get_user_model().objects.create_user(
        username=username or f"publisher{next(_numbers)}", is_staff=True, **names
    )
    StaffRole.objects.create(user=user, ics=ics, role=StaffRole.Role.PUBLISHER)
    return user


def _edit(mou, user, **values):
    before = MoU.objects.get(pk=mou.pk)
    for name, value in values.items():
        setattr(mou, name, value)
    return services.mou_save(mou=mou, user=user, before=before)


def test_a_change_after_publication_is_listed_with_when_what_and_who():
    mou = f.MoUFactory(title="Leeds MoU", version="1.0", published_at=None)
    publisher = _publisher(mou.ics, first_name="Asha", last_name="Patel")
    _edit(mou, publisher, summary="Before publication: a draft's changes are not listed.")
    services.mou_publish(mou=mou, user=publisher)
    _edit(mou, publisher, version="1.1", summary="Corrected the partners' names.")

    changes = changes_since_publication([MoU.objects.get(pk=mou.pk)], published_at=lambda m: m.published_at)

    assert [(c.record, c.fields, c.by) for c in changes] == [("Leeds MoU", ("version", "summary"), "Asha Patel")]
    assert changes[0].when > mou.published_at


def test_changes_to_fields_the_public_does_not_read_and_drafts_are_not_listed():
    mou = f.MoUFactory(published_at=None)
    publisher = _publisher(mou.ics)
    _edit(mou, publisher, title="A draft title, changed before publication")
    assert changes_since_publication([mou], published_at=lambda m: m.published_at) == []
    services.mou_publish(mou=mou, user=publisher)
    _edit(mou, publisher, review_date=mou.start_date)

    assert changes_since_publication([MoU.objects.get(pk=mou.pk)], published_at=lambda m: m.published_at) == []


def test_a_publisher_without_a_name_is_a_publisher_never_their_username():
    mou = f.MoUFactory(published_at=None)
    publisher = _publisher(mou.ics, username="asha.patel@example.nhs.uk")
    services.mou_publish(mou=mou, user=publisher)
    _edit(mou, publisher, title="Retitled")

    [change] = changes_since_publication([MoU.objects.get(pk=mou.pk)], published_at=lambda m: m.published_at)
    assert change.by == "a publisher"


def test_a_new_file_is_one_change_to_the_file(django_assert_max_num_queries):
    document = f.DocumentFactory(url="https://example.org/a.pdf", published_at=None)
    publisher = _publisher(document.owning_ics(), first_name="Sam", last_name="Lee")
    services.document_publish(document=document, user=publisher)
    document.url = "https://example.org/corrected.pdf"
    document.title = "Corrected papers"
    services._save(document, user=publisher)

    papers = list(Document.objects.all())
    with django_assert_max_num_queries(1):
        changes = changes_since_publication(papers, published_at=lambda d: d.published_at)
    assert [(c.record, c.fields) for c in changes] == [("Corrected papers", ("title", "URL"))]


def test_the_meeting_page_lists_corrections_to_published_minutes_but_never_a_confidential_items(client):
    meeting = f.MeetingFactory(minutes_published_at=None)
    item = f.AgendaItemFactory(meeting=meeting, number="4", title="Winter plan", minutes="Agreed.")
    secret = f.AgendaItemFactory(meeting=meeting, number="5", title="Estates", is_confidential=True, minutes="x")
    publisher = _publisher(meeting.board.ics, first_name="Asha", last_name="Patel")
    services.meeting_publish_minutes(meeting=meeting, user=publisher)
    for record, minutes in ((item, "Agreed, with one abstention."), (secret, "y")):
        record.minutes = minutes
        services._save(record, user=publisher)

    page = client.get(meeting.get_absolute_url()).content.decode()

    assert "Changes since publication" in page
    assert "Item 4: Winter plan: minutes" in page
    assert "Asha Patel" in page
    assert "Item 5" not in page.split("Changes since publication")[1]


def test_the_mou_page_has_no_corrections_section_until_something_published_changes(client):
    mou = f.MoUFactory(published_at=None, title="Leeds MoU")
    publisher = _publisher(mou.ics)
    services.mou_publish(mou=mou, user=publisher)
    assert "Changes since publication" not in client.get(mou.get_absolute_url()).content.decode()

    _edit(mou, publisher, summary="Corrected.")
    page = client.get(mou.get_absolute_url()).content.decode()
    assert "Leeds MoU: summary" in page
