"""Loads the governance facts of data/public_record_2016_2021.md: boards, seats, a minuted decision and an MoU.

Four published documents (2018–2021) state them. Each row is public record and names its document in
`source`. Nothing is added that the documents do not say: where one gives no date, the date is left empty
(the pages then say the source does not state it); where it names a post but not the person, the person
is the post, and the organisation is the one whose post it is. Where a sample record in the demo data
stood for the same body, this replaces it (same slug, so its links last) and removes its sample seats,
signatories and papers.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from governance.models import (
    AgendaItem,
    Board,
    BoardMembership,
    Meeting,
    MoU,
    Person,
    Programme,
)
from ics_portal.core.models import Provenance
from ics_portal.core.upsert import upsert
from partners.models import Organisation
from places.models import Place

PUBLIC_RECORD = {"provenance": Provenance.PUBLIC_RECORD}


@dataclass(frozen=True)
class Source:
    """A document of the file's table of sources, as the file gives it."""

    key: str
    title: str
    publisher: str
    date: str

    def __str__(self):
        return f"{self.title}; {self.publisher}; {self.date} [{self.key}]"


WYH_FAQ = Source(
    "WYH-FAQ",
    '"What is an Integrated Care System (ICS)?" (questions and answers)',
    "West Yorkshire and Harrogate Health and Care Partnership",
    "2018 (after the 24 May 2018 announcement; the workforce plan it mentions was due June 2018)",
)
WIRRAL_MIN = Source(
    "WIRRAL-MIN",
    'Minutes, agenda item "Integrated Care System and Integrated Care Partnership Developments – update", '
    "report by the Director of Care and Health",
    "Wirral Council (a committee of the council; the minutes extract does not name it)",
    "2021 (after 16 June 2021 guidance and the 11 May 2021 Queen's Speech, which it cites); "
    "meeting date not in the extract",
)
DACB = Source(
    "DACB",
    '"The rise of the integrated care system", Mark Gould talks to Anne Crofts',
    "DAC Beachcroft",
    "8 April 2020",
)
CM_JOURNEY = Source(
    "CM-JOURNEY",
    '"Journey to becoming an ICS"',
    "Cheshire and Merseyside Health and Care Partnership",
    "2020 (18 ICSs existed when written)",
)


@dataclass(frozen=True)
class BoardFact:
    slug: str
    ics: str  # ICB ODS code
    name: str
    kind: str
    source: Source
    says: str  # what the source says of the body, shown with it
    place: str | None = None  # a place's slug


