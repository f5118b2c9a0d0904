"""Contract: the OpenAPI schema is valid, documents every filter and error, and real answers match it."""

import pytest
from django.utils import timezone
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import factories as f
from tests.api.conftest import client_for


@pytest.fixture
def spec(anon_client):
    response = anon_client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def test_schema_is_valid_openapi_3(spec):
    assert spec["openapi"].startswith("3.")
    validate(spec)


def test_schema_documents_every_partner_filter(spec):
    for path in ("/api/v1/organisations/", "/api/v1/icss/{slug}/partners/"):
        names = {p["name"] for p in spec["paths"][path]["get"]["parameters"]}
        expected = {"place", "kind", "sector", "ods_code", "active", "as_at", "modified_since", "ordering"}
        assert expected | {"page", "page_size", "format", "If-None-Match"} <= names, path
    assert "ics" in {p["name"] for p in spec["paths"]["/api/v1/organisations/"]["get"]["parameters"]}


def test_every_list_documents_modified_since(spec):
    for path, operations in spec["paths"].items():
        if path.endswith("/") and "{" not in path.split("/")[-2] and "get" in operations:
            names = {p["name"] for p in operations["get"]["parameters"]}
            assert "modified_since" in names, path


EXPECTED_CODES = {
    "get": {"200", "304", "401", "404", "429"},
    "post": {"201", "400", "401", "403", "409", "429"},
    "put": {"200", "400", "401", "403", "404", "409", "412", "429"},
    "patch": {"200", "400", "401", "403", "404", "409", "412", "429"},
    "delete": {"204", "401", "403", "404", "409", "412", "429"},
}


def test_every_operation_documents_its_errors(spec):
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method not in EXPECTED_CODES:
                continue
            assert EXPECTED_CODES[method] <= set(operation["responses"]), (method, path)
            if method == "get" and not path.endswith("}/"):
                assert "400" in operation["responses"], path  # Bad filter values.
            assert "Retry-After" in operation["responses"]["429"]["headers"]


def _validate(spec, path, method, response):
    documented = spec["paths"][path][method]["responses"][str(response.status_code)]
    if response.status_code in (204, 304):
        assert response.content == b""
        return
    media = documented["content"]["application/json"]["schema"]
    schema = {**media, "components": spec["components"]}
    OAS30Validator(schema).validate(response.json())


@pytest.fixture
def world(ics_a):
    place = f.PlaceFactory(ics=ics_a)
    f.IcsStageFactory(ics=ics_a)
    organisation = f.OrganisationFactory(successor=f.OrganisationFactory())
    f.PartnershipFactory(organisation=organisation, ics=ics_a, place=place)
    board = f.BoardFactory(ics=ics_a, place=place)
    membership = f.BoardMembershipFactory(board=board, organisation=organisation)
    meeting = f.MeetingFactory(board=board, minutes_published_at=timezone.now())
    f.AgendaItemFactory(meeting=meeting, minutes="Noted")
    f.AgendaItemFactory(meeting=f.MeetingFactory(board=board), minutes="Draft")
    mou = f.MoUFactory(ics=ics_a, place=place)
    f.MoUSignatoryFactory(mou=mou, organisation=organisation)
    programme = f.ProgrammeFactory(ics=ics_a, lead_organisation=organisation)
    item = meeting.agenda_items.get()
    return {
        "icss": ics_a.slug,
        "places": place.slug,
        "organisations": organisation.slug,
        "partnerships": organisation.partnerships.get().pk,
        "boards": board.slug,
        "board-memberships": membership.pk,
        "people": membership.person.slug,
        "meetings": meeting.pk,
        "mous": mou.slug,
        "programmes": programme.pk,
        "agenda-items": item.pk,
        "mou-signatories": mou.signatories.get().pk,
    }


LOOKUP = {"icss": "slug", "places": "slug", "organisations": "slug", "boards": "slug", "people": "slug", "mous": "slug"}


def test_real_read_answers_match_the_schema(spec, world, anon_client):
    for name, key in world.items():
        template = f"/api/v1/{name}/{{{LOOKUP.get(name, 'id')}}}/"
        _validate(spec, f"/api/v1/{name}/", "get", anon_client.get(f"/api/v1/{name}/"))
        _validate(spec, template, "get", anon_client.get(f"/api/v1/{name}/{key}/"))
        _validate(spec, template, "get", anon_client.get(f"/api/v1/{name}/{key}0000/"))  # 404
    _validate(spec, "/api/v1/icss/{slug}/partners/", "get", anon_client.get("/api/v1/icss/system-a/partners/"))
    _validate(spec, "/api/v1/organisations/", "get", anon_client.get("/api/v1/organisations/?as_at=soon"))  # 400
    _validate(spec, "/api/v1/organisations/", "get", anon_client.get("/api/v1/organisations/?page=9"))  # 404
    etag = anon_client.get("/api/v1/boards/")["ETag"]
    _validate(spec, "/api/v1/boards/", "get", anon_client.get("/api/v1/boards/", HTTP_IF_NONE_MATCH=etag))  # 304


