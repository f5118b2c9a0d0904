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


# Queries each public page needs whatever the number of rows (tests/site): measured, then pinned as maxima.
PAGE_QUERIES = {
    # systems, stages, clusters on the day, successions, clusters formed, plans, their ICSs, map outlines
    # (2 before ICSs had lives: systems, stages)
    "home": 8,
    # partner counts by kind, system, stages, clusters, their members, plans, their ICSs, places, partnerships,
    # boards, programmes, MoUs, successions, the places that moved, leadership posts, map outlines,
    # and the partners' names (8 before)
    "ics": 17,
    # and, for a new ICS whose partners are not recorded, its predecessors' partners on the day before it began
    "ics new": 18,
    # place, memberships, partnerships, their organisations' names, boards, MoUs
    "place": 6,
    # meeting with its board, ICS, place and approving meeting; agenda items, published papers, the papers the
    # notice rule counts, attendance with people, the meetings whose minutes it approved (3 before attendance);
    # the history of its published items and papers, for "Changes since publication"; the previous and next
    # meetings of its board, for their links (8 before)
    "meeting": 9,
    # board with its ICS, decisions counted, the page of decisions with their items, meetings, boards and ICSs
    "decisions board": 3,
    # ICS, its boards (the board filter), decisions counted, the page of decisions; and the board chosen, if one is
    "decisions ics": 5,
    # ICS, past meetings counted, the page of them, the upcoming ones (first page only)
    "meetings ics": 4,
}