BOARDS = [
    # West Yorkshire and Harrogate. The slug is the sample's, which stood for the same body.
    BoardFact(
        "west-yorkshire-joint-committee-of-ccgs",
        "QWO",
        "Joint Committee of the CCGs",
        Board.Kind.JOINT_COMMITTEE,
        WYH_FAQ,
        "Has delegated authority for collective decision making from the nine CCGs in the partnership.",
    ),
    BoardFact(
        "west-yorkshire-and-harrogate-leadership-team",
        "QWO",
        "West Yorkshire and Harrogate Health and Care Partnership leadership team",
        Board.Kind.COMMITTEE,
        WYH_FAQ,
        "The partnership's leadership team discussed, and decided, that the partnership would join the "
        "integrated care system development programme (it joined the second wave, announced on 24 May 2018).",
    ),
    # Cheshire and Merseyside, and Wirral.
    BoardFact(
        "cheshire-and-merseyside-partnership-board",
        "QYG",
        "Cheshire and Merseyside Partnership Board",
        Board.Kind.PARTNERSHIP_BOARD,
        CM_JOURNEY,
        "A Partnership Board strengthening the system's governance.",
    ),
    BoardFact(
        "cheshire-and-merseyside-partnership-assembly",
        "QYG",
        "Cheshire and Merseyside Partnership Assembly",
        Board.Kind.COMMITTEE,
        CM_JOURNEY,
        "Alan Yates, as the partnership's chairman, spoke at the Assembly's first meeting.",
    ),
    BoardFact(
        "cheshire-and-merseyside-collaborative-commissioning-forum",
        "QYG",
        "Cheshire and Merseyside collaborative commissioning forum",
        Board.Kind.JOINT_COMMITTEE,
        CM_JOURNEY,
        "Brings together the CCGs of Cheshire and Merseyside. (The Wirral minutes of 2021 name a joint "
        "committee of Cheshire and Merseyside CCGs, recorded separately: neither source says whether the two "
        "are the same body.)",
    ),
    BoardFact(
        "cheshire-and-merseyside-joint-committee-of-ccgs",
        "QYG",
        "Joint committee of Cheshire and Merseyside CCGs",
        Board.Kind.JOINT_COMMITTEE,
        WIRRAL_MIN,
        'Named in the Wirral minutes. (Cheshire and Merseyside\'s "Journey to becoming an ICS" names a '
        "collaborative commissioning forum of the CCGs, recorded separately: neither source says whether the "
        "two are the same body.)",
    ),
    BoardFact(
        "cheshire-and-merseyside-development-advisory-group",
        "QYG",
        "Development Advisory Group",
        Board.Kind.ADVISORY_GROUP,
        WIRRAL_MIN,
        "Supports the implementation timetable.",
    ),
    BoardFact(
        "wirral-council-committee-ics-icp-developments",
        "QYG",
        "Wirral Council committee (not named in the minutes extract)",
        Board.Kind.COMMITTEE,
        WIRRAL_MIN,
        "A committee of Wirral Council that received the report on Integrated Care System and Integrated Care "
        "Partnership developments; the minutes extract does not name the committee.",
        place="wirral",
    ),
    # Dorset: no separate ICS management team; the programme boards are chaired from the partners.
    BoardFact(
        "dorset-urgent-and-emergency-care-board",
        "QVV",
        "Our Dorset urgent and emergency care board",
        Board.Kind.COMMITTEE,
        DACB,
        "One of Our Dorset's boards; an acute trust chief executive chairs it (as at April 2020).",
    ),
    BoardFact(
        "dorset-planned-care-board",
        "QVV",
        "Our Dorset planned care board",
        Board.Kind.COMMITTEE,
        DACB,
        "One of Our Dorset's boards; an acute trust chief executive chairs it (as at April 2020).",
    ),
    BoardFact(
        "dorset-digital-board",
        "QVV",
        "Our Dorset digital board",
        Board.Kind.COMMITTEE,
        DACB,
        "One of Our Dorset's boards; one of the directors chairs it (as at April 2020).",
    ),
    BoardFact(
        "dorset-workforce-board",
        "QVV",
        "Our Dorset workforce board",
        Board.Kind.COMMITTEE,
        DACB,
        "One of Our Dorset's boards; the chair of the CCG chairs it (as at April 2020).",
    ),
]


@dataclass(frozen=True)
class PersonFact:
    slug: str
    name: str
    title: str
    source: Source


NOT_NAMED = "not named in the source"
POST_HOLDER_NOT_NAMED = f"Holder of the post {NOT_NAMED}"

PEOPLE = [
    PersonFact(
        "will-cleary-gray",
        "Will Cleary-Gray",
        "Chief operating officer, South Yorkshire and Bassetlaw ICS (as at April 2020)",
        DACB,
    ),
    PersonFact(
        "tim-goodson", "Tim Goodson", "Lead of Our Dorset ICS; chief officer of NHS Dorset CCG (as at April 2020)", DACB
    ),
    # Posts the sources name without their holders.
    PersonFact(
        "wirral-council-chief-executive", "Chief Executive of Wirral Council", POST_HOLDER_NOT_NAMED, WIRRAL_MIN
    ),
    PersonFact(
        "wirral-council-director-for-adult-care-and-health",
        "Director for Adult Care and Health, Wirral Council",
        POST_HOLDER_NOT_NAMED,
        WIRRAL_MIN,
    ),
    PersonFact("nhs-wirral-ccg-chief-officer", "Chief Officer of NHS Wirral CCG", POST_HOLDER_NOT_NAMED, WIRRAL_MIN),
    PersonFact(
        "dorset-acute-trust-chief-executive-uec",
        "Chief executive of a Dorset acute trust",
        f"Chair of the urgent and emergency care board; trust and person {NOT_NAMED}",
        DACB,
    ),
    PersonFact(
        "dorset-acute-trust-chief-executive-planned-care",
        "Chief executive of a Dorset acute trust",
        f"Chair of the planned care board; trust and person {NOT_NAMED}",
        DACB,
    ),
    PersonFact(
        "dorset-director-digital-board",
        "One of the directors (Our Dorset)",
        f"Chair of the digital board; person {NOT_NAMED}",
        DACB,
    ),
    PersonFact("nhs-dorset-ccg-chair", "Chair of NHS Dorset CCG", POST_HOLDER_NOT_NAMED, DACB),
]

