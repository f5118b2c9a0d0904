"""What needs a staff user's attention in their ICSs: one bounded query per list."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils import timezone

from governance.models import Board, BoardMembership, Meeting, MoU

from . import permissions

LIMIT = 50
ENDING_WITHIN = datetime.timedelta(days=30)
MINUTES_DUE_AFTER = datetime.timedelta(weeks=6)


@dataclass
class Attention:
    boards_without_chair: list
    memberships_ending: list
    mous_past_review: list
    meetings_without_minutes: list
    limit: int = LIMIT

    @property
    def total(self) -> int:
        return sum(
            len(items)
            for items in (
                self.boards_without_chair,
                self.memberships_ending,
                self.mous_past_review,
                self.meetings_without_minutes,
            )
        )


def _first(queryset) -> list:
    return list(queryset[:LIMIT])


def attention_for(user, *, today: datetime.date | None = None) -> Attention:
    """Four lists, each at most LIMIT rows, each one query, scoped to the user's ICSs."""
    today = today or timezone.localdate()
    now = timezone.now()
    chair_now = BoardMembership.objects.as_at(today).filter(board=OuterRef("pk"), role=BoardMembership.Role.CHAIR)
    boards = (
        permissions.visible_to(user, Board.objects.as_at(today))
        .filter(~Exists(chair_now))
        .select_related("ics", "place")
        .order_by("ics__short_name", "name")
    )
    memberships = (
        permissions.visible_to(user, BoardMembership.objects.all())
        .filter(end_date__gte=today, end_date__lte=today + ENDING_WITHIN)
        .select_related("person", "board__ics")
        .order_by("end_date", "board__name")
    )
    mous = (
        permissions.visible_to(user, MoU.objects.as_at(today))
        .filter(review_date__lt=today)
        .exclude(status__in=[MoU.Status.SUPERSEDED, MoU.Status.WITHDRAWN])
        .select_related("ics")
        .order_by("review_date")
    )
    meetings = (
        permissions.visible_to(user, Meeting.objects.held())
        .filter(starts_at__lt=now - MINUTES_DUE_AFTER, minutes_published_at__isnull=True)
        .select_related("board__ics")
        .order_by("starts_at")
    )
    return Attention(
        boards_without_chair=_first(boards),
        memberships_ending=_first(memberships),
        mous_past_review=_first(mous),
        meetings_without_minutes=_first(meetings),
    )
