import pytest

from tests.factories import AgendaItemFactory, BoardFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def test_meetings_come_20_a_page_by_default_as_each_carries_its_agenda(client):
    board = BoardFactory()
    for meeting in MeetingFactory.create_batch(25, board=board):
        AgendaItemFactory(meeting=meeting)
    first = client.get("/api/v1/meetings/").json()
    assert first["count"] == 25 and len(first["results"]) == 20
    assert all(len(row["agenda_items"]) == 1 for row in first["results"])
    assert len(client.get("/api/v1/meetings/?page=2").json()["results"]) == 5
    assert len(client.get("/api/v1/meetings/?page_size=50").json()["results"]) == 25
