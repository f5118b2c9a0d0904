"""API rate limits that hold: across gunicorn workers and servers, whatever X-Forwarded-For says, open if Redis is down.

These tests need a Redis: REDIS_URL (default redis://127.0.0.1:6379/15). `make test` starts a
throwaway one when none answers (bin/with_redis). They never skip: CI must run them. Each
test's counts carry their own key prefix and are deleted afterwards; nothing else in the
Redis database is touched.
"""

import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis
from django.db import connection

from ics_portal.api import throttling

BASE_DIR = Path(__file__).resolve().parents[2]
API_URL = "/api/v1/icss/"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture(scope="module")
def redis_url():
    url = os.environ.get("REDIS_URL", DEFAULT_REDIS_URL)
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        pytest.fail(
            f"Redis is not answering at REDIS_URL={url} ({error}): run the tests with `make test`, "
            "which starts a throwaway Redis, or `bin/with_redis .venv/bin/pytest …`, or set REDIS_URL.",
            pytrace=False,
        )
    return url


@pytest.fixture
def key_prefix(redis_url):
    prefix = f"ics-portal-test-{uuid.uuid4().hex[:12]}"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)


def _with_query(url, **params):
    query = "&".join(f"{name}={value}" for name, value in params.items())
    return f"{url}{'&' if '?' in url else '?'}{query}"


# --- In process: the Redis count, and Redis down ----------------------------------------------------


@pytest.fixture
def redis_cache(settings, redis_url, key_prefix):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": key_prefix,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    throttling._outage.reset()
    yield
    throttling._outage.reset()


def _rate(settings, anon):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": anon, "user": None}}


