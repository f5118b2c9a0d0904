"""bench/run --topology: the whole topology under load while its parts stop and start.

HAProxy (health check on /healthz) in front of two gunicorn instances, a throwaway PostgreSQL primary with the
demo data (or, with --national, generate_national's) and its streaming replica (bench/clusters.py), a throwaway
Redis as the shared cache, and a job worker (`manage.py db_worker`). A load of 32 connections (threads with
keep-alive http.client, so every failure has a time) cycles through every page and API list for 60 s while, at
fixed offsets, the ODS sync is queued for the worker, app instance 1 is stopped and started, the replica
restarted with a slow uncached read in flight on it, Redis stopped and started, and a write made through the
API, then read back by its writer and by anonymous readers. Printed: errors and requests per event window, how
long each part took to come back and when the last error of the window was, overall p50/p99, the in-flight
read's answer, the job's result and the worker's peak RSS, and whether any read after the write was stale.
"""

import argparse
import contextlib
import datetime
import http.client
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from bench.clusters import PG_BIN, Redis, free_port, make_primary, make_replica, wait_for
from bench.runner import ROOT, base_env, count_queries, manage, peak_rss_mb, say, start_gunicorn, write_results

SEED = """
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from places.models import IntegratedCareSystem
user = get_user_model().objects.create_superuser("topology-admin", "admin@example.org", "a-long-password-1")
ics = IntegratedCareSystem.objects.order_by("pk").first()
print(Token.objects.create(user=user).key, ics.slug)
"""

HAPROXY = """
global
    maxconn 512
defaults
    mode http
    timeout connect 1s
    timeout client 30s
    timeout server 20s
    # A request that found an instance gone (refused, reset, empty) is sent to the other one.
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response response-timeout
frontend portal
    bind 127.0.0.1:{port}
    default_backend app
backend app
    balance roundrobin
    option httpchk
    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host 127.0.0.1
    http-check expect status 200
    # Under 32 connections a check waits its turn behind requests: give it time, so a busy instance stays in.
    timeout check 3s
    default-server check inter 1s fall 2 rise 2
    server app1 127.0.0.1:{app1}
    server app2 127.0.0.1:{app2}
"""


def parse():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (events at fixed fractions)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers per instance")
    parser.add_argument("--national", action="store_true", help="generate_national's data set, not the demo's")
    return parser.parse_args()


class Load:
    """Connections that each request the next path in turn until told to stop, recording every answer."""

    def __init__(self, port, paths, connections):
        self.port = port
        self.paths = paths
        self.connections = connections
        self.records = []  # (seconds since start when answered, ok, ms, path, status or error)
        self.running = True
        self.started = time.monotonic()
        self.threads = [threading.Thread(target=self._connection, args=(n,), daemon=True) for n in range(connections)]

    def start(self):
        self.started = time.monotonic()
        for thread in self.threads:
            thread.start()

    def stop(self):
        self.running = False
        for thread in self.threads:
            thread.join(timeout=30)

    def now(self):
        return time.monotonic() - self.started

    def _connection(self, number):
        connection = None
        turn = number
        while self.running:
            path = self.paths[turn % len(self.paths)]
            turn += 1
            began = time.monotonic()
            try:
                if connection is None:
                    connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                status = response.status
                if response.will_close:
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException) as error:
                status = type(error).__name__
                if connection:
                    connection.close()
                connection = None
            ok = isinstance(status, int) and status < 400
            answered = time.monotonic()
            self.records.append((answered - self.started, ok, (answered - began) * 1000, path, status))


