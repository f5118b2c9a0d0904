"""bench/run: serve the portal on a national-scale data set with gunicorn and measure every page and API list.

Steps (each printed with its time):
1. two PostgreSQL databases next to the usual one: ics_portal_bench (generate_national) and
   ics_portal_bench_small (the same generator at SMALL_SCALE: 7 ICSs, a few times the demo's rows); created fresh
   unless --reuse finds them loaded. Queries per request are compared between the two, which differ in size only:
   the demo's real records lack some kinds of row (no MoU signatories, no papers on an MoU), and a relation with
   no rows skips its prefetch query, so a comparison with the demo would also count differences of shape;
2. SQL queries per URL, counted in-process with the test client on each (CaptureQueriesContext);
3. two gunicorns with production settings (bench.settings: DEBUG off, generated secret key, no
   https redirect) on 127.0.0.1: one with the response cache off (every request renders from scratch)
   and one with it on, in a throwaway redis-server as production's shared cache; both warmed;
4. per URL: the floor, then wrk at 8 connections on the uncached and then on the cached server;
   after every URL, a second pass at 32 connections on the cached server;
5. three tables: uncached (requests/s, p50/p95/p99, queries at small and national scale, bytes,
   worker peak RSS from /proc's VmHWM, p50 as a multiple of the floor measured just before),
   cached (the same latencies and the same ratio to the same floor), and 32 connections cached;
   then the targets (bench/targets.py, docs/adr/0005-benchmark.md).
Everything stays on 127.0.0.1. Results are also written to bench/results/.
`bench/run --topology` runs bench/topology.py instead: load balancer, two app servers, replica, Redis.
"""

import argparse
import datetime
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.clusters import Redis, run_sql

ROOT = Path(__file__).resolve().parent.parent
LUA = ROOT / "bench" / "report.lua"
TARGET_P95_MS = 150
TARGET_FLOOR_RATIO = 3
TARGET_QUERIES = 15
TARGET_RSS_MB = 200
TARGET_P99_32_MS = 300
CONNECTIONS_HIGH = 32
FLOOR_SECONDS = 3
# URLs whose query count follows what matches, not how much data there is: only the bound holds them.
QUERIES_FOLLOW_MATCHES = {"search": "a query reads the hits of each kind that has any (ADR 15)"}
SMALL_SCALE = "0.15"  # 7 of the 48 ICSs, with a merger and a cluster, so every page has the national's kinds of row

started = time.monotonic()


def say(message):
    print(f"[{time.monotonic() - started:6.1f}s] {message}", flush=True)


def parse():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--db", default="ics_portal_bench", help="database for the national data set")
    parser.add_argument("--small-db", default="ics_portal_bench_small", help="database for the small data set")
    parser.add_argument("--reuse", action="store_true", help="keep the databases if they are already loaded")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--high-connections", type=int, default=CONNECTIONS_HIGH, help="the cached second pass")
    parser.add_argument("--duration", type=int, default=8, help="seconds of load per URL (plus 2 s warm-up)")
    parser.add_argument("--only", default="", help="measure only URLs whose name matches this regex")
    parser.add_argument(
        "--proposed-indexes",
        action="store_true",
        help="apply bench/proposed_indexes.sql to both bench databases first (indexes not yet in the migrations)",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    return parser.parse_args()


def base_env(args):
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_LOG_LEVEL="ERROR",
        # Measure the portal, not the anonymous rate limit (120/minute would refuse most of the load). Per second,
        # not per minute: DRF keeps one timestamp per request in the window and pickles them on every request, so a
        # minute at 300 requests/s (18,000 of them) would cost ~1 ms a request that production, at 120, never pays.
        API_ANON_THROTTLE_RATE="100000000/second",
        API_USER_THROTTLE_RATE="100000000/second",
        # Queries and CPU per URL are counted in-process on renders from scratch; the cached server turns it on.
        RESPONSE_CACHE_ENABLED="false",
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env, database_url, *command, quiet=True):
    subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env={**env, "DATABASE_URL": database_url},
        check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )


def psql(server, sql, database="postgres"):
    return run_sql(f"{server}/{database}", sql, all_rows=True)


def is_loaded(server, name):
    if not psql(server, f"SELECT 1 FROM pg_database WHERE datname = '{name}'"):
        return False
    rows = psql(server, "SELECT to_regclass('places_integratedcaresystem') IS NOT NULL", database=name)
    if not rows[0][0]:
        return False
    return psql(server, "SELECT count(*) FROM places_integratedcaresystem", database=name)[0][0] > 0


