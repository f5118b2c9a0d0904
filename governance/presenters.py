"""Turning loaded boards, members and meetings into what their pages show. No queries here."""

import datetime
import textwrap
from dataclasses import dataclass, field

from django.utils import timezone

from governance.models import BoardMembership

ROLE_ORDER = {role: i for i, role in enumerate(BoardMembership.Role.values)}


def split_by_day(rows, day: datetime.date):
    """(current, past) dated rows on `day`; rows that began after `day` are left out."""
    current = [r for r in rows if r.is_current_on(day)]
    past = [r for r in rows if r.end_date is not None and r.end_date < day]
    return current, past


def members_by_role(memberships):
    return sorted(memberships, key=lambda m: (ROLE_ORDER.get(m.role, 99), m.person.name))


def split_meetings(meetings, day: datetime.date):
    """(upcoming, past) meetings relative to `day`; past ones newest first."""
    upcoming = [m for m in meetings if timezone.localtime(m.starts_at).date() >= day]
    past = [m for m in meetings if timezone.localtime(m.starts_at).date() < day]
    return upcoming, list(reversed(past))


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


# --- The governance structure diagram -------------------------------------------------------------

BOX_W, BOX_H = 200, 76
H_GAP, V_GAP = 28, 44
MARGIN, BAND_LABEL_H = 16, 30
PER_ROW = 5
LINE_CHARS = 27


@dataclass
class TreeNode:
    board: object
    children: list["TreeNode"] = field(default_factory=list)


@dataclass
class Box:
    board: object
    x: int
    y: int
    lines: list[str]
    place_name: str
    is_place: bool

    @property
    def cx(self):
        return self.x + BOX_W // 2

    @property
    def text_x(self):
        return self.x + 10

    @property
    def text_lines(self):
        """(y, text) for each line of the label, first line's baseline 20px into the box."""
        return [(self.y + 20 + 16 * i, text) for i, text in enumerate(self.lines)]

    @property
    def place_y(self):
        return self.y + BOX_H - 10


@dataclass
class Band:
    label: str
    y: int
    divider_y: int | None


@dataclass
class Diagram:
    boxes: list[Box]
    paths: list[str]
    bands: list[Band]
    width: int
    height: int
    system_tree: list[TreeNode]
    place_tree: list[tuple[object, list[TreeNode]]]
    box_w: int = BOX_W
    box_h: int = BOX_H


def _depths(boards, in_band):
    """How many reporting steps each board is below the top of its band."""
    by_id = {b.pk: b for b in boards}
    depths = {}

    def depth(b, seen):
        if b.pk in depths:
            return depths[b.pk]
        parent = by_id.get(b.reports_to_id)
        if parent is None or parent.pk in seen or not in_band(parent):
            d = 0
        else:
            d = depth(parent, seen | {b.pk}) + 1
        depths[b.pk] = d
        return d

    for b in boards:
        depth(b, frozenset())
    return depths


def _label(board):
    lines = textwrap.wrap(board.name, LINE_CHARS) or [board.name]
    if len(lines) > 3:
        lines = lines[:3]
        lines[2] = lines[2][: LINE_CHARS - 1].rstrip() + "…"
    return lines


def _trees(boards, ids):
    nodes = {b.pk: TreeNode(board=b) for b in boards}
    roots = []
    for b in boards:
        parent = nodes.get(b.reports_to_id)
        if parent is not None and b.reports_to_id in ids and b.reports_to_id != b.pk:
            parent.children.append(nodes[b.pk])
        else:
            roots.append(nodes[b.pk])
    # A loop leaves no root: list the loop's boards flat rather than lose them.
    reachable, stack = set(), list(roots)
    while stack:
        node = stack.pop()
        reachable.add(node.board.pk)
        stack.extend(node.children)
    for b in boards:
        if b.pk not in reachable:
            nodes[b.pk].children = []
            roots.append(nodes[b.pk])
    return roots


def structure_diagram(boards) -> Diagram | None:
    """Boards as boxes and `reports_to` as lines, system level above place level.

    `boards` are the boards in force on the page's day, with `place` loaded. Rows within a band are
    reporting depth; a row longer than PER_ROW boxes wraps. Lines run from a board up to the board it
    reports to. Also returns the same structure as trees, for the nested-list text alternative.
    """
    boards = list(boards)
    if not boards:
        return None
    ids = {b.pk for b in boards}
    by_id = {b.pk: b for b in boards}
    system = [b for b in boards if b.place_id is None]
    place = [b for b in boards if b.place_id is not None]

    positions: dict[int, Box] = {}
    bands, y = [], MARGIN
    widest = 1
    for label, members, in_band in (
        ("System level", system, lambda b: b.place_id is None),
        ("Place level", place, lambda b: b.place_id is not None),
    ):
        if not members:
            continue
        divider = y - V_GAP // 2 if bands else None
        bands.append(Band(label=label, y=y + 18, divider_y=divider))
        y += BAND_LABEL_H
        depths = _depths(members, in_band)
        for d in sorted(set(depths.values())):
            row = [b for b in members if depths[b.pk] == d]

            def order(b):
                parent = positions.get(b.reports_to_id)
                return (
                    b.place.name if b.place_id else "",
                    parent.x if parent else -1,
                    b.name,
                )

            row.sort(key=order)
            for start in range(0, len(row), PER_ROW):
                chunk = row[start : start + PER_ROW]
                widest = max(widest, len(chunk))
                for i, b in enumerate(chunk):
                    positions[b.pk] = Box(
                        board=b,
                        x=MARGIN + i * (BOX_W + H_GAP),
                        y=y,
                        lines=_label(b),
                        place_name=b.place.name if b.place_id else "",
                        is_place=b.place_id is not None,
                    )
                y += BOX_H + V_GAP
        y += V_GAP // 2

    paths = []
    for b in boards:
        if b.reports_to_id in ids and b.reports_to_id != b.pk:
            child, parent = positions[b.pk], positions[b.reports_to_id]
            if parent.y < child.y:
                mid = child.y - V_GAP // 2
                paths.append(f"M{child.cx} {child.y}V{mid}H{parent.cx}V{parent.y + BOX_H}")
            else:
                mid = child.y + BOX_H + V_GAP // 2
                paths.append(f"M{child.cx} {child.y + BOX_H}V{mid}H{parent.cx}V{parent.y}")

    place_tree = []
    place_roots = _trees(place, {b.pk for b in place})
    for place_obj in sorted({b.place for b in place}, key=lambda p: p.name):
        place_tree.append((place_obj, [n for n in place_roots if n.board.place_id == place_obj.pk]))
    for node in place_roots:  # record who a place board reports to at system level, for the text
        node.reports_up_to = by_id.get(node.board.reports_to_id)

    return Diagram(
        boxes=list(positions.values()),
        paths=paths,
        bands=bands,
        width=MARGIN * 2 + widest * BOX_W + (widest - 1) * H_GAP,
        height=y - V_GAP // 2 + MARGIN,
        system_tree=_trees(system, {b.pk for b in system}),
        place_tree=place_tree,
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
