"""Which requests may read from a replica, and the read-your-writes cookie (one database here; the real
replica is in test_read_replicas.py)."""

import time

import pytest
from django.db import OperationalError, router
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import path
from rest_framework.decorators import api_view
from rest_framework.response import Response

from ics_portal.core import db_router
from ics_portal.core.db_router import READ_YOUR_WRITES_COOKIE, ReplicaReadsMiddleware, may_read_from_replica
from places.models import IntegratedCareSystem

LOGIN = "/admin/login/"


@pytest.fixture
def replicas(settings):
    settings.DATABASE_REPLICAS = ["replica_0"]
    settings.DATABASE_READ_YOUR_WRITES_SECONDS = 10


def _with_cookie(request, name, value):
    request.COOKIES[name] = value
    return request


@pytest.mark.django_db
def test_without_replicas_a_write_sets_no_cookie(client):
    response = client.post(LOGIN, {"username": "nobody", "password": "wrong"})
    assert response.status_code == 200
    assert READ_YOUR_WRITES_COOKIE not in response.cookies


@pytest.mark.django_db
def test_a_write_sends_the_client_to_the_primary_for_the_next_seconds_and_a_read_does_not(client, replicas):
    assert READ_YOUR_WRITES_COOKIE not in client.get(LOGIN).cookies

    cookie = client.post(LOGIN, {"username": "nobody", "password": "wrong"}).cookies[READ_YOUR_WRITES_COOKIE]

    assert time.time() + 8 < int(cookie.value) <= time.time() + 10
    assert cookie["max-age"] == 10
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


rf = RequestFactory()
NOW = int(time.time())


@pytest.mark.parametrize(
    ("request_", "replica"),
    [
        (rf.get("/"), True),
        (rf.head("/"), True),
        (_with_cookie(rf.get("/"), "csrftoken", "x"), True),
        (rf.post("/"), False),
        (rf.options("/"), False),
        (_with_cookie(rf.get("/"), "sessionid", "x"), False),
        (rf.get("/api/v1/icss/", HTTP_AUTHORIZATION="Token x"), False),
        (_with_cookie(rf.get("/"), READ_YOUR_WRITES_COOKIE, str(NOW + 3600)), False),
        (_with_cookie(rf.get("/"), READ_YOUR_WRITES_COOKIE, str(NOW - 1)), True),
        (_with_cookie(rf.get("/"), READ_YOUR_WRITES_COOKIE, str(NOW + 10**6)), True),
        (_with_cookie(rf.get("/"), READ_YOUR_WRITES_COOKIE, "soon"), True),
    ],
    ids=[
        "anonymous GET",
        "anonymous HEAD",
        "a CSRF cookie only",
        "POST",
        "OPTIONS",
        "signed in",
        "API token",
        "wrote a moment ago",
        "wrote a while ago",
        "a cookie set further ahead than the window",
        "a cookie that is not a time",
    ],
)
def test_which_requests_may_read_from_a_replica(settings, request_, replica):
    settings.DATABASE_READ_YOUR_WRITES_SECONDS = 3600
    assert may_read_from_replica(request_) is replica


@pytest.mark.django_db
def test_reads_inside_a_transaction_on_the_primary_stay_on_it(replicas):
    """pytest-django runs each test inside a transaction on the primary, as a write's request would be."""
    middleware = ReplicaReadsMiddleware(lambda request: HttpResponse(router.db_for_read(IntegratedCareSystem)))
    assert middleware(rf.get("/")).content == b"default"


def test_a_get_that_writes_reads_the_rest_from_the_primary(replicas):
    def view(request):
        router.db_for_write(IntegratedCareSystem)
        return HttpResponse(router.db_for_read(IntegratedCareSystem))

    assert ReplicaReadsMiddleware(view)(rf.get("/")).content == b"default"


def lose_the_replica_mid_read(request):
    """A page whose replica goes away while it reads (a restart, a failover): its connection errors."""
    alias = router.db_for_read(IntegratedCareSystem)
    if alias != "default":
        raise OperationalError("server closed the connection unexpectedly")
    return HttpResponse(alias)


@api_view(["GET"])
def lose_the_replica_mid_api_read(request):
    """The same in the API, whose exception handler answers a database error itself (503, in JSON)."""
    return Response(lose_the_replica_mid_read(request).content.decode())


urlpatterns = [path("read/", lose_the_replica_mid_read), path("api-read/", lose_the_replica_mid_api_read)]


@pytest.mark.parametrize("path, answer", [("/read/", b"default"), ("/api-read/", b'"default"')])
def test_a_read_that_loses_its_replica_is_answered_from_the_primary_and_the_replica_skipped(
    client, replicas, settings, monkeypatch, path, answer
):
    settings.ROOT_URLCONF = __name__
    settings.DATABASE_REPLICA_RETRY_SECONDS = 60
    # The replica answered when the request began (its connection check), then went away mid-read.
    monkeypatch.setattr(db_router, "reachable_replica", lambda: "replica_0")
    monkeypatch.setattr(db_router, "_down_until", {})

    response = client.get(path)

    assert response.status_code == 200 and response.content == answer
    assert db_router._down_until["replica_0"] > time.monotonic() + 50
