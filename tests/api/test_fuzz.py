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
