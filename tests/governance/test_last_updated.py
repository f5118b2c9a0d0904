import datetime

import pytest
from django.utils import timezone

from governance.models import Board
from tests.factories import (
    BoardFactory,
    IntegratedCareSystemFactory,
    MoUFactory,
    OrganisationFactory,
    PersonFactory,
    PlaceFactory,
)

pytestmark = pytest.mark.django_db

WHEN = timezone.make_aware(datetime.datetime(2025, 3, 4, 12, 0))


@pytest.mark.parametrize("factory", [BoardFactory, PersonFactory, OrganisationFactory, MoUFactory])
def test_record_pages_say_when_the_record_last_changed(client, factory):
    record = factory()
    # A record with drafts says when what the public sees last changed (public_modified_at).
    stamps = {name: WHEN for name in ("modified_at", "public_modified_at") if hasattr(record, name)}
    type(record).objects.filter(pk=record.pk).update(**stamps)
    response = client.get(record.get_absolute_url())
    assert response.status_code == 200
    assert 'Last updated <time datetime="2025-03-04T12:00:00' in response.text
    assert "4 March 2025" in response.text


@pytest.mark.parametrize("factory", [IntegratedCareSystemFactory, PlaceFactory])
def test_pages_of_sourced_facts_give_their_sources_date_not_when_a_loader_ran(client, factory):
    record = factory()
    type(record).objects.filter(pk=record.pk).update(modified_at=WHEN)
    assert "Last updated" not in client.get(record.get_absolute_url()).text
    type(record).objects.filter(pk=record.pk).update(source_date=datetime.date(2024, 5, 6))
    text = client.get(record.get_absolute_url()).text
    assert 'Facts last checked <time datetime="2024-05-06">6 May 2024</time>' in text
    assert "4 March 2025" not in text


def test_lists_do_not_claim_a_last_updated_date(client):
    BoardFactory()
    assert Board.objects.exists()
    assert "Last updated" not in client.get("/partners/").text
