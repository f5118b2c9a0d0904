"""The staff dashboard's work queues: what needs a staff user's attention in their ICSs.

Every queue is scoped to the user's ICSs (a superuser's are all of them) and is one query whatever the
data size: its first LIMIT rows, each carrying the count of the whole queue (a window count), so the
page says "and N more". The upcoming meetings add one query for their papers.

- Awaiting publication (publishers, for the ICSs they publish; superusers): draft documents, draft
  MoUs, agendas ready but unpublished (a scheduled meeting not yet started, with agenda items and no
  `agenda_published_at`), and minutes written but unpublished (a held meeting with an item's minutes
  written and no `minutes_published_at`).
- Upcoming meetings: scheduled in the next UPCOMING_WITHIN, soonest papers deadline first, each with
  its papers' due day and timeliness (governance/notice.py).
- MoU reviews: MoUs in force whose review date is within REVIEW_WITHIN, or past (overdue), unless
  superseded or withdrawn.
- Terms ending with no successor recorded: board seats ending within ENDING_WITHIN (today included)
  where nobody is recorded to follow:
    * a chair or vice-chair is followed by a seat of the same board and role held on the day after
      the term ends (starting that day, or earlier so that it overlaps the end);
    * any other member is followed by a later seat of their own on the same board: one that ends
      after this one, or has no end (a renewed term, whenever it starts).
- Meetings missing minutes: held more than MINUTES_DUE_AFTER ago, minutes unpublished.
- Boards with no chair today.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, DateField, Exists, F, Func, OuterRef, Prefetch, Q, Window
from django.db.models.functions import Lower, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from governance.models import AgendaItem, Board, BoardMembership, Document, Meeting, MoU
from governance.notice import Timeliness, papers_due_by, papers_timeliness

from . import permissions

LIMIT = 10
UPCOMING_WITHIN = datetime.timedelta(weeks=6)
REVIEW_WITHIN = datetime.timedelta(days=60)
ENDING_WITHIN = datetime.timedelta(days=60)
MINUTES_DUE_AFTER = datetime.timedelta(weeks=6)

SUCCEEDING_ROLES = (BoardMembership.Role.CHAIR, BoardMembership.Role.VICE_CHAIR)


@dataclass
class Queue:
    """The first rows of a queue, how many it holds in all, and the admin list showing them all (if one does)."""

    rows: list
    total: int
    changelist_url: str = ""

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


# How each papers status reads on the page, and the colour of its tag.
TIMELINESS_TAGS = {
    Timeliness.ON_TIME: ("On time", "green"),
    Timeliness.DUE: ("Due", "yellow"),
    Timeliness.LATE: ("Late", "red"),
    Timeliness.NOT_KNOWN: ("Not known", "grey"),
}


@dataclass
class UpcomingMeeting:
    meeting: Meeting
    papers_due: datetime.date
    timeliness: Timeliness

    @property
    def status(self) -> str:
        return TIMELINESS_TAGS[self.timeliness][0]

    @property
    def tag_colour(self) -> str:
        return TIMELINESS_TAGS[self.timeliness][1]


@dataclass
class Publishing:
    """Drafts awaiting a publisher. `queues` is None for a user who publishes in none of their ICSs."""

    queues: dict[str, Queue] | None
    publishes_everywhere: bool

    @property
    def total(self) -> int:
        return sum(queue.total for queue in (self.queues or {}).values())


@dataclass
class Dashboard:
    publishing: Publishing
    upcoming_meetings: Queue
    mou_reviews: Queue
    terms_ending: Queue
    meetings_without_minutes: Queue
    boards_without_chair: Queue
    today: datetime.date
    all_ics: bool

    @property
    def total(self) -> int:
        queues = (self.mou_reviews, self.terms_ending, self.meetings_without_minutes, self.boards_without_chair)
        return self.publishing.total + self.upcoming_meetings.total + sum(queue.total for queue in queues)


def _queue(queryset, changelist_url: str = "") -> Queue:
    """The queryset's first LIMIT rows and, in the same query, how many rows it has in all."""
    rows = list(queryset.annotate(queue_total=Window(Count("pk")))[:LIMIT])
    return Queue(rows=rows, total=rows[0].queue_total if rows else 0, changelist_url=changelist_url)


def _changelist(model, **filters) -> str:
    """The admin's list of `model`, filtered."""
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist") + "?" + urlencode(filters)


