"""Counts: exact, except PostgreSQL's estimate for an unfiltered list of a huge table."""

import pytest
from django.db import connection

from ics_portal.api import pagination
from tests import factories as f

from .conftest import client_for


@pytest.fixture
def agenda_items(db):
    meeting = f.MeetingFactory()
    return f.AgendaItemFactory.create_batch(5, meeting=meeting)


def _walk(client, url):
    rows, pages = [], []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        pages.append(response)
        rows += response.json()["results"]
        url = response.json()["next"]
    return rows, pages


def test_a_small_table_is_counted_exactly(agenda_items, anon_client):
    response = anon_client.get("/api/v1/agenda-items/?page_size=2")
    assert response.json()["count"] == 5 and response["X-Total-Count"] == "5"
    assert "X-Total-Count-Estimated" not in response


def test_the_publics_list_is_counted_exactly_as_it_hides_unpublished_agendas(agenda_items, anon_client, monkeypatch):
    """The public's agenda items are those of published agendas: a filtered list, so counted exactly."""
    monkeypatch.setattr(pagination, "ESTIMATE_FROM", 0)
    f.AgendaItemFactory(meeting=f.MeetingFactory(agenda_published_at=None))
    response = anon_client.get("/api/v1/agenda-items/?page_size=2")
    assert response.json()["count"] == 5 and "X-Total-Count-Estimated" not in response


@pytest.mark.parametrize("wrong_by", [-3, +4])
def test_an_estimated_count_is_labelled_and_never_hides_a_row(agenda_items, superuser, monkeypatch, wrong_by):
    """Whatever the estimate says, following `next` reaches every row once, and the last page has no `next`.
    (A superuser's list is the whole table; the public's hides unpublished agendas, so it is counted exactly.)"""
    monkeypatch.setattr(pagination, "ESTIMATE_FROM", 0)
    client = client_for(superuser)
    with connection.cursor() as cursor:  # make the statistics wrong, as they are between ANALYZEs
        cursor.execute(
            "UPDATE pg_class SET reltuples = %s WHERE oid = 'governance_agendaitem'::regclass", [5 + wrong_by]
        )
    rows, pages = _walk(client, "/api/v1/agenda-items/?page_size=2")
    assert sorted(row["id"] for row in rows) == sorted(item.pk for item in agenda_items)
    assert len(pages) == 3
    assert all(page["X-Total-Count-Estimated"] == "true" for page in pages)
    assert all(page["X-Total-Count"] == str(5 + wrong_by) for page in pages)
    assert client.get("/api/v1/agenda-items/?page_size=2&page=4").status_code == 404


def test_a_filtered_list_is_counted_exactly_however_big_the_table(agenda_items, anon_client, monkeypatch):
    monkeypatch.setattr(pagination, "ESTIMATE_FROM", -10)
    meeting = agenda_items[0].meeting_id
    response = anon_client.get(f"/api/v1/agenda-items/?meeting={meeting}&page_size=2")
    assert response.json()["count"] == 5
    assert "X-Total-Count-Estimated" not in response