class Topology:
    def __init__(self, args, root):
        self.args = args
        self.root = root
        self.env = base_env(args)
        self.started = []
        self.check = {}
        self.data_set = "national" if args.national else "demo"

    def build(self):
        self.primary = make_primary(self.root)
        self.started.append(self.primary)
        self.primary.run("CREATE DATABASE portal", "postgres")
        url = self.primary.url("portal")
        say(f"primary: migrating and loading the {self.data_set} data")
        manage(self.env, url, "migrate", "--noinput", "-v0")
        manage(self.env, url, *(["generate_national", "--seed", "1"] if self.args.national else ["load_demo"]))
        manage(self.env, url, "collectstatic", "--noinput", "-v0")
        seed = subprocess.run(
            [sys.executable, "manage.py", "shell", "--no-imports", "--command", SEED],
            cwd=ROOT,
            env={**self.env, "DATABASE_URL": url},
            check=True,
            capture_output=True,
            text=True,
        )
        self.token, self.slug = seed.stdout.split()
        self.paths = [info["url"] for info in count_queries(self.env, url).values() if info["status"] == 200]
        say("replica: pg_basebackup from the primary, streaming")
        self.replica = make_replica(self.root, self.primary)
        self.started.append(self.replica)
        self.redis = Redis()
        self.redis.start()
        self.started.append(self.redis)
        self.app_env = {
            **self.env,
            "DATABASE_URL": url,
            "DATABASE_REPLICA_URLS": self.replica.url("portal"),
            "DATABASE_REPLICA_RETRY_SECONDS": "1",
            "CACHE_URL": self.redis.url,
            "RESPONSE_CACHE_ENABLED": "true",
        }
        self.app_ports = [free_port(), free_port()]
        self.apps = [start_gunicorn(self.args, self.app_env, port) for port in self.app_ports]
        for port in self.app_ports:
            wait_for(lambda port=port: self.answers(port), timeout=60, what=f"gunicorn on :{port}")
        self.worker = subprocess.Popen([sys.executable, "manage.py", "db_worker"], cwd=ROOT, env=self.app_env)
        self.port = free_port()
        config = self.root / "haproxy.cfg"
        config.write_text(HAPROXY.format(port=self.port, app1=self.app_ports[0], app2=self.app_ports[1]))
        self.haproxy = subprocess.Popen(["haproxy", "-db", "-f", str(config)], stdout=subprocess.DEVNULL)
        wait_for(lambda: self.answers(self.port), timeout=20, what="haproxy")
        ports = ", ".join(f":{port}" for port in self.app_ports)
        say(f"haproxy :{self.port} -> gunicorn {ports} ({self.args.workers} workers each)")

    def answers(self, port, part="database"):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                return json.loads(response.read())[part] == "ok"
        except (OSError, ValueError, KeyError):
            return False

    def stop_app(self):
        self.apps[0].send_signal(signal.SIGTERM)
        self.apps[0].wait(timeout=60)

    def start_app(self):
        self.apps[0] = start_gunicorn(self.args, self.app_env, self.app_ports[0])
        wait_for(lambda: self.answers(self.app_ports[0]), timeout=60, what="gunicorn")

    def queue_ods_sync(self):
        """The ODS sync on the job queue, as `manage.py sync_ods --queue` from cron puts it there."""
        files = [str(ROOT / "data" / name) for name in ("ods_etr.csv", "ods_eccg.csv")]
        manage(self.app_env, self.app_env["DATABASE_URL"], "sync_ods", "--queue", *files)

    def job_result(self) -> str:
        row = self.primary.run(
            "SELECT state || ' after ' || round(extract(epoch FROM finished_at - queued_at)::numeric, 1) || ' s: '"
            " || coalesce(nullif(error, ''), progress) FROM staff_backgroundjob ORDER BY id DESC LIMIT 1",
            "portal",
        )
        return row[0] if row else "none was queued"

    def restart_replica(self):
        """Stop the replica (fast: its sessions are ended) while an uncached read of ~1 s at national scale runs on
        it, so a read loses its replica mid-request; then start it and wait until it streams again."""
        in_flight = {}
        reader = threading.Thread(target=self._slow_read, args=(in_flight,))
        reader.start()
        time.sleep(0.3)
        self.replica.stop()
        reader.join(timeout=30)
        self.check["read in flight as the replica stopped"] = in_flight.get("answer", "no answer in 30 s")
        self.replica.start()
        wait_for(lambda: self.replica.run("SELECT status FROM pg_stat_wal_receiver", "postgres") == ("streaming",))

    def _slow_read(self, into):
        began = time.monotonic()
        url = f"http://127.0.0.1:{self.port}/api/v1/decisions/?date_from=1948-07-05"  # a key no one has asked for
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError as error:
            status = type(error).__name__
        into["answer"] = f"{status} after {(time.monotonic() - began) * 1000:.0f} ms"

    def start_redis(self):
        self.redis.start()
        wait_for(lambda: self.answers(self.port, "cache"), timeout=30, what="the portal's cache")

    def write_and_read_back(self):
        """PATCH an ICS's population through the load balancer, then read it as the writer and as anyone."""
        path = f"/api/v1/icss/{self.slug}/"
        base = f"http://127.0.0.1:{self.port}"
        before = self.population(base + path)
        wanted = (before or 0) + 1
        writer = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        request = urllib.request.Request(
            base + path,
            method="PATCH",
            data=json.dumps({"population": wanted}).encode(),
            headers={"Authorization": f"Token {self.token}", "Content-Type": "application/json"},
        )
        with writer.open(request, timeout=15) as response:
            assert response.status == 200, response.status
        written = time.monotonic()
        self.check["writer's next read"] = "fresh" if self.population(base + path, writer) == wanted else "STALE"
        seen_new, stale_after_new, reads = None, 0, 0
        while time.monotonic() - written < 3:
            value = self.population(base + path)
            reads += 1
            if value == wanted and seen_new is None:
                seen_new = time.monotonic() - written
            elif value != wanted and seen_new is not None:
                stale_after_new += 1
            time.sleep(0.02)
        self.check["anonymous reads"] = (
            f"{reads} in 3 s; the new value from {seen_new * 1000:.0f} ms after the write (replica lag), "
            f"{stale_after_new} stale after it"
            if seen_new is not None
            else f"STALE: {reads} reads in 3 s, none with the new value"
        )

    def population(self, url, opener=None):
        with (opener or urllib.request.build_opener()).open(url, timeout=15) as response:
            return json.loads(response.read())["population"]

    def close(self):
        for process in [getattr(self, "haproxy", None), getattr(self, "worker", None), *getattr(self, "apps", [])]:
            if process and process.poll() is None:
                process.terminate()
                process.wait(timeout=60)
        for part in reversed(self.started):
            with contextlib.suppress(subprocess.CalledProcessError):  # a part already stopped
                part.stop()


