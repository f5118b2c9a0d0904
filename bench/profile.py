"""Profile one URL in-process with pyinstrument: `python -m bench.profile /path/ [-n 20]`.

Uses bench.settings (production settings) and DATABASE_URL, like bench/run's query counts.
"""

import argparse
import os


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("-n", type=int, default=20, help="requests to profile (after one to warm up)")
    parser.add_argument("--sql", action="store_true", help="print the SQL of one request and its time")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from pyinstrument import Profiler

    client = Client()
    client.get(args.url)
    if args.sql:
        with CaptureQueriesContext(connection) as queries:
            client.get(args.url)
        for query in queries.captured_queries:
            print(f"{query['time']}s  {query['sql'][:400]}")
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(args.n):
        response = client.get(args.url)
        if response.streaming:
            b"".join(response.streaming_content)
    profiler.stop()
    print(f"status {response.status_code}")
    print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
