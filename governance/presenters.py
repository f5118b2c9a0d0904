"""Turning loaded boards, members and meetings into what their pages show. No queries here."""

import datetime
import functools
import textwrap
from dataclasses import dataclass, field

from django.utils import timezone

from governance import notice
from governance.corrections import changes_since_publication
from governance.models import Attendance, BoardMembership, Document, LeadershipPost

ROLE_ORDER = {role: i for i, role in enumerate(BoardMembership.Role.values)}


def members_by_role(memberships):
    return sorted(memberships, key=lambda m: (ROLE_ORDER.get(m.role, 99), m.person.name.casefold()))


def split_meetings(meetings, day: datetime.date):
    """(upcoming, past) meetings relative to `day`; past ones newest first.

    A meeting whose source does not state its date is past (a source tells of it because it was held),
    listed after the dated ones.
    """
    undated = [m for m in meetings if m.starts_at is None]
    dated = [m for m in meetings if m.starts_at is not None]
    upcoming = [m for m in dated if timezone.localtime(m.starts_at).date() >= day]
    past = [m for m in dated if timezone.localtime(m.starts_at).date() < day]
    return upcoming, list(reversed(past)) + undated


DECISION_CSV_HEADER = ("Date", "Board", "ICS", "Item", "Item type", "Decision", "Sample data", "Meeting page")


def meeting_day(meeting) -> datetime.date | None:
    return timezone.localdate(meeting.starts_at) if meeting.starts_at else None


def decision_csv_rows(decisions, *, absolute_url):
    """A register's decisions as CSV rows, one a decision; `absolute_url(path)` makes the meeting's link whole."""
    for decision in decisions:
        item = decision.agenda_item
        meeting = item.meeting
        yield (
            meeting_day(meeting),
            meeting.board.name,
            meeting.board.ics.short_name,
            str(item),
            item.get_kind_display(),
            decision.text,
            decision.is_sample,
            absolute_url(meeting.get_absolute_url()),
        )


def reporting_line(board, boards):
    """The chain of boards `board` reports to, nearest first, from the loaded boards of its ICS.

    Stops at a board outside the ICS (not loaded) and at a loop, which the data should not have but may.
    """
    by_id = {b.pk: b for b in boards}
    line, seen = [], {board.pk}
    parent_id = board.reports_to_id
    while parent_id and parent_id not in seen and parent_id in by_id:
        seen.add(parent_id)
        parent = by_id[parent_id]
        line.append(parent)
        parent_id = parent.reports_to_id
    if parent_id and parent_id not in seen and board.reports_to is not None and not line:
        line.append(board.reports_to)
    return line


def resolutions_of(item):
    return [line.strip() for line in item.resolutions.splitlines() if line.strip()]


def meeting_drafts(meeting) -> list[str]:
    """What of a meeting is recorded but not public yet ("agenda", "minutes"), for a staff preview to name.

    Reads the agenda items the page prefetched: no query.
    """
    items = meeting.agenda_items.all()
    drafts = []
    if meeting.agenda_published_at is None and items:
        drafts.append("agenda")
    if meeting.minutes_published_at is None and any(item.minutes or item.resolutions for item in items):
        drafts.append("minutes")
    return drafts


def meeting_draft_notice(drafts: list[str]) -> dict:
    """The banner's words over a staff preview of a meeting's `drafts` (from meeting_drafts())."""
    it = "it" if drafts == ["agenda"] else "them"
    return {
        "what": f"The {' and '.join(drafts)} of this meeting {'is' if it == 'it' else 'are'} not published yet.",
        "meanwhile": f"Visitors see this page without {it} until a publisher publishes {it}.",
    }


@dataclass
class AgendaRow:
    """An agenda item as its meeting's page shows it: a confidential one by its number and title only."""

    item: object
    papers: list
    resolutions: list