def test_in_redis_the_limit_counts_the_client_not_its_headers(anon_client, settings, redis_cache):
    _rate(settings, "3/minute")
    settings.NUM_PROXIES = 1
    via_proxy = {"REMOTE_ADDR": "10.0.0.2"}
    statuses = [
        anon_client.get(API_URL, **via_proxy, HTTP_X_FORWARDED_FOR=f"192.0.2.{i}, 203.0.113.7").status_code
        for i in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    throttled = anon_client.get(API_URL, **via_proxy, HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.7")
    assert throttled.status_code == 429 and throttled.json()["code"] == "throttled"
    assert 45 <= int(throttled["Retry-After"]) <= 60  # until the oldest of the three leaves the minute
    # Another client behind the same proxy has its own count.
    assert anon_client.get(API_URL, **via_proxy, HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 200


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    throttling._outage.reset()
    yield
    throttling._outage.reset()


def test_with_redis_down_requests_are_served_unthrottled_and_it_is_logged_once(
    anon_client, settings, redis_down, caplog, monkeypatch
):
    _rate(settings, "1/minute")
    caplog.set_level(logging.WARNING, logger="ics_portal.api.throttling")
    statuses = [anon_client.get(API_URL).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert "API rate limits are off" in errors[0].getMessage()
    assert "ConnectionError" in errors[0].getMessage()

    # While backing off, the throttle does not even try Redis.
    tried = []
    monkeypatch.setattr(throttling.AnonymousThrottle, "_allow_in_redis", lambda self, backend: tried.append(1))
    assert anon_client.get(API_URL).status_code == 200
    assert tried == []


def test_after_an_outage_the_limits_come_back(anon_client, settings, redis_url, key_prefix, caplog):
    _rate(settings, "1/minute")
    caplog.set_level(logging.WARNING, logger="ics_portal.api.throttling")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
    throttling._outage.reset()
    try:
        assert anon_client.get(API_URL).status_code == 200
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": redis_url,
                "KEY_PREFIX": key_prefix,
            }
        }
        throttling._outage.until = 0.0  # the back-off has passed
        assert [anon_client.get(API_URL).status_code for _ in range(2)] == [200, 429]
        assert any("API rate limits are back on" in r.getMessage() for r in caplog.records)
    finally:
        throttling._outage.reset()


# --- Across processes: gunicorn workers and servers sharing one Redis ------------------------------


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _test_database_url():
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _get(url, forwarded_for=None):
    request = urllib.request.Request(url)
    if forwarded_for:
        request.add_header("X-Forwarded-For", forwarded_for)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


class Server:
    def __init__(self, tmp_path, name, *, workers, proxies, cache_url):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.access_log = tmp_path / f"{name}-access.log"
        self.error_log = tmp_path / f"{name}-error.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "ics_portal.test_settings",
            "DATABASE_URL": _test_database_url(),
            "TEST_SERVER_CACHE_URL": cache_url,
            "DJANGO_NUM_PROXIES": str(proxies),
            "API_ANON_THROTTLE_RATE": "120/minute",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "ics_portal.wsgi:application",
                f"--bind=127.0.0.1:{self.port}",
                f"--workers={workers}",
                "--preload",
                f"--access-logfile={self.access_log}",
                "--access-logformat=%(p)s %(s)s %(U)s",
                f"--error-logfile={self.error_log}",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.workers = workers

    def wait_until_ready(self, timeout=90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            booted = self.error_log.exists() and self.error_log.read_text().count("Booting worker") >= self.workers
            if booted:
                try:
                    if _get(self.url + "/robots.txt")[0] == 200:
                        return
                except OSError:
                    pass
            time.sleep(0.2)
        log = self.error_log.read_text() if self.error_log.exists() else "(no log)"
        self.stop()
        pytest.fail(f"gunicorn did not start on {self.url}:\n{log[-3000:]}", pytrace=False)

    def api_pids(self):
        lines = self.access_log.read_text().splitlines() if self.access_log.exists() else []
        return {line.split()[0] for line in lines if API_URL in line}

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # gunicorn's quick shutdown: the test is over
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def serve(django_db_setup, tmp_path, redis_url, key_prefix):
    """Start gunicorn servers on loopback against the test database, counting in Redis under this test's prefix.

    The servers only read (an empty list of ICSs is enough), so nothing needs committing or flushing.
    """
    servers = []

    def start(name, *, workers, proxies):
        server = Server(
            tmp_path,
            name,
            workers=workers,
            proxies=proxies,
            cache_url=_with_query(redis_url, key_prefix=key_prefix),
        )
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def _send_concurrently(urls_and_headers):
    with ThreadPoolExecutor(max_workers=6) as pool:
        return list(pool.map(lambda args: _get(*args), urls_and_headers))


def _made_up(i):
    return f"198.18.{i // 200}.{i % 200 + 1}"


def test_the_121st_request_in_a_minute_is_refused_across_three_workers_whatever_x_forwarded_for_says(serve):
    """No proxy in front (NUM_PROXIES=0): every request comes from 127.0.0.1 and claims a new address."""
    server = serve("direct", workers=3, proxies=0)
    server.wait_until_ready()

    results = _send_concurrently([(server.url + API_URL, _made_up(i)) for i in range(120)])
    assert [status for status, _ in results] == [200] * 120

    status, headers = _get(server.url + API_URL, _made_up(120))
    assert status == 429
    assert 1 <= int(headers["Retry-After"]) <= 60
    assert _get(server.url + API_URL)[0] == 429  # and without the header
    assert len(server.api_pids()) >= 2, "the requests should have been served by several workers"


def test_behind_one_proxy_the_limit_holds_across_two_servers_and_is_per_client(serve):
    """NUM_PROXIES=1: the proxy appends the client's address; the client's own left-hand entries change nothing."""
    servers = [serve("a", workers=2, proxies=1), serve("b", workers=2, proxies=1)]
    for server in servers:
        server.wait_until_ready()
    client = "203.0.113.7"

    requests = [(servers[i % 2].url + API_URL, f"{_made_up(i)}, {client}") for i in range(120)]
    assert [status for status, _ in _send_concurrently(requests)] == [200] * 120

    for server in servers:
        status, headers = _get(server.url + API_URL, f"{_made_up(500)}, {client}")
        assert status == 429 and 1 <= int(headers["Retry-After"]) <= 60
    # Another client behind the same proxy is not limited by the first one's count.
    assert _get(servers[1].url + API_URL, "203.0.113.8")[0] == 200
    assert all(server.api_pids() for server in servers), "both servers should have served requests"
