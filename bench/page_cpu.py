"""CPU time and SQL queries of URLs in-process: `python -m bench.page_cpu / /ics/west-yorkshire/ [-n 30]`.

The median CPU time of n requests through the test client (steadier than latency on a shared machine),
and the queries of one. Uses DATABASE_URL and the test settings, so it runs against any loaded database.
"""

import argparse
import os
import statistics
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("urls", nargs="+")
    parser.add_argument("-n", type=int, default=30, help="requests to time per URL (after one to warm up)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ics_portal.test_settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    for url in args.urls:
        client.get(url)
        times = []
        for _ in range(args.n):
            start = time.process_time()
            response = client.get(url)
            times.append((time.process_time() - start) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        print(f"{url:50} {response.status_code}  cpu {statistics.median(times):6.1f} ms  {len(queries)} queries")


if __name__ == "__main__":
    main()
