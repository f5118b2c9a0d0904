"""Clearly marked sample boards, people, meetings and MoUs, beside the public record.

The public record (governance/reference_data.py, loaded first) holds the bodies the
published documents name: West Yorkshire and Harrogate's joint committee of CCGs and
MoU in development, Cheshire and Merseyside's Partnership Board, Assembly and Development
Advisory Group, the Wirral committee's decisions, Dorset's programme boards. What is
here stands for no real body of theirs: statutory-era boards (from 1 July 2022) whose
people, dates, meetings and minutes are invented, and labelled as sample data on every
page. A sample seat represents only an organisation operating throughout it.
"""

import datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from governance.models import (
    AgendaItem,
    Attendance,
    Board,
    BoardMembership,
    DeclarationOfInterest,
    Document,
    Meeting,
    MoU,
    Person,
    Programme,
)
from ics_portal.core.models import Provenance
from ics_portal.core.upsert import upsert
from partners.models import Organisation
from places.models import Place

SAMPLE = {"provenance": Provenance.SAMPLE}
LONDON = ZoneInfo("Europe/London")

# The other five of the nine (the public record names four: governance/reference_data.py).
WEST_YORKSHIRE_SAMPLE_PROGRAMMES = [
    "Primary and community care",
    "Planned care",
    "Maternity",
    "Children and young people",
    "Workforce",
]

# (slug, name, kind, place slug or None, reports to slug or None, statutory, start, end)
BOARDS = {
    "QWO": [
        (
            "west-yorkshire-icb-board",
            "NHS West Yorkshire ICB Board",
            Board.Kind.ICB_BOARD,
            None,
            None,
            True,
            datetime.date(2022, 7, 1),
            None,
        ),
        (
            "west-yorkshire-partnership-board",
            "West Yorkshire Partnership Board",
            Board.Kind.ICP,
            None,
            None,
            True,
            datetime.date(2022, 7, 1),
            None,
        ),
        (
            "west-yorkshire-quality-committee",
            "West Yorkshire Quality Committee",
            Board.Kind.COMMITTEE,
            None,
            "west-yorkshire-icb-board",
            False,
            datetime.date(2022, 7, 1),
            None,
        ),
        (
            "west-yorkshire-finance-committee",
            "West Yorkshire Finance, Investment and Performance Committee",
            Board.Kind.COMMITTEE,
            None,
            "west-yorkshire-icb-board",
            False,
            datetime.date(2022, 7, 1),
            None,
        ),
        (
            "leeds-health-and-care-partnership-board",
            "Leeds Health and Care Partnership Board",
            Board.Kind.PLACE_PARTNERSHIP_BOARD,
            "leeds",
            "west-yorkshire-icb-board",
            False,
            datetime.date(2022, 7, 1),
            None,
        ),
        (
            "wakefield-place-partnership-board",
            "Wakefield District Health and Care Partnership Board",
            Board.Kind.PLACE_PARTNERSHIP_BOARD,
            "wakefield",
            "west-yorkshire-icb-board",
            False,
            datetime.date(2022, 7, 1),
            None,
        ),
    ],
    "QYG": [
        (
            "cheshire-and-merseyside-icb-board",
            "NHS Cheshire and Merseyside ICB Board",
            Board.Kind.ICB_BOARD,
            None,
            None,
            True,
            datetime.date(2022, 7, 1),
            None,
        ),
        (
            "wirral-place-based-partnership-board",
            "Wirral Place Based Partnership Board",
            Board.Kind.PLACE_PARTNERSHIP_BOARD,
            "wirral",
            "cheshire-and-merseyside-icb-board",
            False,
            datetime.date(2022, 7, 1),
            None,
        ),
    ],
}

# (name, title, organisation ODS code)
PEOPLE = [
    ("Sam Okafor", "Chair (sample)", "QWO"),
    ("Priya Sharma", "Chief Executive (sample)", "QWO"),
    ("Tom Hartley", "Director of Finance (sample)", "QWO"),
    ("Grace Whitfield", "Council Leader (sample)", "212"),
    ("Imran Hussain", "Chief Executive (sample)", "RR8"),
    ("Helen Brooks", "Director of Public Health (sample)", "212"),
    ("Owen Lister", "Former Chair (sample)", "15F"),
    ("Rachel Adeyemi", "Chair (sample)", "QYG"),
    ("Daniel Finch", "Place Director (sample)", "QYG"),
    ("Aisha Rahman", "Healthwatch Chair (sample)", None),
]

