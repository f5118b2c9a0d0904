"""A generated data set at the scale of all of England, for load tests and "as at" browsing.

`vocabulary` holds the words and dates it is made from, `generator` builds every row in memory
from a seed, and `copy_writer` replaces the portal's rows with them by COPY, with explicit ids
after TRUNCATE ... RESTART IDENTITY: the same seed and day give the same rows with the same ids.
"""

import datetime

from django.db import connection

from .copy_writer import write_tables
from .generator import NationalGenerator


def generate_national(*, seed: int = 1, scale: float = 1.0, today: datetime.date | None = None, log=print) -> dict:
    """Replace every places/partners/governance row with a generated national data set. Returns row counts."""
    if connection.vendor != "postgresql":
        raise RuntimeError("generate_national needs PostgreSQL (it uses COPY and exclusion constraints).")
    generator = NationalGenerator(seed=seed, scale=scale, today=today)
    generator.build()
    log("Built in memory: " + ", ".join(f"{n} {name}" for name, n in generator.counts().items()))
    write_tables(list(generator.t.values()))
    return generator.counts()
