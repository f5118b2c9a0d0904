"""/healthz, and 503 with Retry-After while the database cannot be reached, then recovery by itself.

The outage is real: the database connection is pointed at a port nothing listens on and
its backend is terminated, and requests go through Django's own WSGI handler, which
closes a failed connection at the end of a request and opens a new one on the next, as
a gunicorn worker does. Nothing mocks a database answer.
"""

import socket
import time
from unittest import mock

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connection, connections
from django.template import loader
from django.test import RequestFactory

from ics_portal.api.exceptions import portal_exception_handler
from ics_portal.core.middleware import DatabaseUnavailableMiddleware
from tests import factories as f

PAGE = "/"
API = "/api/v1/icss/"
HEALTH = "/healthz"


# --- /healthz while the database answers -------------------------------------------------------


@pytest.mark.django_db
def test_healthz_answers_ok_after_asking_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(1) as queries:
        response = client.get(HEALTH)

    assert queries.captured_queries[0]["sql"] == "SELECT 1"
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


@pytest.mark.django_db
def test_healthz_answers_head(client):
    response = client.head(HEALTH)
    assert response.status_code == 200
    assert response.content == b""
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_plain_http_probe_of_healthz_is_answered_while_pages_redirect_to_https(settings):
    from django.test import Client

    settings.SECURE_SSL_REDIRECT = True
    probe = Client()

    assert probe.get(HEALTH).status_code == 200
    assert probe.get("/").status_code == 301


@pytest.mark.django_db
def test_healthz_needs_no_csrf_token_and_refuses_writes():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(HEALTH)

    # 405 from the view, not 403 from the CSRF check.
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


# --- the pages that say so --------------------------------------------------------------------


def test_503_page_renders_without_database_or_request():
    # No django_db mark: any query would fail the test.
    html = loader.get_template("503.html").render()
    assert "<title>Sorry, the service is unavailable – ICS Portal</title>" in html
    assert 'class="nhsuk-header' in html
    assert 'href="/static/nhsuk/nhsuk-frontend.min.css"' in html


@pytest.mark.parametrize("error", [OperationalError("connection refused"), InterfaceError("connection already closed")])
def test_api_exception_handler_answers_503_for_a_lost_database(error):
    request = RequestFactory().get(API)

    response = portal_exception_handler(error, {"request": request, "view": None})

    assert response is not None, "a lost database would be a 500"
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.data == {"detail": mock.ANY, "code": "service_unavailable"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("path", "content_type"), [("/boards/x/", "text/html; charset=utf-8"), ("/api/v1/other/", "application/json")]
)
def test_middleware_answers_503_as_a_page_or_as_json(path, content_type):
    # No django_db mark: building the answer must not query.
    middleware = DatabaseUnavailableMiddleware(lambda request: None)

    response = middleware.process_exception(RequestFactory().get(path), OperationalError("connection refused"))

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"] == content_type


def test_middleware_leaves_other_errors_to_the_500_page():
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    assert middleware.process_exception(RequestFactory().get("/"), ValueError("a bug")) is None


# --- a real outage, and recovery ------------------------------------------------------------


class Wsgi:
    """Requests through Django's WSGI handler, closing each response as a WSGI server does.

    Unlike the test client, this keeps Django's connection housekeeping at the start and
    end of every request (close_old_connections), which is what recovers from an outage.
    """

    def __init__(self):
        self.handler = WSGIHandler()

    def __call__(self, path, method="GET"):
        environ = RequestFactory().generic(method, path, HTTP_ACCEPT="text/html,application/json").environ
        answer = {}

        def start_response(status, headers, exc_info=None):
            answer["status"] = int(status.split()[0])
            answer["headers"] = headers

        result = self.handler(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            result.close()
        headers = dict(answer["headers"])
        headers["Set-Cookie"] = [value for name, value in answer["headers"] if name == "Set-Cookie"]
        return answer["status"], headers, body


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def terminate_backend(pid: int):
    """Kill a backend from a second connection, as a database restart or fail-over does, and wait for it to go."""
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            for _ in range(100):
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
                if cursor.fetchone()[0] == 0:
                    return
                time.sleep(0.05)
        raise AssertionError(f"backend {pid} is still there")
    finally:
        other.close()


def assert_unavailable(wsgi, path):
    status, headers, body = wsgi(path)
    assert status == 503, (path, status, body[:300])
    assert headers["Retry-After"] == "30"
    assert "no-store" in headers["Cache-Control"]
    assert headers["Set-Cookie"] == []
    return headers, body


@pytest.mark.django_db(transaction=True)
def test_outage_answers_503_everywhere_and_recovery_needs_nobody():
    f.IcsStageFactory(ics=f.IntegratedCareSystemFactory(short_name="Recovered System"))
    wsgi = Wsgi()
    # As in production: a connection kept between requests.
    with mock.patch.dict(connection.settings_dict, {"CONN_MAX_AGE": 60}):
        connection.close()
        assert wsgi(HEALTH)[0] == 200
        assert wsgi(PAGE)[0] == 200
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]

        # The database goes away: the kept connection dies, and no new one can be opened.
        terminate_backend(pid)
        with mock.patch.dict(connection.settings_dict, {"HOST": "127.0.0.1", "PORT": str(closed_port())}):
            headers, body = assert_unavailable(wsgi, PAGE)
            assert headers["Content-Type"] == "text/html; charset=utf-8"
            assert "<h1>Sorry, the service is unavailable</h1>" in body.decode()

            headers, body = assert_unavailable(wsgi, API)
            assert headers["Content-Type"] == "application/json"
            assert b'"code":"service_unavailable"' in body.replace(b" ", b"")
            assert b'"detail"' in body

            headers, body = assert_unavailable(wsgi, HEALTH)
            assert body.replace(b" ", b"") == b'{"database":"unavailable","cache":"ok"}'

            assert wsgi(HEALTH, method="HEAD")[0] == 503

        # The database is back: the next requests reconnect by themselves.
        status, _, body = wsgi(PAGE)
        assert status == 200 and b"Recovered System" in body
        status, _, body = wsgi(API)
        assert status == 200 and b"Recovered System" in body
        assert wsgi(HEALTH) == (200, mock.ANY, b'{"database": "ok", "cache": "ok"}')
    connection.close()