# (board slug, person slug, role, ODS code of the organisation whose post it is, or None where not stated)
MEMBERSHIPS = [
    (
        "cheshire-and-merseyside-development-advisory-group",
        "wirral-council-chief-executive",
        BoardMembership.Role.MEMBER,
        "319",
    ),
    (
        "cheshire-and-merseyside-development-advisory-group",
        "wirral-council-director-for-adult-care-and-health",
        BoardMembership.Role.MEMBER,
        "319",
    ),
    (
        "cheshire-and-merseyside-development-advisory-group",
        "nhs-wirral-ccg-chief-officer",
        BoardMembership.Role.MEMBER,
        "12F",
    ),
    (
        "dorset-urgent-and-emergency-care-board",
        "dorset-acute-trust-chief-executive-uec",
        BoardMembership.Role.CHAIR,
        None,
    ),
    ("dorset-planned-care-board", "dorset-acute-trust-chief-executive-planned-care", BoardMembership.Role.CHAIR, None),
    ("dorset-digital-board", "dorset-director-digital-board", BoardMembership.Role.CHAIR, None),
    ("dorset-workforce-board", "nhs-dorset-ccg-chair", BoardMembership.Role.CHAIR, "11J"),
]

# The meetings the sources tell of, none with its date: (board slug, meeting slug, source, whether the source
# is its minutes, items).
# An item: (title, summary, minutes, resolutions one a line). The agenda numbers are not given either, so
# each meeting holds one item, its number empty.
WIRRAL_ITEM = (
    "Integrated Care System and Integrated Care Partnership Developments – update",
    "Report by the Director of Care and Health.",
    "The report set out seven expected core features of an integrated care partnership at place, six "
    "principles, and four Wirral workstreams: integrated governance, including Health and Wellbeing Board "
    "development; provider collaboration; integrated commissioning; and communications and engagement. It "
    "named the Development Advisory Group, which supports the implementation timetable, and a joint committee "
    "of Cheshire and Merseyside CCGs.",
    "That the report be noted.\n"
    "That further written reports on the progress of the ICS and ICPs be received at future meetings.\n"
    "That an all-member workshop be held to inform members of the council of developments.",
)
ASSEMBLY_ITEM = (
    "Address by the partnership's chairman",
    "Alan Yates, as the chairman of the Cheshire and Merseyside Health and Care Partnership, spoke at the "
    "Assembly's first meeting.",
    "",
    "",
)
MEETINGS = [
    ("wirral-council-committee-ics-icp-developments", "ics-and-icp-developments-2021", WIRRAL_MIN, True, [WIRRAL_ITEM]),
    ("cheshire-and-merseyside-partnership-assembly", "first-meeting", CM_JOURNEY, False, [ASSEMBLY_ITEM]),
]

WEST_YORKSHIRE_PROGRAMMES = [
    "Cancer",
    "Mental health, learning disabilities and autism",
    "Stroke",
    "Urgent and emergency care",
]

WEST_YORKSHIRE_MOU_SLUG = "west-yorkshire-and-harrogate-memorandum-of-understanding"


@transaction.atomic
def load_public_record(systems) -> dict[str, Board]:
    """Every fact of the file, as public record with its source. Safe to run again."""
    boards = {fact.slug: load_board(fact, systems[fact.ics]) for fact in BOARDS}
    people = {
        fact.slug: upsert(
            Person,
            {"slug": fact.slug},
            {"name": fact.name, "title": fact.title, "source": str(fact.source), **PUBLIC_RECORD},
        )
        for fact in PEOPLE
    }
    load_memberships(boards, people)
    load_meetings(boards)
    load_programmes(systems["QWO"])
    load_west_yorkshire_mou(systems["QWO"])
    return boards


