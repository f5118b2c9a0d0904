"""Test settings: the production module, on PostgreSQL, with fast hashing."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key")

from ics_portal.settings import *  # noqa: E402,F403
from ics_portal.settings import cache_config, env, for_short_queries  # noqa: E402

DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
DATABASES = {
    "default": for_short_queries(env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/ics_portal"))
}
# One database, whatever DATABASE_REPLICA_URLS says: tests/core/test_read_replicas.py serves real replicas.
DATABASE_REPLICAS = []
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = True
# The in-process suite counts rate limits in local memory, whatever CACHE_URL (or .env) says: each test
# clears the cache, which on Redis would empty the whole database. The tests that prove the limits across
# processes (tests/api/test_throttling.py) serve the portal with gunicorn and this module, and pass
# TEST_SERVER_CACHE_URL=redis://…?key_prefix=<one per run>.
CACHES = {"default": cache_config("TEST_SERVER_CACHE_URL")}
# Jobs run inline unless a test puts them on the database queue and runs the worker (tests/staff/test_jobs.py).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# The response cache lives in the Redis bin/with_redis gives (REDIS_URL), under a prefix of this run's own;
# local memory without one. It is off for the suite (many tests change settings between two requests) and
# on in the tests that prove it (tests/core/test_response_cache.py).
os.environ.setdefault("TEST_RESPONSE_CACHE_URL", os.environ.get("REDIS_URL", "locmemcache://"))
CACHES["responses"] = {**cache_config("TEST_RESPONSE_CACHE_URL"), "KEY_PREFIX": f"test-responses-{os.getpid()}"}
RESPONSE_CACHE_ENABLED = False
