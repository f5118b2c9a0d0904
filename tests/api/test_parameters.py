"""Query parameters without traps: an unknown one is a 400 naming the allowed ones, and dated lists
are what is true today unless `as_at` or `include=all` asks otherwise."""

import datetime

import pytest
from django.utils import timezone

from tests import factories as f
from tests.api.test_fuzz import LISTS

ENDED = datetime.date(2020, 3, 31)
STARTS = datetime.date(2099, 1, 1)


@pytest.mark.parametrize("endpoint", LISTS)
def test_an_unknown_parameter_on_any_list_is_a_400_naming_the_allowed_ones(anon_client, ics_a, endpoint):
    response = anon_client.get(f"/api/v1/{endpoint}/", {"current": "true"})
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "unknown_parameter"
    assert body["detail"].startswith("Unknown parameter 'current'. Allowed: ")
    assert list(body["errors"]) == ["current"]
    assert {"page", "page_size", "format"} <= set(body["detail"].removesuffix(".").split("Allowed: ")[1].split(", "))


def test_the_allowed_parameters_are_the_lists_own(anon_client, ics_a):
    detail = anon_client.get("/api/v1/organisations/", {"current": "true"}).json()["detail"]
    assert detail == (
        "Unknown parameter 'current'. Allowed: ics, place, kind, sector, ods_code, active, q, as_at, "
        "modified_since, include, ordering, page, page_size, format."
    )
    nested = anon_client.get("/api/v1/icss/system-a/partners/", {"ics": "system-b"})
    assert nested.status_code == 400 and list(nested.json()["errors"]) == ["ics"], "the ICS is in the path"
    undated = anon_client.get("/api/v1/meetings/", {"include": "all"})
    assert undated.status_code == 400 and list(undated.json()["errors"]) == ["include"]


def test_an_unknown_ordering_field_is_a_400_naming_the_allowed_ones(anon_client, ics_a):
    response = anon_client.get("/api/v1/organisations/", {"ordering": "name,foo"})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "ordering": [
            "Unknown field 'foo'. Allowed: name, ods_code, kind, sector, start_date, end_date, modified_at "
            "(prefix - for descending)."
        ]
    }
    assert anon_client.get("/api/v1/organisations/", {"ordering": "-name,"}).status_code == 200


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"include": "past"}, "Use include=all (every row, past and future too), or leave it out."),
        ({"include": "all", "as_at": "2021-01-01"}, "Give as_at or include=all, not both."),
    ],
)
def test_include_takes_all_alone(anon_client, ics_a, query, message):
    response = anon_client.get("/api/v1/partnerships/", query)
    assert response.status_code == 400 and response.json()["errors"] == {"include": [message]}


@pytest.fixture
def three_partnerships(ics_a):
    """A partnership that ended, one in force today and one not started yet."""
    return {
        "ended": f.PartnershipFactory(ics=ics_a, start_date=datetime.date(2018, 4, 1), end_date=ENDED),
        "today": f.PartnershipFactory(ics=ics_a),
        "future": f.PartnershipFactory(ics=ics_a, start_date=STARTS),
    }


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_a_dated_list_is_todays_unless_asked_otherwise(anon_client, three_partnerships):
    ids = {name: partnership.pk for name, partnership in three_partnerships.items()}
    assert _ids(anon_client.get("/api/v1/partnerships/")) == {ids["today"]}
    assert _ids(anon_client.get("/api/v1/partnerships/", {"as_at": "2019-01-01"})) == {ids["ended"]}
    assert _ids(anon_client.get("/api/v1/partnerships/", {"include": "all"})) == set(ids.values())
    sync = anon_client.get("/api/v1/partnerships/", {"modified_since": "2020-01-01T00:00:00Z"})
    assert _ids(sync) == set(ids.values()), "a sync sees the rows that ended too"
    single = anon_client.get(f"/api/v1/partnerships/{ids['ended']}/")
    assert single.status_code == 200, "a single record is found whenever it was in force"


@pytest.mark.parametrize(
    ("endpoint", "make"),
    [
        ("organisations", lambda **dates: f.OrganisationFactory(**dates)),
        ("boards", lambda **dates: f.BoardFactory(**dates)),
        ("programmes", lambda **dates: f.ProgrammeFactory(**dates)),
        ("icss", lambda **dates: f.IntegratedCareSystemFactory(**dates)),
        ("places", lambda **dates: f.PlaceFactory(**dates)),
    ],
)
def test_every_dated_list_leaves_out_ended_rows_by_default(anon_client, endpoint, make):
    ended = make(start_date=datetime.date(2018, 4, 1), end_date=ENDED)
    current = make()
    assert _ids(anon_client.get(f"/api/v1/{endpoint}/")) >= {current.pk}
    assert ended.pk not in _ids(anon_client.get(f"/api/v1/{endpoint}/"))
    assert ended.pk in _ids(anon_client.get(f"/api/v1/{endpoint}/", {"include": "all"}))


@pytest.mark.parametrize("endpoint", LISTS)
def test_a_list_without_parameters_is_the_list_as_at_today(anon_client, ics_a, three_partnerships, endpoint):
    """Without a filter the API takes today's rows itself, not through the FilterSet: the same rows, in order."""
    f.BoardFactory(ics=ics_a, start_date=datetime.date(2018, 4, 1), end_date=ENDED)
    f.BoardFactory(ics=ics_a)
    plain = anon_client.get(f"/api/v1/{endpoint}/")
    today = anon_client.get(f"/api/v1/{endpoint}/", {"as_at": timezone.localdate().isoformat()})
    assert plain.status_code == 200, plain.content
    if today.status_code == 400:  # a list of records that are not dated takes no `as_at`
        assert "as_at" in today.json()["errors"]
        return
    assert [row["id"] for row in plain.json()["results"]] == [row["id"] for row in today.json()["results"]]
    if endpoint in ("icss", "organisations", "partnerships", "boards", "icss/system-a/partners"):
        assert plain.json()["results"], "rows to compare"