def load_board(fact: BoardFact, ics) -> Board:
    board = upsert(
        Board,
        {"slug": fact.slug},
        {
            "ics": ics,
            "place": Place.objects.get(slug=fact.place) if fact.place else None,
            "name": fact.name,
            "kind": fact.kind,
            "is_statutory": False,
            "reports_to": None,  # no source says whom any of these reports to
            "start_date": None,
            "end_date": None,
            "terms_of_reference": f"As the source describes it: {fact.says}",
            "source": str(fact.source),
            **PUBLIC_RECORD,
        },
    )
    # A sample board this replaces may have left sample seats (the sources name who sits, or nobody).
    board.memberships.filter(provenance=Provenance.SAMPLE).delete()
    return board


def load_memberships(boards, people):
    sources = {fact.slug: fact.source for fact in PEOPLE}
    organisations = {
        o.ods_code: o for o in Organisation.objects.filter(ods_code__in={code for *_, code in MEMBERSHIPS if code})
    }
    for board_slug, person_slug, role, code in MEMBERSHIPS:
        upsert(
            BoardMembership,
            {"board": boards[board_slug], "person": people[person_slug], "role": role},
            {
                "organisation": organisations.get(code),
                "is_voting": True,
                "start_date": None,
                "end_date": None,
                "source": str(sources[person_slug]),
                **PUBLIC_RECORD,
            },
        )


def _published_stamp(model, lookup, field):
    """When the portal published a record: kept from the first load, so a second load changes nothing.

    It is the portal's stamp, not a date from the source (which gives none).
    """
    stamp = model.objects.filter(**lookup).values_list(field, flat=True).first()
    return stamp or timezone.now()


def load_meetings(boards):
    """Meetings the sources tell of but do not date: held; minutes public where the source is the minutes."""
    for board_slug, slug, source, minuted, items in MEETINGS:
        lookup = {"board": boards[board_slug], "slug": slug}
        meeting = upsert(
            Meeting,
            lookup,
            {
                "starts_at": None,
                "location": "",
                "status": Meeting.Status.HELD,
                "is_public": True,
                "agenda_published_at": _published_stamp(Meeting, lookup, "agenda_published_at"),
                "minutes_published_at": _published_stamp(Meeting, lookup, "minutes_published_at") if minuted else None,
                "source": str(source),
                **PUBLIC_RECORD,
            },
        )
        for position, (title, summary, minutes, resolutions) in enumerate(items):
            upsert(
                AgendaItem,
                {"meeting": meeting, "number": ""},  # the sources number no item; each meeting has one
                {
                    "position": position,
                    "title": title,
                    "summary": summary,
                    "minutes": minutes,
                    "resolutions": resolutions,
                    **PUBLIC_RECORD,
                },
            )


def load_programmes(west_yorkshire):
    """Four of the nine programmes at West Yorkshire and Harrogate level the questions and answers name."""
    for name in WEST_YORKSHIRE_PROGRAMMES:
        upsert(
            Programme,
            {"ics": west_yorkshire, "slug": slugify(name)},
            {
                "name": name,
                "description": f"One of the nine programmes at West Yorkshire and Harrogate level named in {WYH_FAQ}.",
                **PUBLIC_RECORD,
            },
        )


def load_west_yorkshire_mou(west_yorkshire):
    """The MoU in development in 2018: a draft, with no signatory and no dates, as the source says.

    It keeps the slug of the sample MoU that stood for it. That sample (signed, then superseded) is deleted
    first, with its signatories and papers, rather than rewritten: its status history would otherwise show
    on the page as this MoU's.
    """
    lookup = {"slug": WEST_YORKSHIRE_MOU_SLUG}
    MoU.objects.filter(**lookup, provenance=Provenance.SAMPLE).delete()
    mou = upsert(
        MoU,
        lookup,
        {
            "ics": west_yorkshire,
            "place": None,
            "title": "Memorandum of understanding between the health and care partners (in development, 2018)",
            "status": MoU.Status.DRAFT,
            "version": "",
            "start_date": None,
            "end_date": None,
            "review_date": None,
            "published_at": _published_stamp(MoU, lookup, "published_at"),
            "summary": "In development in 2018: \u201cnothing has been agreed at this stage\u201d, and it is to be "
            "finalised only once partners agree. A model of mutual accountability committing the NHS "
            "organisations to move towards collective oversight of the \u00a35bn healthcare budget. It does "
            "not introduce new hierarchical arrangements.",
            "source": str(WYH_FAQ),
            **PUBLIC_RECORD,
        },
    )
    return mou
