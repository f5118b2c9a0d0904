"""HEAD wherever GET is, OPTIONS without the page, TRACE refused, and the CSP's base-uri and form-action."""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db

PAGE_METHODS = "GET, HEAD, OPTIONS"

PUBLIC = [
    "home",
    "ics",
    "place",
    "organisation",
    "board",
    "meeting",
    "mou",
    "person",
    "partners",
    "search",
    "robots",
    "sitemap",
    "sitemap-section",
    "ics-csv",
    "partners-csv",
    "search-csv",
    "board-calendar",
    "atom",
    "rss",
    "healthz",
]


@pytest.fixture
def urls():
    """One URL of every kind of public page and download, each with a record behind it."""
    ics = f.IntegratedCareSystemFactory()
    f.IcsStageFactory(ics=ics)
    place = f.PlaceFactory(ics=ics)
    organisation = f.OrganisationFactory()
    f.PartnershipFactory(organisation=organisation, ics=ics, place=place)
    board = f.BoardFactory(ics=ics)
    person = f.PersonFactory()
    f.BoardMembershipFactory(board=board, person=person, organisation=organisation)
    meeting = f.MeetingFactory(board=board)
    f.DocumentFactory(meeting=meeting)
    mou = f.MoUFactory(ics=ics)
    f.MoUSignatoryFactory(mou=mou, organisation=organisation)
    return {
        "home": "/",
        "ics": reverse("site:ics_detail", args=[ics.slug]),
        "place": reverse("site:place_detail", args=[place.slug]),
        "organisation": reverse("site:organisation_detail", args=[organisation.slug]),
        "board": reverse("governance:board_detail", args=[board.slug]),
        "meeting": reverse("governance:meeting_detail", args=[board.slug, meeting.slug]),
        "mou": reverse("governance:mou_detail", args=[mou.slug]),
        "person": reverse("governance:person_detail", args=[person.slug]),
        "partners": reverse("partners:directory"),
        "search": reverse("site:search") + "?q=x",
        "robots": "/robots.txt",
        "sitemap": "/sitemap.xml",
        "sitemap-section": "/sitemap-boards.xml",
        "ics-csv": reverse("places:ics_csv"),
        "partners-csv": reverse("partners:directory_csv"),
        "search-csv": reverse("site:search_csv") + "?q=x",
        "board-calendar": reverse("governance:board_meetings_ics", args=[board.slug]),
        "atom": reverse("governance:published_atom"),
        "rss": reverse("governance:published_rss"),
        "healthz": "/healthz",
    }


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("name", PUBLIC)
def test_head_answers_as_get_does_without_a_body(client, urls, name):
    got = client.get(urls[name])
    assert got.status_code == 200, body(got)[:300]
    assert body(got), "GET should have a body for HEAD to leave out"

    head = client.head(urls[name])

    assert head.status_code == 200
    assert body(head) == b""
    assert head["Content-Type"] == got["Content-Type"]


def served(method, path):
    """Status, headers and body as Django's WSGI handler gives them to a server; the test client drops HEAD bodies."""
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = int(status.split()[0]), dict(headers)

    # As the test client does: the test's transaction holds the connection, so it must not be closed.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = WSGIHandler()(RequestFactory().generic(method, path).environ, start_response)
        try:
            body = b"".join(result)
        finally:
            result.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return answer["status"], answer["headers"], body


@pytest.mark.parametrize("name", ["home", "search", "robots", "partners-csv", "healthz"])
def test_head_leaves_the_body_out_before_the_server_has_to(urls, name):
    status, get_headers, get_body = served("GET", urls[name])
    assert status == 200 and get_body

    status, headers, body = served("HEAD", urls[name])

    assert status == 200
    assert body == b""
    assert headers.get("Content-Length") == get_headers.get("Content-Length")


@pytest.mark.parametrize("name", PUBLIC)
def test_trace_is_refused_with_the_methods_allowed(client, urls, name):
    response = client.generic("TRACE", urls[name])

    assert response.status_code == 405
    assert response["Allow"] == PAGE_METHODS
    assert body(response) == b""


@pytest.mark.parametrize("name", PUBLIC)
def test_options_answers_the_methods_allowed_without_the_page(client, urls, name):
    response = client.options(urls[name])

    assert response.status_code == 200
    assert response["Allow"] == PAGE_METHODS
    assert body(response) == b""
    assert response["Content-Length"] == "0"
    assert not response.cookies


def test_post_to_a_read_only_download_is_still_refused(client, urls):
    response = client.post(urls["robots"])
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_the_api_still_describes_an_endpoint_on_options(client):
    response = client.options("/api/v1/icss/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    body = response.json()
    assert body["name"]
    assert "application/json" in body["renders"]
    assert "GET" in response["Allow"]


def test_the_api_refuses_trace_in_its_own_error_shape(client, superuser):
    # A method no handler takes is a 405 before credentials are asked for: no token would make TRACE work.
    anonymous = client.generic("TRACE", "/api/v1/icss/", HTTP_ACCEPT="application/json")
    assert anonymous.status_code == 405
    assert anonymous.json()["code"] == "method_not_allowed"

    client.force_login(superuser)
    staff = client.generic("TRACE", "/api/v1/icss/", HTTP_ACCEPT="application/json")
    assert staff.status_code == 405
    assert staff.json()["code"] == "method_not_allowed"


@pytest.fixture
def superuser():
    return get_user_model().objects.create_superuser("admin", "admin@example.org", "a long enough password")


def test_the_admin_still_signs_in_and_shows_its_forms(client, superuser):
    assert client.get("/admin/login/").status_code == 200

    signed_in = client.post("/admin/login/?next=/admin/", {"username": "admin", "password": "a long enough password"})

    assert signed_in.status_code == 302
    assert signed_in["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/partners/organisation/add/").status_code == 200


def test_the_admin_says_it_takes_post_and_refuses_trace(client):
    options = client.options("/admin/login/")
    assert options.status_code == 200
    assert options["Allow"] == "GET, HEAD, OPTIONS, POST"
    assert options.content == b""

    trace = client.generic("TRACE", "/admin/login/")
    assert trace.status_code == 405
    assert "POST" in trace["Allow"]


def csp_directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())


@pytest.mark.parametrize("path", ["/", "/search/?q=x", "/no-such-page/", "/admin/login/", "/api/v1/docs/"])
def test_csp_keeps_base_and_form_submissions_on_this_site(client, path):
    directives = csp_directives(client.get(path))

    assert directives["base-uri"] == "'self'"
    assert directives["form-action"] == "'self'"


def test_the_docs_page_keeps_its_inline_styles_under_the_stricter_policy(client):
    directives = csp_directives(client.get("/api/v1/docs/"))
    assert "'unsafe-inline'" in directives["style-src"]
    assert directives["script-src"] == "'self'"


@pytest.mark.parametrize("path", ["/", "/search/?q=x", "/no-such-page/", "/admin/login/"])
def test_every_form_submits_to_this_site_so_form_action_self_allows_it(client, path):
    html = client.get(path).content.decode()
    actions = re.findall(r"<form\b[^>]*?\baction=\"([^\"]*)\"", html)

    assert actions, f"no form on {path}"
    for action in actions:
        parts = urlsplit(action)
        assert not parts.scheme and not parts.netloc, f"{path}: a form posts to {action}"
