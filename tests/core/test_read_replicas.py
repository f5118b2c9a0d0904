"""Read replicas for real: a throwaway PostgreSQL primary and a streaming standby made with pg_basebackup.

The portal runs under gunicorn against both. Replay on the standby is paused, so a write on the
primary is not yet there: an anonymous reader sees the old value (it read the replica) while the
writer, and staff with a token, see the new one (they read the primary). Then the replica is
stopped (reads fall back to the primary, no error) and started again (reads return to it).
"""

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django.conf import settings

from bench.clusters import PG_BIN, free_port, make_primary, make_replica, wait_for
from ics_portal.core.db_router import READ_YOUR_WRITES_COOKIE

pytestmark = pytest.mark.skipif(
    PG_BIN is None or not (PG_BIN / "pg_basebackup").exists(),
    reason="needs PostgreSQL's server binaries (initdb, pg_ctl, pg_basebackup) under /usr/lib/postgresql/*/bin",
)

SLUG = "replica-test"
API = f"/api/v1/icss/{SLUG}/"
RETRY_SECONDS = 1
SEED = f"""
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from tests import factories as f
f.IntegratedCareSystemFactory(slug="{SLUG}", population=1_000_000)
user = get_user_model().objects.create_superuser("replica-admin", "admin@example.org", "a-long-password-1")
print(Token.objects.create(user=user).key)
"""


def _population(cluster):
    return cluster.run(f"SELECT population FROM places_integratedcaresystem WHERE slug = '{SLUG}'")[0]


def _manage(environment, *arguments):
    done = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


class Portal:
    def __init__(self, environment, log):
        self.url = f"http://127.0.0.1:{free_port()}"
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "ics_portal.wsgi:application", f"--bind={self.url[7:]}", "--workers=1"],
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=log.open("w"),
        )
        wait_for(self._answers, timeout=60)

    def _answers(self):
        if self.process.poll() is not None:
            pytest.fail(f"gunicorn stopped:\n{self.log.read_text()[-3000:]}", pytrace=False)
        try:
            return self.get("/robots.txt")[0] == 200
        except OSError:
            return False

    def get(self, path, opener=None, headers=None):
        return self.request("GET", path, opener, headers)

    def request(self, method, path, opener=None, headers=None, body=None):
        request = urllib.request.Request(self.url + path, method=method, headers=headers or {}, data=body)
        try:
            with (opener or urllib.request.build_opener()).open(request, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def text(self, path):
        status, body = self.get(path)
        assert status == 200, body[:2000]
        return body.decode()

    def population(self, opener=None, headers=None):
        status, body = self.get(API, opener, headers)
        assert status == 200, body[:2000]
        return json.loads(body)["population"]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=20)


@pytest.fixture(scope="module")
def topology():
    """A primary with the portal's schema and one ICS, its streaming replica, and gunicorn reading from both."""
    root = Path(tempfile.mkdtemp(prefix="ics-replica-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    started = []
    try:
        primary = make_primary(root)
        started.append(primary)
        primary.run("CREATE DATABASE portal", "postgres")
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "ics_portal.settings",
            "DJANGO_DEBUG": "true",
            "DATABASE_URL": primary.url("portal"),
            "CACHE_URL": "locmemcache://",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
        _manage(environment, "migrate", "--verbosity=0")
        token = _manage(environment, "shell", "--no-imports", "--command", SEED).strip()
        replica = make_replica(root, primary)
        started.append(replica)
        portal = Portal(
            {
                **environment,
                "DATABASE_REPLICA_URLS": replica.url("portal"),
                "DATABASE_REPLICA_RETRY_SECONDS": str(RETRY_SECONDS),
            },
            root / "gunicorn.log",
        )
        started.append(portal)
        yield primary, replica, portal, token
    finally:
        for part in reversed(started):
            with contextlib.suppress(subprocess.CalledProcessError):  # a replica a failed test left stopped
                part.stop()
        shutil.rmtree(root, ignore_errors=True)


def test_anonymous_reads_come_from_the_replica_while_the_writer_and_staff_read_the_primary(topology):
    primary, replica, portal, token = topology
    assert portal.population() == 1_000_000
    with replay_paused(replica):
        writer = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar := CookieJar()))
        status, body = portal.request(
            "PATCH",
            API,
            writer,
            {"Authorization": f"Token {token}", "Content-Type": "application/json"},
            json.dumps({"population": 2_000_000}).encode(),
        )
        assert status == 200, body[:2000]
        assert READ_YOUR_WRITES_COOKIE in {cookie.name for cookie in jar}
        assert _population(primary) == 2_000_000
        assert _population(replica) == 1_000_000  # replay is paused

        assert portal.population() == 1_000_000  # an anonymous reader: the replica, a moment behind
        assert portal.population(writer) == 2_000_000  # the writer, by its cookie and without its token
        assert portal.population(headers={"Authorization": f"Token {token}"}) == 2_000_000
    wait_for(lambda: _population(replica) == 2_000_000)
    assert portal.population() == 2_000_000


def test_reads_fall_back_to_the_primary_while_the_replica_is_down_and_return_to_it_when_it_is_back(topology):
    primary, replica, portal, _ = topology
    replica.stop()
    primary.run(f"UPDATE places_integratedcaresystem SET population = 3000000 WHERE slug = '{SLUG}'")

    started = time.monotonic()
    assert [portal.population() for _ in range(5)] == [3_000_000] * 5
    assert time.monotonic() - started < 5  # a refused connection is remembered, not retried on every read

    replica.start()
    wait_for(lambda: _population(replica) == 3_000_000)
    with replay_paused(replica):
        primary.run(f"UPDATE places_integratedcaresystem SET population = 4000000 WHERE slug = '{SLUG}'")
        time.sleep(RETRY_SECONDS + 0.5)
        assert portal.population() == 3_000_000  # the replica again, paused behind the primary


def test_an_anonymous_search_reads_the_replica_too(topology):
    """Search ranks its matches with a statement of its own, not a queryset: it asks the router all the same."""
    primary, replica, portal, _ = topology
    with replay_paused(replica):
        primary.run(f"UPDATE places_integratedcaresystem SET short_name = 'Quillwater' WHERE slug = '{SLUG}'")
        assert "No results for" in portal.text("/search/?q=quillwater")  # the replica, paused behind the primary
    wait_for(lambda: "1 result for" in portal.text("/search/?q=quillwater"))


def test_an_anonymous_ics_page_reads_the_replica_too(topology):
    """The ICS page's querysets are compiled once for each database (ADR 16): the router still picks which."""
    primary, replica, portal, _ = topology
    page = f"/ics/{SLUG}/"
    with replay_paused(replica):
        primary.run(f"UPDATE places_integratedcaresystem SET name = 'Quillwater Integrated Care' WHERE slug = '{SLUG}'")
        assert "Quillwater Integrated Care" not in portal.text(page)  # the replica, paused behind the primary
    wait_for(lambda: "Quillwater Integrated Care" in portal.text(page))
    replica.stop()
    try:
        primary.run(f"UPDATE places_integratedcaresystem SET name = 'Quillwater Care System' WHERE slug = '{SLUG}'")
        assert "Quillwater Care System" in portal.text(page)  # the replica down: the primary, compiled for it
    finally:
        replica.start()


@contextlib.contextmanager
def replay_paused(replica):
    replica.run("SELECT pg_wal_replay_pause()", "postgres")
    try:
        yield
    finally:
        replica.run("SELECT pg_wal_replay_resume()", "postgres")