def agenda_rows(items, documents, *, minutes_published: bool) -> list[AgendaRow]:
    """The agenda's items, each with its published papers (from the meeting's `documents`)."""
    papers_by_item: dict[int, list] = {}
    for document in documents:
        if document.agenda_item_id is not None:
            papers_by_item.setdefault(document.agenda_item_id, []).append(document)
    rows = []
    for item in items:
        if item.is_confidential:
            rows.append(AgendaRow(item=item, papers=[], resolutions=[]))
        else:
            resolutions = resolutions_of(item) if minutes_published else []
            rows.append(AgendaRow(item=item, papers=papers_by_item.get(item.pk, []), resolutions=resolutions))
    return rows


def meeting_papers(documents, *, minutes_published: bool) -> list:
    """The meeting's own papers (on no item); its minutes only once they are published."""
    return [d for d in documents if d.agenda_item_id is None and (minutes_published or d.kind != Document.Kind.MINUTES)]


def meeting_corrections(meeting, rows, papers) -> list:
    """Changes made since publication to what the page shows: items' minutes and decisions (a confidential
    item's are never shown) and the papers listed. One query per kind, and none when nothing is published."""
    items = [row.item for row in rows if not row.item.is_confidential]
    changes = changes_since_publication(
        items, published_at=lambda _: meeting.minutes_published_at, describe=_item_name
    ) + changes_since_publication(papers, published_at=lambda paper: paper.published_at)
    return sorted(changes, key=lambda change: change.when)


def mou_corrections(mou) -> list:
    """Changes made since publication to an MoU's title, version and summary, and to its published documents."""
    changes = changes_since_publication(
        [mou], published_at=lambda record: record.published_at
    ) + changes_since_publication(mou.documents.all(), published_at=lambda paper: paper.published_at)
    return sorted(changes, key=lambda change: change.when)


def _item_name(item) -> str:
    return f"Item {item.number}: {item.title}" if item.number else item.title


@dataclass
class AttendanceRecord:
    present: list
    apologies: list
    absent: list
    quorum: str


def attendance_record(meeting) -> AttendanceRecord:
    """Who came, who sent apologies (and their deputies), who was absent, and whether the meeting was quorate."""
    rows = list(meeting.attendance.all())
    by_status = {status: [r for r in rows if r.status == status] for status in Attendance.Status.values}
    present = by_status[Attendance.Status.PRESENT]
    return AttendanceRecord(
        present=present,
        apologies=by_status[Attendance.Status.APOLOGIES],
        absent=by_status[Attendance.Status.ABSENT],
        quorum=quorum_statement(meeting, rows),
    )


def quorum_statement(meeting, attendance) -> str:
    """The quorum line: "Quorate: 7 of 12 voting members present; the quorum is 5", or the recorded answer and
    the board's rule, or "Not recorded". Voting members are those the attendance lists; deputies are not counted."""
    voting = [row for row in attendance if row.membership.is_voting]
    present = sum(row.status == Attendance.Status.PRESENT for row in voting)
    met = meeting.quorum_met(present if voting else None)
    if met is None:
        return "Not recorded"
    answer = "Quorate" if met else "Not quorate"
    board = meeting.board
    if board.quorum is not None and voting:
        return f"{answer}: {present} of {len(voting)} voting members present; the quorum is {board.quorum}"
    if board.quorum_rule:
        return f"{answer}, as the minutes record; the quorum is {board.quorum_rule}"
    return f"{answer}, as the minutes record"


@dataclass
class PapersNotice:
    due_by: datetime.date | None
    clear_days: int
    timeliness: str | None  # "on time", "late", "due"; None where it is not known


def papers_notice(meeting, *, now=None) -> PapersNotice:
    """When the meeting's papers were due, and whether they came on time (from its `notice_papers`)."""
    timeliness = notice.papers_timeliness(meeting, meeting.notice_papers, now=now)
    return PapersNotice(
        due_by=notice.papers_due_by(meeting),
        clear_days=meeting.board.notice_clear_days,
        timeliness=None if timeliness is notice.Timeliness.NOT_KNOWN else timeliness.value,
    )


