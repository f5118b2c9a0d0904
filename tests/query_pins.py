"""Pinned query counts for the write paths: measured on the code before a refactor, asserted after it.

    with pinned(COUNTS, "admin publish mou"):
        client.post(...)

With RECORD_QUERY_PINS=/some/file set, the counts are appended to that file as JSON lines
instead of being asserted: run the tests so against the old code to fill a table.
"""

import json
import os
from contextlib import contextmanager

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext


@contextmanager
def pinned(table: dict[str, int], name: str):
    # Content types are cached per process: start each measurement from an empty cache, so the
    # count does not depend on which test ran first.
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as queries:
        yield queries
    count = len(queries)
    record = os.environ.get("RECORD_QUERY_PINS")
    if record:
        with open(record, "a", encoding="utf-8") as out:
            out.write(json.dumps({name: count}) + "\n")
        return
    listing = "\n".join(query["sql"][:200] for query in queries.captured_queries)
    assert count == table[name], f"{name}: {count} queries, pinned at {table[name]}:\n{listing}"
