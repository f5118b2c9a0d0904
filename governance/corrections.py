"""Changes made to what the public reads after it was published: the public record's own history.

Once published, minutes and resolutions, a paper's title, file and link, and an MoU's title, version and
summary change only by a publisher (services.published_content_check). The public pages list each such
change under "Changes since publication": when, what, and who. Who is the publisher's name as their
account gives it, or "a publisher" when it gives none (a username can be an e-mail address: never shown).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .services import PUBLISHED_CONTENT_FIELDS


@dataclass(frozen=True)
class Change:
    when: datetime.datetime
    record: str
    fields: tuple[str, ...]
    by: str


def changes_since_publication(records: Iterable, *, published_at: Callable, describe: Callable = str) -> list[Change]:
    """Changes to the public content of `records` (all of one model) saved after `published_at(record)`,
    oldest first, in one query. `describe(record)` names the record in the list."""
    published = {record.pk: record for record in records if published_at(record) is not None}
    if not published:
        return []
    model = type(next(iter(published.values())))
    fields = PUBLISHED_CONTENT_FIELDS[model]
    versions = (
        model.history.filter(id__in=published)
        .select_related("history_user")
        .only("id", "history_date", "history_user__first_name", "history_user__last_name", *fields)
        .order_by("id", "history_date", "history_id")
    )
    changes = []
    previous = None
    for version in versions:
        record = published[version.id]
        if previous is not None and previous.id == version.id and version.history_date > published_at(record):
            changed = [name for name in fields if getattr(previous, name) != getattr(version, name)]
            if changed:
                changes.append(Change(version.history_date, describe(record), _labels(model, changed), _who(version)))
        previous = version
    return sorted(changes, key=lambda change: change.when)


def _labels(model, names) -> tuple[str, ...]:
    # A paper's file and its download name change together: one label, "file".
    labels = dict.fromkeys(model._meta.get_field(name).verbose_name for name in names if name != "file_name")
    return tuple(labels) or ("file",)


def _who(version) -> str:
    user = version.history_user
    return (user.get_full_name() if user else "") or "a publisher"