# --- The governance structure diagram -------------------------------------------------------------
#
# An indented org chart: one board a row, each board below and to the right of the board it reports to,
# joined by an elbow line. System-level boards come first, then each place's boards under the place's
# name. A place board that reports to a system board is joined to it through a lane in the left gutter,
# so no line ever crosses a box.

BOX_W, BOX_H, ROW_H, INDENT = 330, 44, 54, 28
MARGIN, LANE_W, BAND_LABEL_H, PLACE_LABEL_H = 12, 8, 34, 30
LINE_CHARS = 46


@dataclass
class TreeNode:
    board: object
    children: list["TreeNode"] = field(default_factory=list)
    reports_up_to: object = None


@dataclass
class Box:
    board: object
    x: int
    y: int
    lines: tuple[str, ...]
    is_place: bool

    @property
    def text_x(self):
        return self.x + 10

    @property
    def text_lines(self):
        """(baseline y, text) for each line of the label, vertically centred in the box."""
        top = self.y + (BOX_H - 16 * len(self.lines)) // 2 + 12
        return [(top + 16 * i, text) for i, text in enumerate(self.lines)]


@dataclass
class Label:
    text: str
    y: int
    is_band: bool


@dataclass
class Diagram:
    boxes: list[Box]
    paths: list[str]
    labels: list[Label]
    dividers: list[int]
    width: int
    height: int
    system_tree: list[TreeNode]
    place_tree: list[tuple[object, list[TreeNode]]]
    label_x: int = MARGIN
    box_w: int = BOX_W
    box_h: int = BOX_H


@functools.lru_cache(maxsize=4096)  # textwrap takes ~10 us a name; the same names come back on every request
def _label(name):
    lines = textwrap.wrap(name, LINE_CHARS) or [name]
    if len(lines) > 2:
        lines = lines[:2]
        lines[1] = lines[1][: LINE_CHARS - 1].rstrip() + "…"
    return tuple(lines)


def _trees(boards):
    """Boards as trees of who reports to whom, within the given boards; roots first by name."""
    ids = {b.pk for b in boards}
    nodes = {b.pk: TreeNode(board=b) for b in boards}
    roots = []
    for b in boards:
        if b.reports_to_id in ids and b.reports_to_id != b.pk:
            nodes[b.reports_to_id].children.append(nodes[b.pk])
        else:
            roots.append(nodes[b.pk])
    # A reporting loop leaves its boards unreachable from any root: list them flat rather than lose them.
    reachable, stack = set(), list(roots)
    while stack:
        node = stack.pop()
        if node.board.pk in reachable:
            continue
        reachable.add(node.board.pk)
        stack.extend(node.children)
    for b in boards:
        if b.pk not in reachable:
            nodes[b.pk].children = []
            roots.append(nodes[b.pk])
    return roots