# (board slug, person, role, start, end)
MEMBERSHIPS = [
    (
        "west-yorkshire-icb-board",
        "Owen Lister",
        BoardMembership.Role.CHAIR,
        datetime.date(2022, 7, 1),
        datetime.date(2023, 12, 31),
    ),
    ("west-yorkshire-icb-board", "Sam Okafor", BoardMembership.Role.CHAIR, datetime.date(2024, 1, 1), None),
    ("west-yorkshire-icb-board", "Priya Sharma", BoardMembership.Role.MEMBER, datetime.date(2022, 7, 1), None),
    ("west-yorkshire-icb-board", "Tom Hartley", BoardMembership.Role.MEMBER, datetime.date(2022, 7, 1), None),
    ("west-yorkshire-icb-board", "Imran Hussain", BoardMembership.Role.MEMBER, datetime.date(2022, 7, 1), None),
    (
        "west-yorkshire-icb-board",
        "Helen Brooks",
        BoardMembership.Role.NON_VOTING_MEMBER,
        datetime.date(2022, 7, 1),
        None,
    ),
    (
        "west-yorkshire-partnership-board",
        "Grace Whitfield",
        BoardMembership.Role.CHAIR,
        datetime.date(2022, 7, 1),
        None,
    ),
    (
        "west-yorkshire-partnership-board",
        "Sam Okafor",
        BoardMembership.Role.VICE_CHAIR,
        datetime.date(2024, 1, 1),
        None,
    ),
    ("west-yorkshire-partnership-board", "Aisha Rahman", BoardMembership.Role.MEMBER, datetime.date(2022, 7, 1), None),
    (
        "leeds-health-and-care-partnership-board",
        "Helen Brooks",
        BoardMembership.Role.CHAIR,
        datetime.date(2022, 7, 1),
        None,
    ),
    (
        "leeds-health-and-care-partnership-board",
        "Grace Whitfield",
        BoardMembership.Role.MEMBER,
        datetime.date(2022, 7, 1),
        None,
    ),
    (
        "leeds-health-and-care-partnership-board",
        "Imran Hussain",
        BoardMembership.Role.MEMBER,
        datetime.date(2022, 7, 1),
        None,
    ),
    ("west-yorkshire-quality-committee", "Tom Hartley", BoardMembership.Role.MEMBER, datetime.date(2022, 7, 1), None),
    (
        "cheshire-and-merseyside-icb-board",
        "Rachel Adeyemi",
        BoardMembership.Role.CHAIR,
        datetime.date(2022, 7, 1),
        None,
    ),
    (
        "wirral-place-based-partnership-board",
        "Daniel Finch",
        BoardMembership.Role.CHAIR,
        datetime.date(2022, 7, 1),
        None,
    ),
]

Kind = AgendaItem.Kind

# (number, title, minutes, resolutions, kind, presenter)
AGENDA = [
    (
        "1",
        "Welcome, apologies and declarations of interest",
        "Apologies were noted. No new interests were declared.",
        "",
        Kind.INFORMATION,
        "Chair",
    ),
    (
        "2",
        "Minutes of the previous meeting",
        "The minutes were approved as a true record.",
        "Minutes of the previous meeting approved.",
        Kind.DECISION,
        "Chair",
    ),
    (
        "3",
        "Chief executive's report",
        "The board received an update on winter pressures and elective recovery.",
        "",
        Kind.ASSURANCE,
        "Chief Executive (sample)",
    ),
    (
        "4",
        "Finance report",
        "The board discussed the month 6 position and the forecast.",
        "Financial plan noted.\nSavings programme endorsed.",
        Kind.DECISION,
        "Director of Finance (sample)",
    ),
    ("5", "Any other business", "None.", "", Kind.DISCUSSION, "Chair"),
]

# One part 2 item: its title is public; its summary, minutes, resolutions and paper never are.
CONFIDENTIAL_ITEM = {
    "board": "west-yorkshire-icb-board",
    "day": datetime.date(2026, 3, 12),
    "number": "6",
    "title": "Community diagnostics contract award",
    "kind": Kind.DECISION,
    "presenter": "Director of Strategy (sample)",
    "summary": "Sample confidential summary: the evaluation of the three bids.",
    "minutes": "Sample confidential minute: the board compared the bids.",
    "resolutions": "Sample confidential decision: award to the preferred bidder.",
    "paper": "Sample confidential paper: bid evaluation",
}

# The quorum of each sample board is a number, but one board's, which its terms of reference give as a rule.
QUORUM = 3
QUORUM_RULES = {
    "wirral-place-based-partnership-board": "half the voting members, including the chair or vice-chair",
}
NOTICE_CLEAR_DAYS = 5
# Agendas come out 8 days before their meeting (on time with 5 clear days), but one, 3 days before (late).
AGENDA_NOTICE = datetime.timedelta(days=8)
LATE_AGENDA = ("wirral-place-based-partnership-board", datetime.date(2026, 3, 12), datetime.timedelta(days=3))
# At each meeting with published minutes, one member sends apologies and a deputy comes in their place.
APOLOGIES = {"Tom Hartley": "Lucy Tran, Deputy Director of Finance (sample)"}


