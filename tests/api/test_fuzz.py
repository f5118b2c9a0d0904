"""schemathesis against the live schema, in-process: no 5xx and no answer that breaks the schema.

Read operations run as the public; write operations with a staff token of one ICS
(so answers span 201/200/204, 400, 403, 404, 409 and 412). The schema is loaded at
module level from the WSGI app (schemathesis.pytest.from_fixture fails on pytest 9.2).
Django's request signals would close the test transaction's connection between
calls, so `close_old_connections` is disconnected for these tests, as Django's own
test client does.
"""

from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from ics_portal.wsgi import application
from staff.models import StaffRole
from tests import factories as f
from tests.api.conftest import make_user

MAX_EXAMPLES = 12
# A schema-valid request may still name an ICS or board that does not exist (400/404): that is not a fault.
EXCLUDED = [schemathesis.checks.positive_data_acceptance]

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)

FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def world(settings, ics_a, fuzz_summary):
    """A little real data (so some lookups hit), unthrottled, with Django's connection-closing signals off."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None}}
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    place = f.PlaceFactory(ics=ics_a, slug="leeds")
    organisation = f.OrganisationFactory(slug="leeds-trust")
    f.PartnershipFactory(organisation=organisation, ics=ics_a, place=place)
    board = f.BoardFactory(ics=ics_a, slug="icb-board")
    f.BoardMembershipFactory(board=board, organisation=organisation)
    f.AgendaItemFactory(meeting=f.MeetingFactory(board=board))
    f.MoUSignatoryFactory(mou=f.MoUFactory(ics=ics_a, slug="mou"), organisation=organisation)
    f.ProgrammeFactory(ics=ics_a)
    staff = make_user("fuzz_staff", ics_a, role=StaffRole.Role.PUBLISHER)
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=staff)
    yield {"Authorization": f"Token {token.key}"}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


STATUSES: Counter = Counter()
OPERATIONS: set = set()


@pytest.fixture(scope="module")
def fuzz_summary(request):
    """Print what the fuzzing covered, for the CI log."""
    yield
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if STATUSES and capture is not None:
        counts = ", ".join(f"{code}: {n}" for code, n in sorted(STATUSES.items()))
        with capture.global_and_fixture_disabled():
            print(
                f"\nschemathesis: {sum(STATUSES.values())} calls over {len(OPERATIONS)} operations; statuses {counts}"
            )


def _call(case, **kwargs):
    response = case.call_and_validate(excluded_checks=EXCLUDED, **kwargs)
    STATUSES[response.status_code] += 1
    OPERATIONS.add(case.operation.label)


@schema.include(method=["GET"]).parametrize()
@FUZZ_SETTINGS
def test_read_endpoints(case, world):
    _call(case)


@schema.exclude(method=["GET"]).parametrize()
@FUZZ_SETTINGS
def test_write_endpoints_with_a_staff_token(case, world):
    _call(case, headers=world)


# --- what schemathesis does not send: a schema-valid generator never tries these -----------------------

LISTS = [
    "icss",
    "places",
    "organisations",
    "partnerships",
    "boards",
    "board-memberships",
    "people",
    "meetings",
    "mous",
    "programmes",
    "agenda-items",
    "mou-signatories",
    "icss/system-a/partners",
]


def _refused(response, parameter):
    """400 in the API's error shape, naming the parameter at fault."""
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"detail", "code", "errors"} and body["code"] == "invalid"
    assert list(body["errors"]) == [parameter]
    return body["errors"][parameter][0]


@pytest.fixture
def estimated_agenda_items(world, monkeypatch):
    """Agenda items counted by PostgreSQL's estimate, as at national scale, where a page is cut by OFFSET alone."""
    from django.db import connection

    from ics_portal.api import pagination

    monkeypatch.setattr(pagination, "ESTIMATE_FROM", 0)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE pg_class SET reltuples = 1 WHERE oid = 'governance_agendaitem'::regclass")


@pytest.mark.parametrize(
    "page",
    ["99999999999999999999999", "9" * 5000, "1000001", "0", "-1", "1.5", "x", "²", "١", " 1"],
    ids=["huge", "5000-digits", "max+1", "0", "-1", "1.5", "x", "superscript", "arabic-digit", "space"],
)
def test_a_page_number_out_of_bounds_is_a_400_not_a_bigint_overflow(anon_client, estimated_agenda_items, page):
    response = anon_client.get("/api/v1/agenda-items/", {"page": page})
    assert _refused(response, "page") == "A whole number from 1 to 1,000,000."