def run_events(topology, load, duration):
    """Each event at its fraction of the run; returns (name, offset, seconds its part took to come back)."""
    events = [
        (0.5 / 6, "ODS sync queued for the job worker", topology.queue_ods_sync),
        (1 / 6, "app instance 1 stopped (SIGTERM)", topology.stop_app),
        (2 / 6, "app instance 1 started", topology.start_app),
        (2.7 / 6, "replica restarted", topology.restart_replica),
        (3.5 / 6, "Redis stopped", topology.redis.stop),
        (4.3 / 6, "Redis started", topology.start_redis),
        (5 / 6, "write through the API, read back", topology.write_and_read_back),
    ]
    done = []
    for fraction, name, action in events:
        time.sleep(max(0, fraction * duration - load.now()))
        offset = load.now()
        say(f"{offset:5.1f}s {name}")
        action()
        done.append((name, offset, load.now() - offset))
    time.sleep(max(0, duration - load.now()))
    return done


def report(args, topology, load, events):
    records = load.records
    header = f"{'window':<36} {'from s':>6} {'ready s':>7} {'requests':>8} {'errors':>6} {'last error s':>12}"
    lines = [
        f"bench/run --topology {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC: haproxy -> 2 gunicorn x "
        f"{args.workers} sync workers, PostgreSQL primary + streaming replica, Redis, a job worker; "
        f"{topology.data_set} data; "
        f"{args.connections} connections x {args.duration}s over {len(topology.paths)} URLs",
        header,
        "-" * len(header),
    ]
    windows = [("steady", 0.0, 0.0), *events]
    for index, (name, start, ready) in enumerate(windows):
        end = windows[index + 1][1] if index + 1 < len(windows) else float("inf")
        inside = [r for r in records if start <= r[0] < end]
        errors = [r for r in inside if not r[1]]
        last = f"{errors[-1][0] - start:.1f}" if errors else "-"
        lines.append(f"{name:<36} {start:>6.1f} {ready:>7.1f} {len(inside):>8} {len(errors):>6} {last:>12}")
    failed = [r for r in records if not r[1]]
    latencies = sorted(r[2] for r in records)
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0] * 99
    lines += [
        "ready s: how long the part took to answer again (gunicorn's /healthz, the replica streaming, the portal's "
        "cache ok); requests and errors counted by when they were answered; last error s: the window's last failed "
        "request, after the window began",
        "",
        f"overall: {len(records)} requests, {len(failed)} failed, p50 {quantiles[49]:.1f} ms, "
        f"p99 {quantiles[98]:.1f} ms, {len(records) / args.duration:.0f} req/s",
        *(f"{key}: {value}" for key, value in topology.check.items()),
        f"ODS sync job: {topology.job_result()}; job worker peak RSS {peak_rss_mb([topology.worker.pid]):.0f} MB",
    ]
    kinds = {}
    for record in failed:
        kinds[str(record[4])] = kinds.get(str(record[4]), 0) + 1
    if kinds:
        lines.append("failures by status or error: " + ", ".join(f"{k} x{v}" for k, v in sorted(kinds.items())))
    write_results("topology", "\n".join(lines))


def main():
    args = parse()
    missing = [tool for tool in ("haproxy", "redis-server") if not shutil.which(tool)]
    if missing or PG_BIN is None:
        raise SystemExit(f"bench/run --topology needs apt-get install {' '.join(missing) or 'postgresql'}")
    root = Path(tempfile.mkdtemp(prefix="ics-topology-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    topology = Topology(args, root)
    try:
        topology.build()
        load = Load(topology.port, topology.paths, args.connections)
        say(f"load: {args.connections} connections for {args.duration}s")
        load.start()
        try:
            events = run_events(topology, load, args.duration)
        finally:
            load.stop()
        report(args, topology, load, events)
    finally:
        topology.close()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
