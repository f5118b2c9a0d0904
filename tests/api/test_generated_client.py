"""A client generated from the OpenAPI schema (openapi-python-client) works against the running portal:
it pages through an ICS's partner list, reads without credentials and writes with a Bearer token."""

import importlib
import subprocess
import sys

import pytest
from rest_framework.authtoken.models import Token

from tests import factories as f
from tests.api.conftest import make_user

pytest.importorskip("openapi_python_client", reason="openapi-python-client is not installed (requirements-dev.txt)")
httpx = pytest.importorskip("httpx")  # installed with openapi-python-client

pytestmark = pytest.mark.django_db(transaction=True)

PACKAGE = "ics_portal_client"


@pytest.fixture
def generated(live_server, tmp_path):
    """The client package, generated from the live schema into a temporary directory and imported."""
    schema = tmp_path / "schema.json"
    schema.write_bytes(httpx.get(f"{live_server.url}/api/v1/schema/?format=json").raise_for_status().content)
    config = tmp_path / "config.yaml"
    config.write_text("post_hooks: []\n")  # no formatter run over the generated code
    run = subprocess.run(
        [sys.executable, "-m", "openapi_python_client", "generate", "--path", str(schema), "--meta", "none"]
        + ["--output-path", str(tmp_path / PACKAGE), "--config", str(config)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0 and "Warning" not in run.stdout + run.stderr, run.stdout + run.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name == PACKAGE or name.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


@pytest.fixture
def partners():
    ics = f.IntegratedCareSystemFactory(slug="system-a")
    place = f.PlaceFactory(ics=ics, slug="leeds")
    for number in range(5):
        f.PartnershipFactory(ics=ics, place=place if number % 2 else None)
    return ics


def test_the_generated_client_pages_through_a_partner_list(generated, partners, live_server):
    icss_partners_list = importlib.import_module(f"{PACKAGE}.api.icss.icss_partners_list")
    client = generated.Client(base_url=live_server.url)
    rows, page = [], 1
    while page:
        answer = icss_partners_list.sync(client=client, slug="system-a", page=page, page_size=2)
        rows += answer.results
        page = page + 1 if answer.next_ else None
    expected = httpx.get(f"{live_server.url}/api/v1/icss/system-a/partners/", params={"page_size": 500}).json()
    assert [row.slug for row in rows] == [row["slug"] for row in expected["results"]] and len(rows) == 5
    # Compared as the client reads them: its datetimes are written back with +00:00 for the API's Z.
    model = type(rows[0])
    assert [row.to_dict() for row in rows] == [model.from_dict(row).to_dict() for row in expected["results"]]
    assert {row.place for row in rows} == {"leeds", None}


def test_the_generated_client_writes_with_a_bearer_token_and_is_refused_without(generated, partners, live_server):
    boards_create = importlib.import_module(f"{PACKAGE}.api.boards.boards_create")
    models = importlib.import_module(f"{PACKAGE}.models")
    board = models.BoardRequest(
        ics="system-a", name="Audit committee", slug="audit", kind=models.BoardKindEnum.COMMITTEE
    )

    key = Token.objects.create(user=make_user("staff", partners)).key
    created = boards_create.sync_detailed(client=generated.AuthenticatedClient(live_server.url, token=key), body=board)
    assert created.status_code == 201, created.content
    assert created.parsed.slug == "audit" and created.parsed.ics_url == f"{live_server.url}/api/v1/icss/system-a/"

    refused = boards_create.sync_detailed(client=generated.AuthenticatedClient(live_server.url, token="x"), body=board)
    assert refused.status_code == 401 and refused.parsed.code == "authentication_failed"