def test_a_page_past_the_end_is_still_a_404_and_the_bounds_are_in_the_schema(anon_client, estimated_agenda_items):
    assert anon_client.get("/api/v1/agenda-items/", {"page": "1000000"}).status_code == 404
    assert anon_client.get("/api/v1/agenda-items/", {"page": "last"}).status_code == 200
    assert anon_client.get("/api/v1/agenda-items/", {"page": ""}).status_code == 200
    parameters = anon_client.get("/api/v1/schema/?format=json").json()["paths"]["/api/v1/agenda-items/"]["get"]
    page = next(p for p in parameters["parameters"] if p["name"] == "page")
    assert (page["schema"]["minimum"], page["schema"]["maximum"]) == (1, 1_000_000)


@pytest.mark.parametrize(
    "size", ["²", "0", "-5", "x", "1e3", "501", "99999999999999999999", "9" * 5000], ids=lambda size: size[:20]
)
def test_a_page_size_that_is_not_a_whole_number_from_1_to_500_is_a_400_not_silently_capped(anon_client, world, size):
    response = anon_client.get("/api/v1/organisations/", {"page_size": size})
    assert _refused(response, "page_size") == "A whole number from 1 to 500."


@pytest.mark.parametrize("endpoint", LISTS)
def test_a_nul_character_in_any_parameter_of_any_list_is_a_400(anon_client, world, endpoint):
    for parameter in ("ics", "page", "page_size", "ordering", "as_at", "modified_since", "format", "anything"):
        response = anon_client.get(f"/api/v1/{endpoint}/?{parameter}=a%00b")
        expected = f"The value of “{parameter}” holds a NUL character (%00), which no search or filter can contain."
        assert _refused(response, parameter) == expected


@pytest.mark.parametrize(
    "path",
    ["/api/v1/icss/%00/partners/", "/api/v1/boards/%00/", "/api/v1/agenda-items/%00/", "/api/v1/organisations/a%00/"],
)
def test_a_nul_character_in_the_path_is_a_400(anon_client, world, path):
    message = _refused(anon_client.get(path), "path")
    assert message == "The address holds a NUL character (%00), which no address of the portal contains."
    head = anon_client.head(path)
    assert head.status_code == 400 and head.content == b""


@pytest.mark.parametrize("slug", ["x" * 10_000, "not a slug", "ünïcødé", "99999999999999999999999"])
def test_an_ics_partners_slug_that_names_no_ics_is_a_404(anon_client, world, slug):
    response = anon_client.get(f"/api/v1/icss/{slug}/partners/")
    assert response.status_code == 404
    body = response.json()
    assert set(body) == {"detail", "code", "errors"} and body["code"] == "not_found"
    assert body["errors"] == {"slug": [body["detail"]]}
    assert body["detail"].startswith("No integrated care system with the slug '")


def test_a_404_names_the_record_and_what_was_looked_for(anon_client, world):
    body = anon_client.get("/api/v1/boards/nope/").json()
    assert body == {
        "detail": "No board with the slug 'nope'.",
        "code": "not_found",
        "errors": {"slug": ["No board with the slug 'nope'."]},
    }
    assert anon_client.get("/api/v1/meetings/999999/").json()["detail"] == "No meeting with the id '999999'."
    past_the_end = anon_client.get("/api/v1/organisations/", {"page": "999"}).json()
    assert past_the_end["code"] == "not_found" and list(past_the_end["errors"]) == ["page"]


@pytest.mark.parametrize("endpoint", LISTS)
def test_an_over_long_filter_value_is_a_400(anon_client, world, endpoint):
    response = anon_client.get(f"/api/v1/{endpoint}/", {"modified_since": "2024-01-01T00:00:00Z" + " " * 300})
    assert _refused(response, "modified_since") == "Enter at most 200 characters."


@pytest.mark.parametrize(
    "identifier", ["99999999999999999999999", "-1", "9" * 5000], ids=["bigint+", "negative", "5000-digits"]
)
def test_huge_and_negative_ids_are_a_404_or_a_400(anon_client, world, identifier):
    assert anon_client.get(f"/api/v1/agenda-items/{identifier}/").status_code == 404
    assert anon_client.get(f"/api/v1/meetings/{identifier}/").status_code == 404
    response = anon_client.get("/api/v1/agenda-items/", {"meeting": identifier})
    message = _refused(response, "meeting")
    assert message.startswith("Select a valid choice.") or message == "Enter at most 200 characters."


@pytest.mark.parametrize("day", ["0144-03-07", "1948-07-04", "2100-01-01"])
def test_an_as_at_day_the_portal_does_not_record_is_a_400(anon_client, world, day):
    message = _refused(anon_client.get("/api/v1/organisations/", {"as_at": day}), "as_at")
    assert message.startswith("Enter a date from 5 July 1948 (the NHS's first day) to 31 December 2099")
    assert anon_client.get("/api/v1/organisations/", {"as_at": "1948-07-05"}).status_code == 200


def test_a_404_says_not_found_in_its_code(anon_client, world):
    for path in ("/api/v1/icss/nope/partners/", "/api/v1/boards/nope/", "/api/v1/agenda-items/99999999999999999999/"):
        response = anon_client.get(path)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found", path