@transaction.atomic
def load_sample_governance(systems) -> None:
    load_programmes(systems["QWO"])
    boards = load_boards(systems)
    people = {
        name: upsert(Person, {"slug": slugify(name)}, {"name": name, "title": title, **SAMPLE})
        for name, title, _ in PEOPLE
    }
    organisations = {o.ods_code: o for o in Organisation.objects.filter(ods_code__in={c for *_, c in PEOPLE if c})}
    load_memberships(boards, people, organisations)
    load_meetings(boards["west-yorkshire-icb-board"])
    load_meetings(boards["wirral-place-based-partnership-board"])
    load_confidential_item(boards[CONFIDENTIAL_ITEM["board"]])
    load_mous(systems)
    load_declarations(people)


# A seat on which its holder represented another organisation than PEOPLE gives: the one operating then
# (a membership's organisation was operating throughout it, BoardMembership.clean()).
# None: none on record (the organisation they represent now had not yet opened).
SEAT_ORGANISATIONS = {
    ("west-yorkshire-icb-board", "Owen Lister"): "QWO",  # the CCG had closed: the ICB
}


def load_memberships(boards, people, organisations):
    represents = {name: organisations.get(code) for name, _, code in PEOPLE}
    for board_slug, name, role, start, end in MEMBERSHIPS:
        seat = (board_slug, name)
        organisation = organisations.get(SEAT_ORGANISATIONS[seat]) if seat in SEAT_ORGANISATIONS else represents[name]
        upsert(
            BoardMembership,
            {"board": boards[board_slug], "person": people[name], "role": role, "start_date": start},
            {
                "end_date": end,
                "organisation": organisation,
                "is_voting": role != BoardMembership.Role.NON_VOTING_MEMBER,
                **SAMPLE,
            },
        )


def load_declarations(people):
    upsert(
        DeclarationOfInterest,
        {"person": people["Imran Hussain"], "interest": "Trustee of a Leeds mental health charity"},
        {
            "start_date": datetime.date(2021, 5, 1),
            "end_date": None,
            "action_taken": "Leaves the meeting for items about grants to the charity.",
            **SAMPLE,
        },
    )
    upsert(
        DeclarationOfInterest,
        {"person": people["Owen Lister"], "interest": "Partner in a GP practice in Leeds"},
        {
            "start_date": datetime.date(2017, 4, 1),
            "end_date": datetime.date(2023, 12, 31),
            "action_taken": "Does not vote on primary care contracts.",
            **SAMPLE,
        },
    )


def load_programmes(ics):
    for name in WEST_YORKSHIRE_SAMPLE_PROGRAMMES:
        upsert(Programme, {"ics": ics, "slug": slugify(name)}, {"name": name, **SAMPLE})


def load_boards(systems) -> dict[str, Board]:
    boards = {}
    for code, rows in BOARDS.items():
        ics = systems[code]
        for slug, name, kind, place, reports_to, statutory, start, end in rows:
            boards[slug] = upsert(
                Board,
                {"slug": slug},
                {
                    "ics": ics,
                    "name": name,
                    "kind": kind,
                    "place": Place.objects.get(slug=place) if place else None,
                    "is_statutory": statutory,
                    "quorum": None if slug in QUORUM_RULES else QUORUM,
                    "quorum_rule": QUORUM_RULES.get(slug, ""),
                    "notice_clear_days": NOTICE_CLEAR_DAYS,
                    "reports_to": boards.get(reports_to),
                    "start_date": start,
                    "end_date": end,
                    **SAMPLE,
                    "terms_of_reference": f"Sample terms of reference for the {name}.",
                },
            )
    return boards


MEETING_DAYS = [
    datetime.date(2025, 11, 13),
    datetime.date(2026, 1, 15),
    datetime.date(2026, 3, 12),
    datetime.date(2026, 5, 14),
    datetime.date(2026, 9, 10),
    datetime.date(2027, 1, 14),
]
MINUTES_PUBLISHED_UNTIL = datetime.date(2026, 6, 1)
HELD_UNTIL = datetime.date(2026, 11, 1)


def load_meetings(board):
    """Past meetings with published minutes (each approved at the next meeting, with attendance), one still
    awaiting its minutes, and one to come, whose agenda is not out yet."""
    meetings = [load_meeting(board, day) for day in MEETING_DAYS]
    for meeting, following in zip(meetings, meetings[1:], strict=False):
        if meeting.minutes_published_at is not None:
            upsert(Meeting, {"pk": meeting.pk}, {"minutes_approved_at": following})
            load_attendance(meeting)


