"""Count SQL queries per URL in-process, with the test client, on the database DATABASE_URL names.

Run by bench/run once per data set: `python -m bench.querycount` prints one JSON object,
name -> {url, kind, status, queries, bytes}.
"""

import json
import os
import statistics
import sys
import time


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.targets import pick

    client = Client()
    results = {}
    for name, kind, url in pick():
        client.get(url)  # first request per URL warms caches of the URL resolver, templates, content types
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
        count = len(queries)  # read now: the next request resets the connection's query log
        sql = [q["sql"][:300] for q in queries.captured_queries] if "--sql" in sys.argv else None
        walls, cpus = [], []
        for _ in range(5):
            wall, cpu = time.perf_counter(), time.process_time()
            again = client.get(url)
            if again.streaming:
                b"".join(again.streaming_content)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        results[name] = {
            "wall_ms": statistics.median(walls) * 1000,
            "cpu_ms": statistics.median(cpus) * 1000,
            "url": url,
            "kind": kind,
            "status": response.status_code,
            "queries": count,
            "bytes": len(body),
            "sql": sql,
        }
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
