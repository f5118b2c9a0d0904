"""How the portal's connections to PostgreSQL are set up (ics_portal/settings.py)."""

import pytest
from django.db import connection

from ics_portal.settings import replica_databases


@pytest.mark.django_db
def test_queries_run_without_jit_or_parallel_workers():
    """ADR 12: JIT compiled the decisions list's count for longer than the count took, and parallel workers
    take cores from the requests waiting for them."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('jit'), current_setting('max_parallel_workers_per_gather')")
        assert cursor.fetchone() == ("off", "0")


def test_replicas_run_without_jit_or_parallel_workers_and_give_up_connecting_quickly(monkeypatch):
    monkeypatch.setenv("DATABASE_REPLICA_URLS", "postgres://reader@10.0.0.2:5432/portal")
    (replica,) = replica_databases({"CONN_MAX_AGE": 60}).values()

    assert replica["OPTIONS"] == {
        "connect_timeout": 2,
        "options": "-c jit=off -c max_parallel_workers_per_gather=0",
    }
