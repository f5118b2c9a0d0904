"""Feeds: each board's meetings as iCalendar, and the site-wide feed of what was published.

The iCalendar text is written by hand to RFC 5545 (it is a small, stable format):
CRLF line ends, lines folded at 75 octets, TEXT values escaped. Only what the
public meeting page shows goes in: board, date and time, place, status, link.
Minutes are never put in the calendar.
"""

import datetime
from itertools import islice

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from governance.models import Board, Meeting, MoU

CRLF = "\r\n"
PRODID = "-//ICS Portal//Board meetings//EN"
UID_DOMAIN = "ics-portal"
FEED_ITEMS = 30


# -- iCalendar -----------------------------------------------------------------


def ical_escape(value) -> str:
    """Escape a TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newlines."""
    text = str(value or "")
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def ical_fold(line: str) -> str:
    """Fold a content line to at most 75 octets a line (RFC 5545 3.1), never inside a UTF-8 character."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = 75 if not out else 74  # continuation lines start with a space
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return (CRLF + " ").join(out)


def ical_datetime(value: datetime.datetime) -> str:
    """A UTC DATE-TIME (form 2, with Z)."""
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def meeting_uid(meeting: Meeting) -> str:
    """Stable for the life of the meeting: its primary key, not its slug or time, which can change."""
    return f"meeting-{meeting.pk}@{UID_DOMAIN}"


SAMPLE_LABEL = "[Sample data]"


def meeting_event_lines(meeting: Meeting, *, board: Board, url: str) -> list[str]:
    summary = f"{board.name}: meeting"
    if meeting.status == Meeting.Status.CANCELLED:
        summary = f"Cancelled: {summary}"
    elif meeting.status == Meeting.Status.POSTPONED:
        summary = f"Postponed: {summary}"
    held = "Held in public." if meeting.is_public else "Held in private."
    description = f"{board.name} ({board.get_kind_display()}). {meeting.get_status_display()}. {held}\nDetails: {url}"
    if meeting.is_sample:
        summary = f"{SAMPLE_LABEL} {summary}"
        description = f"Sample data, not a real meeting. {description}"
    lines = [
        "BEGIN:VEVENT",
        f"UID:{meeting_uid(meeting)}",
        f"DTSTAMP:{ical_datetime(meeting.public_modified_at)}",
        f"DTSTART:{ical_datetime(meeting.starts_at)}",
        f"SUMMARY:{ical_escape(summary)}",
        f"DESCRIPTION:{ical_escape(description)}",
        f"URL:{url}",
        f"LAST-MODIFIED:{ical_datetime(meeting.public_modified_at)}",
        "STATUS:" + ("CANCELLED" if meeting.status == Meeting.Status.CANCELLED else "CONFIRMED"),
        "CLASS:PUBLIC",
        "TRANSP:OPAQUE",
    ]
    if meeting.location:
        lines.append(f"LOCATION:{ical_escape(meeting.location)}")
    lines.append("END:VEVENT")
    return lines


def board_calendar(board: Board, meetings, *, absolute_url) -> str:
    """The VCALENDAR text for a board's meetings. `absolute_url(path)` turns a path into a full URL."""
    return meetings_calendar(
        board.name, f"Meetings of {board.name}, {board.ics.short_name}", meetings, absolute_url=absolute_url
    )


def ics_calendar(ics, meetings, *, absolute_url) -> str:
    """The VCALENDAR text for the meetings of every board of an ICS (each meeting with its board loaded)."""
    return meetings_calendar(
        f"{ics.short_name}: board meetings",
        f"Meetings of every board of {ics.short_name}",
        meetings,
        absolute_url=absolute_url,
    )


def meetings_calendar(name: str, description: str, meetings, *, absolute_url) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{ical_escape(name)}",
        f"X-WR-CALDESC:{ical_escape(description)}",
    ]
    for meeting in meetings:
        board = meeting.board
        path = reverse("governance:meeting_detail", kwargs={"board_slug": board.slug, "slug": meeting.slug})
        lines.extend(meeting_event_lines(meeting, board=board, url=absolute_url(path)))
    lines.append("END:VCALENDAR")
    return "".join(ical_fold(line) + CRLF for line in lines)


# -- Site-wide feed of published minutes and MoUs -------------------------------


class PublishedItem:
    """A feed entry: minutes published for a meeting, or an MoU published."""

    def __init__(self, *, kind, title, description, url, published, updated, guid):
        self.kind, self.title, self.description, self.url = kind, title, description, url
        self.published, self.updated, self.guid = published, updated, guid


def _day(moment: datetime.datetime | None) -> str:
    if moment is None:
        return "date not stated in the source"
    return f"{timezone.localtime(moment):%-d %B %Y}"


def _labelled(record, text: str) -> str:
    """'Sample data: …' for a sample or generated record, so a reader of the feed alone cannot take it for fact."""
    return f"{record.get_provenance_display()}: {text}" if record.is_sample else text


def published_items(limit: int = FEED_ITEMS) -> list[PublishedItem]:
    """The newest published minutes and MoUs, newest first. Two queries; drafts never appear."""
    meetings = (
        Meeting.objects.filter(minutes_published_at__isnull=False)
        .select_related("board__ics")
        .order_by("-minutes_published_at", "-pk")[:limit]
    )
    mous = MoU.objects.published().select_related("ics").order_by("-published_at", "-pk")[:limit]
    items = [
        PublishedItem(
            kind="minutes",
            title=_labelled(m, f"Minutes published: {m.board.name}, {_day(m.starts_at)}"),
            description=_labelled(
                m, f"The minutes of the {m.board.name} meeting of {_day(m.starts_at)} ({m.board.ics.short_name})."
            ),
            url=m.get_absolute_url(),
            published=m.minutes_published_at,
            updated=m.minutes_published_at,
            guid=f"minutes-{m.pk}",
        )
        for m in meetings
    ] + [
        PublishedItem(
            kind="mou",
            title=_labelled(mou, f"MoU published: {mou.title}"),
            description=_labelled(
                mou,
                " ".join(
                    part
                    for part in (f"{mou.ics.short_name}.", f"Status: {mou.get_status_display()}.", mou.summary)
                    if part
                ),
            ),
            url=mou.get_absolute_url(),
            published=mou.published_at,
            updated=mou.published_at,
            guid=f"mou-{mou.pk}",
        )
        for mou in mous
    ]
    items.sort(key=lambda item: item.published, reverse=True)
    return list(islice(items, limit))


class LatestPublishedFeed(Feed):
    """RSS 2.0: newly published minutes and MoUs across every ICS."""

    feed_type = Rss201rev2Feed
    title = "ICS Portal: newly published minutes and MoUs"
    description = "Board and committee minutes and memoranda of understanding, as they are published."

    link = "/"

    def items(self):
        return published_items()

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.description

    def item_link(self, item):
        return item.url

    def item_guid(self, item):
        return item.guid

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published

    def item_updateddate(self, item):
        return item.updated

    def item_categories(self, item):
        return ["Minutes" if item.kind == "minutes" else "MoU"]


class LatestPublishedAtomFeed(LatestPublishedFeed):
    """The same entries as Atom 1.0."""

    feed_type = Atom1Feed
    subtitle = LatestPublishedFeed.description

    def item_guid(self, item):
        # Atom ids must be IRIs.
        return f"tag:{UID_DOMAIN},2024:{item.guid}"
