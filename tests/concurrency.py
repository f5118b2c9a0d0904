"""Two transactions at once, for tests of what the database does when writes meet (`transaction=True` tests)."""

import threading
import time

from django.db import connections, transaction


def committed_later(write, *, hold=1.0):
    """Run `write()` in a transaction on another connection (a thread) and commit it `hold` seconds after it
    has written: a save that validates meanwhile does not see the row, and its INSERT waits for this commit."""
    written = threading.Event()

    def run():
        try:
            with transaction.atomic():
                write()
                written.set()
                time.sleep(hold)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    assert written.wait(10)
    return thread
