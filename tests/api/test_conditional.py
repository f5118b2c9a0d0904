"""ETag / Last-Modified on answers, 304 for clients that are up to date."""

import datetime

import pytest
from django.utils import timezone
from django.utils.http import http_date

from governance.models import AgendaItem, Meeting
from tests import factories as f


@pytest.mark.parametrize("url", ["/api/v1/organisations/?ics=system-a", "/api/v1/organisations/{slug}/"])
def test_if_none_match_answers_304_until_something_changes(url, ics_a, anon_client):
    organisation = f.PartnershipFactory(ics=ics_a).organisation
    url = url.format(slug=organisation.slug)
    first = anon_client.get(url)
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    again = anon_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]
    assert anon_client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200
    organisation.name = "Renamed"
    organisation.save()
    assert anon_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_json_and_csv_have_different_etags(ics_a, anon_client):
    json_etag = anon_client.get("/api/v1/icss/")["ETag"]
    csv_etag = anon_client.get("/api/v1/icss/?format=csv")["ETag"]
    assert json_etag != csv_etag
    assert anon_client.get("/api/v1/icss/?format=csv", HTTP_IF_NONE_MATCH=json_etag).status_code == 200
    assert anon_client.get("/api/v1/icss/", HTTP_ACCEPT="text/csv", HTTP_IF_NONE_MATCH=csv_etag).status_code == 304


def test_indented_json_has_the_etag_of_the_compact_answer(ics_a, anon_client):
    compact = anon_client.get("/api/v1/icss/")
    indented = anon_client.get("/api/v1/icss/", HTTP_ACCEPT="application/json; indent=4")
    assert b"\n    " in indented.content and indented.content != compact.content
    assert indented["ETag"] == compact["ETag"]
    assert anon_client.get("/api/v1/icss/", HTTP_IF_NONE_MATCH=indented["ETag"]).status_code == 304


def test_last_modified_is_the_newest_change_at_any_depth(anon_client):
    item = f.AgendaItemFactory()
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    # The public is shown when what it sees changed (public_modified_at: tests/api/test_public_validators.py).
    a_month_before = an_hour_ago - datetime.timedelta(days=30)
    Meeting.objects.filter(pk=item.meeting_id).update(modified_at=a_month_before, public_modified_at=a_month_before)
    AgendaItem.objects.filter(pk=item.pk).update(modified_at=an_hour_ago, public_modified_at=an_hour_ago)
    answer = anon_client.get("/api/v1/meetings/")
    assert [row["agenda_items"][0]["id"] for row in answer.json()["results"]] == [item.pk]
    assert answer["Last-Modified"] == http_date(an_hour_ago.timestamp())


def test_if_modified_since_on_a_record(ics_a, anon_client):
    url = f"/api/v1/icss/{ics_a.slug}/"
    last_modified = anon_client.get(url)["Last-Modified"]
    assert anon_client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    assert anon_client.get(url, HTTP_IF_MODIFIED_SINCE="Mon, 01 Jan 2001 00:00:00 GMT").status_code == 200


def test_answers_vary_on_credentials(ics_a, anon_client):
    vary = anon_client.get("/api/v1/icss/")["Vary"]
    assert "Accept" in vary and "Authorization" in vary and "Cookie" in vary


def test_anonymous_clients_are_throttled_with_retry_after(ics_a, anon_client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "user": None}}
    statuses = [anon_client.get("/api/v1/icss/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    throttled = anon_client.get("/api/v1/icss/")
    assert throttled.json()["code"] == "throttled"
    assert 0 < int(throttled["Retry-After"]) <= 60
