"""The API refuses dates outside 5 July 1948 - 31 December 2099 and writes date-times as RFC 3339."""

import re

import pytest

from governance.models import Meeting
from tests import factories as f
from tests.api.conftest import client_for

RFC_3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
MESSAGE = "Enter a date from 5 July 1948 (the NHS's first day) to 31 December 2099"


def _meeting(ics, starts_at):
    return {"board": f.BoardFactory(ics=ics).slug, "slug": "m", "starts_at": starts_at}


@pytest.mark.parametrize(
    "starts_at", ["0144-03-07T14:53:25-11:04", "1948-07-04T23:59:59Z", "2100-01-01T00:00:00Z", "9999-12-31T23:59:59Z"]
)
def test_a_meeting_outside_the_range_is_a_400_naming_starts_at(staff_a, ics_a, starts_at):
    response = client_for(staff_a).post("/api/v1/meetings/", _meeting(ics_a, starts_at), format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert list(body["errors"]) == ["starts_at"]
    assert body["errors"]["starts_at"][0].startswith(MESSAGE)
    assert Meeting.objects.count() == 0


def test_a_meeting_is_stored_in_utc_and_echoed_with_a_minutes_offset(staff_a, ics_a):
    response = client_for(staff_a).post(
        "/api/v1/meetings/", _meeting(ics_a, "2024-03-14T14:53:25-11:04"), format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["starts_at"] == "2024-03-15T01:57:25Z"
    summer = client_for(staff_a).patch(
        f"/api/v1/meetings/{response.json()['id']}/", {"starts_at": "2024-07-01T09:00:00+05:45"}, format="json"
    )
    assert summer.json()["starts_at"] == "2024-07-01T04:15:00+01:00"
    for value in (summer.json()["starts_at"], summer.json()["modified_at"], summer.json()["created_at"]):
        assert RFC_3339.match(value), value


@pytest.mark.parametrize(
    ("endpoint", "payload", "field"),
    [
        ("mous", {"title": "MoU", "slug": "mou-1", "start_date": "1900-01-01"}, "start_date"),
        ("mous", {"title": "MoU", "slug": "mou-2", "review_date": "2100-01-01"}, "review_date"),
        ("mous", {"title": "MoU", "slug": "mou-3", "published_at": "0144-03-07T14:53:25Z"}, "published_at"),
        ("partnerships", {"role": "partner", "end_date": "2100-01-01"}, "end_date"),
        ("programmes", {"name": "Cancer", "slug": "cancer", "start_date": "1948-07-04"}, "start_date"),
    ],
)
def test_other_dates_outside_the_range_are_a_400_naming_the_field(staff_a, ics_a, endpoint, payload, field):
    payload = {**payload, "ics": ics_a.slug}
    if endpoint == "partnerships":
        payload["organisation"] = f.OrganisationFactory().slug
    response = client_for(staff_a).post(f"/api/v1/{endpoint}/", payload, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["errors"][field][0].startswith(MESSAGE)


def test_a_signature_date_outside_the_range_is_a_400(staff_a, ics_a):
    mou = f.MoUFactory(ics=ics_a)
    payload = {"mou": mou.slug, "organisation": f.OrganisationFactory().slug, "signed_on": "1066-10-14"}
    response = client_for(staff_a).post("/api/v1/mou-signatories/", payload, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["errors"]["signed_on"][0].startswith(MESSAGE)


def test_the_schema_says_which_range(anon_client):
    schema = anon_client.get("/api/v1/schema/?format=json").json()
    starts_at = schema["components"]["schemas"]["Meeting"]["properties"]["starts_at"]
    assert starts_at["description"] == (
        "From 5 July 1948 (the NHS's first day) to 31 December 2099. "
        "Empty only when the meeting's source does not state its date."
    )
    assert starts_at["nullable"] is True
