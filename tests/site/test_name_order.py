"""Names sort case-insensitively on pages and in the API, whatever the database's collation.

The test database's collation may be C (byte order), where "BCP Council" comes before "Barking" and "bromley"
after both: these names catch an ordering that leaves case to the collation.
"""

import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db

NAMES = ["Barking", "BCP Council", "bromley"]


@pytest.fixture
def ics():
    ics = f.IntegratedCareSystemFactory(slug="system-a")
    for name in reversed(NAMES):
        f.PartnershipFactory(ics=ics, organisation=f.OrganisationFactory(name=name))
    return ics


def test_the_directory_lists_names_case_insensitively(client, ics):
    rows = client.get("/partners/", {"ics": ics.slug}).context["rows"]
    assert [row.name for row in rows] == NAMES


def test_the_ics_page_lists_partners_case_insensitively(client, ics):
    body = client.get(ics.get_absolute_url()).content.decode()
    assert [body.index(name) for name in NAMES] == sorted(body.index(name) for name in NAMES)


@pytest.mark.parametrize(
    ("query", "expected"),
    [("", NAMES), ("?ordering=name", NAMES), ("?ordering=-name", NAMES[::-1])],
)
def test_the_api_orders_names_case_insensitively(client, ics, query, expected):
    response = client.get(f"/api/v1/icss/{ics.slug}/partners/{query}")
    assert [row["name"] for row in response.json()["results"]] == expected