def _agenda_published_at(board, day, starts_at):
    notice = LATE_AGENDA[2] if (board.slug, day) == LATE_AGENDA[:2] else AGENDA_NOTICE
    return _published_by_now(starts_at - notice)


def _published_by_now(moment):
    """`moment` as a publish stamp, or None (a draft) while it is still to come."""
    return moment if moment <= timezone.now() else None


def load_meeting(board, day):
    starts_at = datetime.datetime.combine(day, datetime.time(10), tzinfo=LONDON)
    held = day < HELD_UNTIL
    minuted = day < MINUTES_PUBLISHED_UNTIL
    meeting = upsert(
        Meeting,
        {"board": board, "slug": day.isoformat()},
        {
            "starts_at": starts_at,
            "location": "Sample venue, council chamber",
            "status": Meeting.Status.HELD if held else Meeting.Status.SCHEDULED,
            "is_public": True,
            "agenda_published_at": _agenda_published_at(board, day, starts_at),
            "minutes_published_at": starts_at + datetime.timedelta(days=21) if minuted else None,
            "quorate": True if minuted and board.quorum is None else None,  # counted where the quorum is a number
            **SAMPLE,
        },
    )
    load_agenda(meeting, held)
    upsert(
        Document,
        {"meeting": meeting, "agenda_item": None, "kind": Document.Kind.PAPERS},
        {
            "title": f"Papers for {starts_at:%-d %B %Y}",
            "url": "https://example.org/sample-papers.pdf",
            "published_at": _published_by_now(starts_at - datetime.timedelta(days=7)),
            **SAMPLE,
        },
    )
    return meeting


def load_attendance(meeting):
    """The board's members on the day: present, but for those who send apologies (and a deputy)."""
    day = timezone.localdate(meeting.starts_at)
    for seat in BoardMembership.objects.filter(board=meeting.board).select_related("person"):
        if not seat.is_current_on(day):
            continue
        deputy = APOLOGIES.get(seat.person.name)
        upsert(
            Attendance,
            {"meeting": meeting, "membership": seat},
            {
                "status": Attendance.Status.APOLOGIES if deputy else Attendance.Status.PRESENT,
                "deputy": deputy or "",
                **SAMPLE,
            },
        )


def load_confidential_item(board):
    """A part 2 item, with a paper the public must never get (Document.objects.public() leaves it out)."""
    item = CONFIDENTIAL_ITEM
    meeting = Meeting.objects.get(board=board, slug=item["day"].isoformat())
    agenda_item = upsert(
        AgendaItem,
        {"meeting": meeting, "number": item["number"]},
        {
            "position": len(AGENDA),
            "title": item["title"],
            "kind": item["kind"],
            "presenter": item["presenter"],
            "is_confidential": True,
            "summary": item["summary"],
            "minutes": item["minutes"],
            "resolutions": item["resolutions"],
            **SAMPLE,
        },
    )
    upsert(
        Document,
        {"meeting": meeting, "agenda_item": agenda_item},
        {
            "title": item["paper"],
            "kind": Document.Kind.PAPERS,
            "url": "https://example.org/sample-confidential-paper.pdf",
            "published_at": meeting.agenda_published_at,
            **SAMPLE,
        },
    )


def load_agenda(meeting, held):
    """The same items at every meeting; minutes and resolutions only once it has been held."""
    for position, (number, title, minutes, resolutions, kind, presenter) in enumerate(AGENDA):
        upsert(
            AgendaItem,
            {"meeting": meeting, "number": number},
            {
                "position": position,
                "title": title,
                "kind": kind,
                "presenter": presenter,
                "summary": f"Sample paper: {title.lower()}.",
                "minutes": minutes if held else "",
                "resolutions": resolutions if held else "",
                **SAMPLE,
            },
        )


def load_mous(systems):
    """West Yorkshire and Harrogate's MoU is public record (governance/reference_data.py): not here."""
    load_wirral_draft_agreement(systems["QYG"])


def load_wirral_draft_agreement(cheshire_and_merseyside):
    upsert(
        MoU,
        {"slug": "wirral-place-partnership-agreement-draft"},
        {
            "ics": cheshire_and_merseyside,
            "place": Place.objects.get(slug="wirral"),
            "title": "Wirral Place Partnership Agreement",
            "status": MoU.Status.CONSULTATION,
            "version": "0.3",
            "start_date": None,
            "end_date": None,
            "review_date": None,
            "published_at": None,
            "summary": "A draft agreement for Wirral's seven core features and four workstreams (sample).",
            **SAMPLE,
        },
    )
