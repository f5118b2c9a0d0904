"""Settings for bench/run: production settings, served over plain http on 127.0.0.1, plus the floor view.

Only bench/run uses this module (DJANGO_SETTINGS_MODULE=bench.settings); production never
loads it, so the floor URL never exists there. Everything else is the production module
as is: DEBUG off, a secret key from the environment (bench/run generates one), manifest
static files, CSP, axes, throttling (bench/run raises the anonymous rate so that 8
connections are measured rather than refused).
"""

from ics_portal.settings import *  # noqa: F403
from ics_portal.settings import ALLOWED_HOSTS, env

ROOT_URLCONF = "bench.urls"
# The load stays on loopback http; a redirect to https would measure nothing.
SECURE_SSL_REDIRECT = False
# The test client (used to count queries in-process) calls itself "testserver".
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "127.0.0.1", "localhost", "testserver"]
STATIC_ROOT = env.path("BENCH_STATIC_ROOT", default="/tmp/ics_portal_bench_static")