def structure_diagram(boards) -> Diagram | None:
    """Boards as boxes and `reports_to` as lines, system level above place level, plus the same as trees.

    `boards` are the boards in force on the page's day, with `place` loaded, in name order.
    """
    boards = list(boards)
    if not boards:
        return None
    by_id = {b.pk: b for b in boards}
    system_boards = [b for b in boards if b.place_id is None]
    place_boards = [b for b in boards if b.place_id is not None]
    system_tree = _trees(system_boards)
    place_roots = _trees(place_boards)
    for node in place_roots:
        node.reports_up_to = by_id.get(node.board.reports_to_id)
    places = sorted({b.place for b in place_boards}, key=lambda p: p.name.casefold())
    place_tree = [(place, [n for n in place_roots if n.board.place_id == place.pk]) for place in places]

    # Parents in the system band of place-band roots each get a lane in the left gutter.
    lane_parents = []
    for node in place_roots:
        parent = node.reports_up_to
        if parent is not None and parent.place_id is None and parent.pk not in lane_parents:
            lane_parents.append(parent.pk)
    gutter = MARGIN + LANE_W * (len(lane_parents) + 1)

    boxes: dict[int, Box] = {}
    labels, dividers = [], []
    y = MARGIN
    deepest = 0

    def lay(nodes, depth):
        nonlocal y, deepest
        for node in nodes:
            deepest = max(deepest, depth)
            b = node.board
            x = gutter + depth * INDENT
            boxes[b.pk] = Box(board=b, x=x, y=y, lines=_label(b.name), is_place=b.place_id is not None)
            y += ROW_H
            lay(node.children, depth + 1)

    if system_tree:
        labels.append(Label("System level", y + 18, True))
        y += BAND_LABEL_H
        lay(system_tree, 0)
    if place_tree:
        if system_tree:
            dividers.append(y + 2)
            y += 12
        labels.append(Label("Place level", y + 18, True))
        y += BAND_LABEL_H
        for place, nodes in place_tree:
            labels.append(Label(place.name, y + 18, False))
            y += PLACE_LABEL_H
            lay(nodes, 0)

    paths = []
    for b in boards:
        parent = boxes.get(b.reports_to_id)
        if parent is None or b.reports_to_id == b.pk:
            continue
        child = boxes[b.pk]
        mid = child.y + BOX_H // 2
        if parent.is_place == child.is_place:
            paths.append(f"M{parent.x + 14} {parent.y + BOX_H}V{mid}H{child.x}")
        elif parent.board.pk in lane_parents:
            lane = MARGIN + LANE_W * lane_parents.index(parent.board.pk)
            paths.append(f"M{parent.x} {parent.y + BOX_H // 2}H{lane}V{mid}H{child.x}")

    return Diagram(
        boxes=list(boxes.values()),
        paths=paths,
        labels=labels,
        dividers=dividers,
        width=gutter + deepest * INDENT + BOX_W + MARGIN,
        height=y - (ROW_H - BOX_H) + MARGIN,
        system_tree=system_tree,
        place_tree=place_tree,
        label_x=gutter,
    )


@dataclass
class StatusChange:
    when: datetime.datetime
    status: str
    version: str


def status_history(records) -> list[StatusChange]:
    """An MoU's public status history from its historical records, oldest first.

    Only changes made while the MoU was published count: what happened while it was a draft is staff-only.
    """
    changes: list[StatusChange] = []
    for record in records:
        if record.published_at is None:
            continue
        label = record.get_status_display()
        if changes and changes[-1].status == label and changes[-1].version == record.version:
            continue
        changes.append(StatusChange(when=record.history_date, status=label, version=record.version))
    return changes


@dataclass
class PostGroup:
    """The people sources name for one post (one role of one ICB or cluster); more than one where they disagree."""

    role: str
    posts: list

    @property
    def disputed(self) -> bool:
        return any(p.disputed for p in self.posts)


def in_post_on(post, day: datetime.date) -> bool:
    """Whether `post` shows on `day`: within its stated dates; an undated post only from when a source saw it."""
    if not post.is_current_on(day):
        return False
    return post.start_date is not None or post.source_date is None or post.source_date <= day


def post_groups(posts, day: datetime.date) -> list[PostGroup]:
    """Posts held on `day` grouped by role (chairs first), each group with every person a source names for it."""
    order = {role: i for i, role in enumerate(LeadershipPost.Role.values)}
    grouped: dict[str, list] = {}
    for post in sorted(posts, key=lambda p: (order.get(p.role, 99), p.person.name.casefold())):
        if in_post_on(post, day):
            grouped.setdefault(post.role, []).append(post)
    labels = dict(LeadershipPost.Role.choices)
    return [PostGroup(role=labels.get(role, role), posts=rows) for role, rows in grouped.items()]