def prepare(args, env, name, load_command):
    url = f"{args.postgres}/{name}"
    if args.reuse and is_loaded(args.postgres, name):
        say(f"{name}: reusing the loaded database")
        manage(env, url, "migrate", "--noinput", "-v0")
        return url
    say(f"{name}: creating, migrating and loading ({' '.join(load_command)})")
    psql(args.postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    psql(args.postgres, f'CREATE DATABASE "{name}"')
    manage(env, url, "migrate", "--noinput", "-v0")
    manage(env, url, *load_command)
    return url


def count_queries(env, url):
    out = subprocess.run(
        [sys.executable, "-m", "bench.querycount"],
        cwd=ROOT,
        env={**env, "DATABASE_URL": url},
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


def free_port(wanted):
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", wanted))
        except OSError:
            raise SystemExit(f"127.0.0.1:{wanted} is in use; choose another --port") from None
        return sock.getsockname()[1]


def wait_for_floor(base, server, timeout=60):
    """Wait until our gunicorn answers the floor URL (which only bench.settings serves)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited")
        try:
            if urllib.request.urlopen(base + "/bench/floor/", timeout=10).status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer /bench/floor/")


def workers_of(master_pid):
    """gunicorn's worker processes: every process whose parent is the master."""
    workers = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        if int(fields[1]) == master_pid:
            workers.append(int(stat.parent.name))
    return workers


def peak_rss_mb(pids):
    """The highest peak resident set size (VmHWM) of the workers so far, in MB."""
    peak = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:
            continue
        match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
        if match:
            peak = max(peak, int(match.group(1)))
    return peak / 1024


def start_gunicorn(args, env, port):
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "ics_portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            "sync",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )


def warm(base, names, national, times):
    for name in names:
        for _ in range(times):
            try:
                urllib.request.urlopen(base + national[name]["url"], timeout=60).read()
            except Exception as error:  # noqa: BLE001 - report and go on; the table shows the status
                say(f"  {name}: {error}")
                break


def latencies(result):
    """wrk's figures in ms, requests/s and failed requests."""
    seconds = result["duration_us"] / 1e6
    return {
        "rps": result["requests"] / seconds if seconds else 0,
        "p50": result["p50"] / 1000,
        "p95": result["p95"] / 1000,
        "p99": result["p99"] / 1000,
        "errors": result["status_errors"] + result["timeouts"] + result["connect_errors"] + result["read_errors"],
        "requests": result["requests"],
    }


def wrk(url, connections, seconds):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(LUA), url]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    for line in out.stdout.splitlines():
        if line.startswith("BENCH "):
            return json.loads(line[len("BENCH ") :])
    raise RuntimeError(f"wrk gave no result for {url}: {out.stdout} {out.stderr}")


def main():
    args = parse()
    env = base_env(args)
    say("bench/run: national-scale load test")
    small_url = prepare(
        args, env, args.small_db, ["generate_national", "--seed", str(args.seed), "--scale", SMALL_SCALE]
    )
    national_url = prepare(args, env, args.db, ["generate_national", "--seed", str(args.seed), "--replace"])
    if args.proposed_indexes:
        sql = (ROOT / "bench" / "proposed_indexes.sql").read_text()
        for name in (args.small_db, args.db):
            say(f"{name}: applying bench/proposed_indexes.sql")
            psql(args.postgres, sql + "\nANALYZE;", database=name)
    say("collecting static files (manifest storage, as in production)")
    manage(env, national_url, "collectstatic", "--noinput", "-v0")

    say(f"counting SQL queries per URL in-process: small data set (scale {SMALL_SCALE})")
    small = count_queries(env, small_url)
    say("counting SQL queries per URL in-process: national data set")
    national = count_queries(env, national_url)

    only = re.compile(args.only) if args.only else None
    names = [n for n in national if not only or only.search(n) or national[n]["kind"] == "floor"]
    floor_name = next(n for n in national if national[n]["kind"] == "floor")
    names.sort(key=lambda n: national[n]["kind"] != "floor")  # the floor first

    port = free_port(args.port)
    cached_port = free_port(0)
    redis = Redis()
    redis.start()
    say(f"starting gunicorn: {args.workers} sync workers each, uncached on :{port}, cached on :{cached_port}")
    server = start_gunicorn(args, {**env, "DATABASE_URL": national_url, "RESPONSE_CACHE_ENABLED": "false"}, port)
    cached_env = {**env, "DATABASE_URL": national_url, "RESPONSE_CACHE_ENABLED": "true", "CACHE_URL": redis.url}
    cached_server = start_gunicorn(args, cached_env, cached_port)
    rows = []
    try:
        base = f"http://127.0.0.1:{port}"
        cached_base = f"http://127.0.0.1:{cached_port}"
        wait_for_floor(base, server)
        wait_for_floor(cached_base, cached_server)
        say("warming: every URL a few times")
        warm(base, names, national, args.workers * 2)
        warm(cached_base, names, national, args.workers * 2)
        workers = workers_of(server.pid) + workers_of(cached_server.pid)
        for name in names:
            info = national[name]
            if info["status"] != 200:
                say(f"skipping {name}: status {info['status']} in-process")
                rows.append({"name": name, **info, "skipped": True})
                continue
            # The floor again, just before: a shared machine's speed drifts over a run of minutes, and a URL is
            # compared with the floor measured beside it, not with one from minutes earlier. The floor is served
            # uncached: it is the least work a render from the database can do.
            floor_p50 = None
            if info["kind"] != "floor":
                floor_p50 = wrk(base + national[floor_name]["url"], args.connections, FLOOR_SECONDS)["p50"] / 1000
            wrk(base + info["url"], args.connections, 2)
            result = wrk(base + info["url"], args.connections, args.duration)
            wrk(cached_base + info["url"], args.connections, 1)
            cached = latencies(wrk(cached_base + info["url"], args.connections, args.duration))
            row = {
                "name": name,
                **info,
                **latencies(result),
                "floor_p50": floor_p50 or result["p50"] / 1000,
                "wrk": result,
                "cached": cached,
                "rss": peak_rss_mb(workers),
                "small_queries": small.get(name, {}).get("queries"),
            }
            rows.append(row)
            say(
                f"{name}: uncached {row['rps']:.0f} req/s, p50 {row['p50']:.1f} ms, p95 {row['p95']:.1f} ms; "
                f"cached {cached['rps']:.0f} req/s, p50 {cached['p50']:.1f} ms"
            )
        for row in rows:
            if row.get("skipped") or row["kind"] == "floor":
                continue
            row["high"] = latencies(wrk(cached_base + row["url"], args.high_connections, args.duration))
            say(f"{row['name']} at {args.high_connections} connections, cached: p99 {row['high']['p99']:.1f} ms")
    finally:
        for process in (server, cached_server):
            process.terminate()
            process.wait(timeout=30)
        redis.stop()

    report(args, rows, floor_name)


def cached_table(args, rows, misses):
    header = (
        f"{'cached (response cache on, Redis)':<36} {'req/s':>6} {'p50ms':>7} {'p95ms':>7} {'p99ms':>7} "
        f"{'floor ms':>8} {'p50/floor':>9} {'err':>4}"
    )
    lines = [f"cached: wrk {args.connections} connections x {args.duration}s per URL", header, "-" * len(header)]
    for r in rows:
        if r.get("skipped") or r["kind"] == "floor":
            continue
        c = r["cached"]
        ratio = c["p50"] / r["floor_p50"] if r["floor_p50"] else float("nan")
        lines.append(
            f"{r['name']:<36} {c['rps']:>6.0f} {c['p50']:>7.1f} {c['p95']:>7.1f} {c['p99']:>7.1f} "
            f"{r['floor_p50']:>8.1f} {ratio:>9.2f} {c['errors']:>4}"
        )
        if ratio > 1:
            misses.append(f"{r['name']}: cached p50 is {ratio:.2f}x the floor > 1x")
        if c["errors"]:
            misses.append(f"{r['name']}: {c['errors']} failed requests (cached)")
    lines.append("floor ms: the same floor as the uncached table's (served uncached); target: cached p50 <= floor")
    return lines


def high_table(args, rows, misses):
    header = (
        f"{f'{args.high_connections} connections, cached':<36} {'req/s':>6} {'p50ms':>7} {'p95ms':>7} "
        f"{'p99ms':>7} {'requests':>8} {'err':>4}"
    )
    lines = [f"{args.high_connections} connections: wrk x {args.duration}s per URL", header, "-" * len(header)]
    for r in rows:
        h = r.get("high")
        if not h:
            continue
        lines.append(
            f"{r['name']:<36} {h['rps']:>6.0f} {h['p50']:>7.1f} {h['p95']:>7.1f} {h['p99']:>7.1f} "
            f"{h['requests']:>8} {h['errors']:>4}"
        )
        if h["p99"] >= TARGET_P99_32_MS:
            misses.append(f"{r['name']}: p99 {h['p99']:.0f} ms >= {TARGET_P99_32_MS} ms at {args.high_connections}")
        if h["errors"]:
            misses.append(f"{r['name']}: {h['errors']} failed requests at {args.high_connections} connections")
    lines.append(f"target: p99 < {TARGET_P99_32_MS} ms and no failed request on every URL")
    return lines


def report(args, rows, floor_name):
    header = (
        f"{'endpoint':<36} {'req/s':>6} {'p50ms':>7} {'p95ms':>7} {'p99ms':>7} {'q small':>7} {'q nat':>6} "
        f"{'bytes':>8} {'rss MB':>7} {'floor ms':>8} {'p50/floor':>9} {'err':>4} {'cpu ms':>6}"
    )
    lines = [
        f"bench/run {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC: gunicorn {args.workers} sync workers, "
        f"wrk {args.connections} connections x {args.duration}s per URL, national data seed {args.seed}"
        + (", with bench/proposed_indexes.sql" if args.proposed_indexes else ""),
        header,
        "-" * len(header),
    ]
    misses = []
    for r in rows:
        if r.get("skipped"):
            lines.append(f"{r['name']:<36} skipped: status {r['status']}")
            misses.append(f"{r['name']} answered {r['status']}")
            continue
        ratio = r["p50"] / r["floor_p50"] if r["floor_p50"] else float("nan")
        lines.append(
            f"{r['name']:<36} {r['rps']:>6.0f} {r['p50']:>7.1f} {r['p95']:>7.1f} {r['p99']:>7.1f} "
            f"{r['small_queries'] if r['small_queries'] is not None else '-':>7} {r['queries']:>6} {r['bytes']:>8} "
            f"{r['rss']:>7.0f} {r['floor_p50']:>8.1f} {ratio:>9.2f} {r['errors']:>4} {r.get('cpu_ms', 0):>6.1f}"
        )
        if r["kind"] == "floor":
            continue
        if r["p95"] >= TARGET_P95_MS:
            misses.append(f"{r['name']}: p95 {r['p95']:.0f} ms >= {TARGET_P95_MS} ms")
        if r["queries"] != r["small_queries"] and r["name"] not in QUERIES_FOLLOW_MATCHES:
            misses.append(
                f"{r['name']}: {r['small_queries']} queries on the small data set, {r['queries']} on national"
            )
        if r["queries"] > TARGET_QUERIES:
            misses.append(f"{r['name']}: {r['queries']} queries > {TARGET_QUERIES}")
        if r["errors"]:
            misses.append(f"{r['name']}: {r['errors']} failed requests")
        if r["name"].startswith("api partner list (100, JSON)") and ratio > TARGET_FLOOR_RATIO:
            misses.append(f"{r['name']}: p50 is {ratio:.1f}x the floor > {TARGET_FLOOR_RATIO}x")
    peak = max((r["rss"] for r in rows if "rss" in r), default=0)
    if peak >= TARGET_RSS_MB:
        misses.append(f"worker peak RSS {peak:.0f} MB >= {TARGET_RSS_MB} MB")
    lines.append(
        "q small / q nat: SQL queries per request on the small and the national data set (in-process test client); "
        "cpu ms: median CPU time of one request in-process (national), steadier than latency on a shared machine; "
        f"floor ms: the floor's p50 in the {FLOOR_SECONDS} s just before the URL, which p50/floor divides by"
    )
    lines.append("")
    lines.append(
        f"targets: p95 < {TARGET_P95_MS} ms; partner list JSON p50 <= {TARGET_FLOOR_RATIO}x floor; queries equal "
        f"small/national and <= {TARGET_QUERIES}; worker peak RSS < {TARGET_RSS_MB} MB (peak {peak:.0f} MB)"
    )
    lines += [f"queries of {name}: {why}, so only <= {TARGET_QUERIES}" for name, why in QUERIES_FOLLOW_MATCHES.items()]
    lines += ["", *cached_table(args, rows, misses), "", *high_table(args, rows, misses)]
    lines += [f"MISS {m}" for m in misses] or ["all targets met"]
    write_results("run", "\n".join(lines), rows)
    if args.strict and misses:
        sys.exit(1)


def write_results(kind, text, rows=None):
    """Print the tables and keep them as bench/results/<kind>-<UTC time>.txt (and the rows as .json)."""
    print("\n" + text)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S")
    (results / f"{kind}-{stamp}.txt").write_text(text + "\n")
    if rows is not None:
        (results / f"{kind}-{stamp}.json").write_text(json.dumps(rows, indent=1, default=str))
    say(f"written to bench/results/{kind}-{stamp}.txt")


if __name__ == "__main__":
    main()