def dashboard_for(user, *, now: datetime.datetime | None = None) -> Dashboard:
    """The work queues of `user` (a staff member) as at `now`."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    return Dashboard(
        publishing=_publishing(user, now),
        upcoming_meetings=_upcoming_meetings(user, now),
        mou_reviews=_queue(mou_reviews(user, today)),
        terms_ending=_queue(terms_ending(user, today)),
        meetings_without_minutes=_queue(meetings_without_minutes(user, now)),
        boards_without_chair=_queue(boards_without_chair(user, today)),
        today=today,
        all_ics=permissions.editable_ics_ids(user) is None,
    )


# --- awaiting publication ---------------------------------------------------------------------


def _publishing(user, now) -> Publishing:
    publishable = permissions.publishable_ics_ids(user)
    if publishable is not None and not publishable:
        return Publishing(queues=None, publishes_everywhere=False)
    queues = {
        "documents": _queue(draft_documents(user), _changelist(Document, published_at__isempty=1)),
        "mous": _queue(draft_mous(user), _changelist(MoU, published_at__isempty=1)),
        "agendas": _queue(agendas_ready(user, now)),
        "minutes": _queue(minutes_written(user)),
    }
    everywhere = publishable is None or publishable >= permissions.editable_ics_ids(user)
    return Publishing(queues=queues, publishes_everywhere=everywhere)


def draft_documents(user):
    """Unpublished documents the user may publish, the latest changed first."""
    drafts = Document.objects.filter(published_at__isnull=True)
    return (
        permissions.publishable(user, drafts)
        .select_related("meeting__board", "mou", "board")
        .order_by("-modified_at", "pk")
    )


def draft_mous(user):
    """Unpublished MoUs the user may publish, the latest changed first."""
    drafts = MoU.objects.filter(published_at__isnull=True)
    return permissions.publishable(user, drafts).select_related("ics").order_by("-modified_at", "pk")


def agendas_ready(user, now):
    """Scheduled meetings not yet started whose agenda has items but is unpublished, soonest first."""
    has_items = Exists(AgendaItem.objects.filter(meeting=OuterRef("pk")))
    ready = Meeting.objects.filter(
        has_items, status=Meeting.Status.SCHEDULED, starts_at__gt=now, agenda_published_at__isnull=True
    )
    return permissions.publishable(user, ready).select_related("board__ics").order_by("starts_at", "pk")


def minutes_written(user):
    """Held meetings with an item's minutes written and the minutes unpublished, oldest first."""
    minuted = Exists(AgendaItem.objects.filter(meeting=OuterRef("pk")).exclude(minutes=""))
    written = Meeting.objects.held().filter(minuted, minutes_published_at__isnull=True)
    return permissions.publishable(user, written).select_related("board__ics").order_by("starts_at", "pk")


# --- upcoming meetings ---------------------------------------------------------------------------


def _upcoming_meetings(user, now) -> Queue:
    queue = _queue(upcoming_meetings(user, now))
    queue.rows = [
        UpcomingMeeting(
            meeting=meeting,
            papers_due=papers_due_by(meeting),
            timeliness=papers_timeliness(meeting, meeting.papers_for_notice, now=now),
        )
        for meeting in queue.rows
    ]
    return queue


def upcoming_meetings(user, now):
    """Scheduled meetings in the next UPCOMING_WITHIN, soonest papers deadline first, with their papers
    as governance.notice counts them (agenda and papers, but not those of confidential items)."""
    papers = Document.objects.filter(kind__in=[Document.Kind.AGENDA, Document.Kind.PAPERS]).filter(
        Q(agenda_item__isnull=True) | Q(agenda_item__is_confidential=False)
    )
    # The day papers are due (notice.papers_due_by), in SQL so that the database orders and limits by it.
    papers_due = Func(
        TruncDate("starts_at"),
        F("board__notice_clear_days") + 1,
        template="(%(expressions)s)",
        arg_joiner=" - ",
        output_field=DateField(),
    )
    return (
        permissions.visible_to(user, Meeting.objects.all())
        .filter(status=Meeting.Status.SCHEDULED, starts_at__gte=now, starts_at__lte=now + UPCOMING_WITHIN)
        .select_related("board__ics")
        .prefetch_related(Prefetch("documents", queryset=papers, to_attr="papers_for_notice"))
        .annotate(papers_due=papers_due)
        .order_by("papers_due", "starts_at", "pk")
    )


# --- records falling due -------------------------------------------------------------------------


def mou_reviews(user, today):
    """MoUs in force whose review is due within REVIEW_WITHIN or overdue, but not superseded or withdrawn."""
    return (
        permissions.visible_to(user, MoU.objects.as_at(today))
        .filter(review_date__lte=today + REVIEW_WITHIN)
        .exclude(status__in=[MoU.Status.SUPERSEDED, MoU.Status.WITHDRAWN])
        .select_related("ics")
        .order_by("review_date", "pk")
    )


def terms_ending(user, today):
    """Board seats ending within ENDING_WITHIN with nobody recorded to follow (see the module docstring)."""
    same_role_on_day_after = BoardMembership.objects.filter(
        Q(start_date__isnull=True) | Q(start_date__lte=OuterRef("end_date") + datetime.timedelta(days=1)),
        Q(end_date__isnull=True) | Q(end_date__gt=OuterRef("end_date")),
        board=OuterRef("board"),
        role=OuterRef("role"),
    )
    own_later_seat = BoardMembership.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gt=OuterRef("end_date")),
        board=OuterRef("board"),
        person=OuterRef("person"),
    )
    succeeding_role = Q(role__in=SUCCEEDING_ROLES)
    nobody_follows = (succeeding_role & ~Exists(same_role_on_day_after)) | (~succeeding_role & ~Exists(own_later_seat))
    return (
        permissions.visible_to(user, BoardMembership.objects.all())
        .filter(nobody_follows, end_date__gte=today, end_date__lte=today + ENDING_WITHIN)
        .select_related("person", "board__ics")
        .order_by("end_date", Lower("board__name"), "pk")
    )


def meetings_without_minutes(user, now):
    """Held meetings more than MINUTES_DUE_AFTER ago whose minutes are unpublished."""
    return (
        permissions.visible_to(user, Meeting.objects.held())
        .filter(starts_at__lt=now - MINUTES_DUE_AFTER, minutes_published_at__isnull=True)
        .select_related("board__ics")
        .order_by("starts_at", "pk")
    )


def boards_without_chair(user, today):
    """Boards in existence today with no chair today."""
    chair_now = BoardMembership.objects.as_at(today).filter(board=OuterRef("pk"), role=BoardMembership.Role.CHAIR)
    return (
        permissions.visible_to(user, Board.objects.as_at(today))
        .filter(~Exists(chair_now))
        .select_related("ics", "place")
        .order_by(Lower("ics__short_name"), Lower("name"), "pk")
    )
