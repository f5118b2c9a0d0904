"""CPU (and wall) time of URLs under two versions of the code, interleaved: `python -m bench.ab REV URL… [-n 80]`.

On a shared machine `bench.page_cpu` can give the same page 20 ms in one run and 34 ms in the next, so two
runs of it cannot show a change of 10%. This starts two worker processes, one on a checkout of REV (a
temporary `git worktree`) and one on the working tree, and asks each for one request in turn, so both
see the same machine. For each URL it prints the median CPU time of each side, its median wall time (which
adds the database's work, on the same server for both), and whether they answered the same body (leaving
out the CSP nonce and CSRF token, new each request). Both workers use DATABASE_URL and the test settings, as
`bench.page_cpu` does.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

# Run by `python -c` in each checkout, so the worker is the same code whatever REV holds.
WORKER = """
import hashlib, json, os, re, sys, time, warnings
warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collected static files here
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ics_portal.test_settings")
os.environ.setdefault("API_ANON_THROTTLE_RATE", "1000000/minute")  # every request is measured, none refused
import django
django.setup()
from django.test import Client
client = Client()
for line in sys.stdin:
    url = line.strip()
    start, started = time.process_time(), time.perf_counter()
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    cpu, wall = (time.process_time() - start) * 1000, (time.perf_counter() - started) * 1000
    body = re.sub(rb'(nonce|name="csrfmiddlewaretoken" value)="[^"]*"', b"", body)  # new each request
    spaced = re.sub(rb">\\s+<", b"><", re.sub(rb"\\s+", b" ", body))
    digests = [hashlib.sha1(text).hexdigest() for text in (body, spaced)]
    print(json.dumps([response.status_code, cpu, wall, digests]), flush=True)
"""


class Worker:
    def __init__(self, checkout: Path):
        env = {**os.environ, "PYTHONPATH": str(checkout)}
        self.process = subprocess.Popen(
            [sys.executable, "-c", WORKER],
            cwd=checkout,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def get(self, url: str) -> tuple[int, float, float, list[str]]:
        self.process.stdin.write(url + "\n")
        self.process.stdin.flush()
        return tuple(json.loads(self.process.stdout.readline()))

    def close(self):
        self.process.stdin.close()
        self.process.wait()


def compare(old: Worker, new: Worker, url: str, n: int) -> str:
    for worker in (old, new):
        worker.get(url)  # warm up: templates, URL conf, connections
    times = {old: [], new: []}
    walls = {old: [], new: []}
    answers = {}
    for i in range(n):
        for worker in (old, new) if i % 2 else (new, old):
            status, cpu, wall, digests = worker.get(url)
            times[worker].append(cpu)
            walls[worker].append(wall)
            answers[worker] = (status, digests)
    before, after = (statistics.median(times[w]) for w in (old, new))
    wall_before, wall_after = (statistics.median(walls[w]) for w in (old, new))
    (old_status, (old_exact, old_spaced)), (new_status, (new_exact, new_spaced)) = answers[old], answers[new]
    if (old_status, old_exact) == (new_status, new_exact):
        same = "same body"
    elif (old_status, old_spaced) == (new_status, new_spaced):
        same = "same body but for whitespace"
    else:
        same = f"DIFFERENT body (status {old_status} → {new_status})"
    return (
        f"{before:7.1f} → {after:7.1f} ms  {after / before - 1:+6.1%}  "
        f"(wall {wall_before:.1f} → {wall_after:.1f} ms)  {same}  {url}"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("rev", help="the version to compare the working tree with, e.g. HEAD or main~3")
    parser.add_argument("urls", nargs="+")
    parser.add_argument("-n", type=int, default=80, help="requests per URL and side, interleaved (after one each)")
    args = parser.parse_args()
    here = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory(prefix="bench-ab-") as scratch:
        checkout = Path(scratch) / "rev"
        subprocess.run(["git", "worktree", "add", "--detach", "--quiet", str(checkout), args.rev], cwd=here, check=True)
        try:
            old, new = Worker(checkout), Worker(here)
            print(f"CPU ms (wall ms: with the database's time), median of {args.n} each: {args.rev} → working tree")
            for url in args.urls:
                print(compare(old, new, url, args.n), flush=True)
            old.close()
            new.close()
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(checkout)], cwd=here, check=True)


if __name__ == "__main__":
    main()