def test_real_write_answers_match_the_schema(spec, world, staff_a, staff_b, anon_client):
    client = client_for(staff_a)
    board_path = "/api/v1/boards/{slug}/"
    created = client.post(
        "/api/v1/boards/", {"ics": "system-a", "name": "N", "slug": "n", "kind": "icp"}, format="json"
    )
    assert created.status_code == 201
    _validate(spec, "/api/v1/boards/", "post", created)
    _validate(spec, "/api/v1/boards/", "post", client.post("/api/v1/boards/", {"slug": "?"}, format="json"))  # 400
    _validate(spec, "/api/v1/boards/", "post", anon_client.post("/api/v1/boards/", {}, format="json"))  # 401
    url = f"/api/v1/boards/{world['boards']}/"
    _validate(spec, board_path, "patch", client_for(staff_b).patch(url, {"name": "X"}, format="json"))  # 403
    _validate(spec, board_path, "patch", client.patch(url, {"name": "X"}, format="json", HTTP_IF_MATCH='"old"'))  # 412
    _validate(
        spec,
        board_path,
        "put",
        client.put(url, {"ics": "system-a", "name": "Y", "slug": world["boards"], "kind": "committee"}, format="json"),
    )  # 200
    _validate(spec, board_path, "delete", client.delete(url))  # 204
    organisation_path = "/api/v1/organisations/{slug}/"
    signed = f"/api/v1/organisations/{world['organisations']}/"
    _validate(spec, organisation_path, "delete", client_for(staff_a).delete(signed))  # 409


def test_throttled_answer_matches_the_schema(spec, anon_client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "1/minute", "user": None}}
    anon_client.get("/api/v1/icss/")
    throttled = anon_client.get("/api/v1/icss/")
    assert throttled.status_code == 429
    _validate(spec, "/api/v1/icss/", "get", throttled)


def test_docs_are_served_from_local_static_files(anon_client):
    page = anon_client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "https://" not in html
    script = anon_client.get("/api/v1/docs/?script=")
    assert script.status_code == 200 and "/api/v1/schema/" in script.content.decode()
    policy = page["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-eval" not in policy


def test_reads_are_public_and_writes_take_a_bearer_or_token(spec):
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "get":
                assert "security" not in operation, f"a read needs no credentials: {path}"
            elif method in EXPECTED_CODES:
                assert {"bearerAuth": []} in operation["security"] and {"tokenAuth": []} in operation["security"]
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A staff user's API token: `Bearer <key>`.",
    }


def test_csv_is_declared_as_text_and_each_parameter_enum_is_one_component(spec):
    operation = spec["paths"]["/api/v1/icss/{slug}/partners/"]["get"]
    assert operation["responses"]["200"]["content"]["text/csv"]["schema"]["type"] == "string"
    parameters = [p for ops in spec["paths"].values() for op in ops.values() for p in op.get("parameters", [])]
    inline = {p["name"] for p in parameters if p["in"] == "query" and "enum" in p["schema"]}
    assert not inline, "an enum per operation makes a class per operation in a generated client"
    assert spec["components"]["schemas"]["Format"] == {"type": "string", "enum": ["json", "csv"]}
    by_name = {p["name"]: p for p in operation["parameters"]}
    assert by_name["format"]["schema"] == {"$ref": "#/components/schemas/Format"}
    assert by_name["include"]["schema"] == {"$ref": "#/components/schemas/Include"}
    assert "today" in by_name["as_at"]["description"]


def test_a_bearer_token_writes_as_a_token_does(staff_a, ics_a):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {Token.objects.create(user=staff_a).key}")
    created = client.post(
        "/api/v1/boards/", {"ics": "system-a", "name": "N", "slug": "n", "kind": "icp"}, format="json"
    )
    assert created.status_code == 201, created.content
    client.credentials(HTTP_AUTHORIZATION="Bearer wrong")
    refused = client.post(
        "/api/v1/boards/", {"ics": "system-a", "name": "M", "slug": "m", "kind": "icp"}, format="json"
    )
    assert refused.status_code == 401 and refused["WWW-Authenticate"] == "Token"
