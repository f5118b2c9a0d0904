"""A cache outage is not an outage: with Redis stopped pages, the API and /healthz answer, uncached,
and the cache is used again by itself once Redis is back.

The Redis is real: a throwaway redis-server on a loopback port of its own, stopped and started again.
"""

import logging
import shutil
import socket
import subprocess
import time

import pytest

from ics_portal.core import response_cache
from tests import factories as f

REDIS_SERVER = shutil.which("redis-server")
pytestmark = pytest.mark.skipif(
    REDIS_SERVER is None, reason="redis-server is not installed (apt-get install redis-server)"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_redis(port: int, tmp_path) -> subprocess.Popen:
    server = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
    )
    for _ in range(50):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return server
        time.sleep(0.1)
    server.kill()
    pytest.fail(f"redis-server did not start on port {port}")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def redis_port(tmp_path, settings, monkeypatch):
    port = free_port()
    server = start_redis(port, tmp_path)
    settings.RESPONSE_CACHE_ENABLED = True
    settings.CACHES = {
        **settings.CACHES,
        "responses": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        },
    }
    monkeypatch.setattr(response_cache._outage, "backoff", 0.2)
    response_cache._outage.reset()
    yield port, server
    if server.poll() is None:
        stop(server)
    response_cache._outage.reset()


@pytest.mark.django_db
def test_pages_api_and_healthz_answer_while_redis_is_down_and_the_cache_comes_back_by_itself(
    client, redis_port, tmp_path, caplog
):
    port, server = redis_port
    ics = f.IntegratedCareSystemFactory(name="NHS Outage Integrated Care Board")
    urls = (f"/ics/{ics.slug}/", "/api/v1/icss/")
    for url in urls:
        client.get(url)
        assert client.get(url)["X-Response-Cache"] == "hit"

    stop(server)
    with caplog.at_level(logging.ERROR, logger="ics_portal.core.response_cache"):
        for _ in range(3):
            for url in urls:
                response = client.get(url)
                assert response.status_code == 200 and b"NHS Outage" in response.content
                assert response["X-Response-Cache"] == "miss"
    outage_logs = [record for record in caplog.records if "Response cache unavailable" in record.message]
    assert len(outage_logs) == 1  # once, not once a request
    health = client.get("/healthz")
    assert (health.status_code, health.json()) == (200, {"database": "ok", "cache": "unavailable"})

    server = start_redis(port, tmp_path)
    try:
        time.sleep(0.3)  # past the back-off
        for url in urls:
            assert client.get(url)["X-Response-Cache"] == "miss"
            assert client.get(url)["X-Response-Cache"] == "hit"
        assert client.get("/healthz").json() == {"database": "ok", "cache": "ok"}
    finally:
        stop(server)
