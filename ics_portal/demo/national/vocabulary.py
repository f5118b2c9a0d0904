"""The national data set's vocabulary: its key dates, densities and the words names are made from."""

import datetime

from governance.models import MoU
from partners.models import Organisation

STP_DAY = datetime.date(2016, 4, 1)
PCN_DAY = datetime.date(2019, 7, 1)
STATUTORY_DAY = datetime.date(2022, 7, 1)
STP_LAST_DAY = STATUTORY_DAY - datetime.timedelta(days=1)

# Per-ICS averages chosen so that 42 ICSs give England's totals (about 11,500 partners, 3,000 boards and
# 300,000 agenda items: docs/adr/0005-benchmark.md).
PEOPLE_PER_PCN = 45_000
PRACTICES_PER_PCN = (3, 4, 4, 5, 5, 5, 5, 6, 6, 7, 8)

FIRST_NAMES = (
    "Aisha Alan Alison Amir Amy Andrew Angela Anil Ann Anthony Ben Beverley Bilal Carol Catherine Chris Claire "
    "Colin Daniel David Deborah Dominic Elaine Emma Farah Fiona Gareth Gillian Graham Hannah Helen Ian Imran "
    "James Jane Jason Jennifer Joanne John Jonathan Julie Karen Kate Kevin Lesley Linda Louise Mark Martin "
    "Mary Matthew Michael Mohammed Nadia Neil Nicola Nigel Patrick Paul Priya Rachel Rebecca Richard Robert "
    "Ruth Sally Samina Sarah Simon Sophie Stephen Steve Susan Tariq Thomas Tim Tracy Victoria Wendy Yvonne Zara"
).split()
SURNAMES = (
    "Adams Ahmed Ali Allen Atkinson Bailey Baker Barker Bell Bennett Brown Butler Campbell Carter Chapman Clark "
    "Clarke Collins Cook Cooper Cox Davies Dixon Edwards Ellis Evans Fisher Fletcher Foster Gill Graham Green "
    "Griffiths Hall Harris Harrison Hill Holmes Hughes Hussain Jackson James Johnson Jones Kaur Kelly Khan King "
    "Knight Lee Lewis Marshall Martin Mason Mills Mitchell Moore Morgan Morris Murphy Parker Patel Phillips "
    "Price Rahman Richards Roberts Robinson Rogers Scott Shah Shaw Simpson Singh Smith Stevens Taylor Thomas "
    "Thompson Turner Walker Ward Watson White Wilkinson Williams Wilson Wood Wright Young"
).split()
TOWN_STARTS = (
    "Ash Alder Bar Beck Birch Brad Bram Brook Burn Cal Castle Chel Clay Cold Crom Dal Dun East Elm Fair Fern "
    "Glen Great Green Hart Hay High Holm Kings Lang Lee Lin Long Marsh Mel Mid Mill Mor New North Oak Over Pen "
    "Red Rich Ros Sand Shaw Stan Stoke Sut Thorn Up Wal West White Wick Wil Win Wood"
).split()
TOWN_ENDS = (
    "borough bourne bridge brook bury by caster combe dale den field ford gate ham hill ley mere minster ton well "
    "wick worth"
).split()
STREETS = "Church High Station Park Mill Market Victoria Albert Queen King Bridge Manor Chapel School Castle".split()
COMPASS = ("North", "South", "East", "West", "Central")

ICB_COMMITTEES = (
    "Audit and Risk Committee",
    "Quality and Performance Committee",
    "Finance and Investment Committee",
    "Remuneration Committee",
    "People Committee",
    "Primary Care Commissioning Committee",
    "System Oversight Committee",
    "Strategic Commissioning Committee",
    "Digital and Data Committee",
    "Population Health and Inequalities Committee",
    "Estates Committee",
    "Research and Innovation Committee",
)
SUB_COMMITTEES = (
    "Pharmacy, Optometry and Dental Sub-committee",
    "Information Governance Sub-committee",
    "Medicines Optimisation Sub-committee",
    "Safeguarding Sub-committee",
    "Infection Prevention and Control Sub-committee",
    "Capital Sub-committee",
    "Procurement Sub-committee",
    "Workforce Planning Sub-committee",
    "Clinical Policy Sub-committee",
    "Individual Funding Requests Panel",
    "Cyber Security Sub-committee",
    "Emergency Preparedness Sub-committee",
)
PROVIDER_COLLABORATIVES = (
    "Acute Provider Collaborative",
    "Mental Health, Learning Disability and Autism Collaborative",
    "Community Provider Collaborative",
)
ADVISORY_GROUPS = (
    "Clinical and Care Professional Forum",
    "VCSE Assembly",
    "Citizens' Panel",
    "Development Advisory Group",
)
PLACE_COMMITTEES = (
    "Place Quality Committee",
    "Place Finance Group",
    "Primary Care Group",
    "Integrated Commissioning Committee",
    "Neighbourhood Development Group",
    "Children and Families Board",
    "Ageing Well Board",
)
PROGRAMMES = (
    ("Cancer", "Earlier diagnosis and faster treatment for people with cancer."),
    ("Mental health", "Better access to mental health care for children and adults."),
    ("Stroke", "Hyper-acute stroke care and rehabilitation."),
    ("Urgent and emergency care", "Fewer long waits in emergency departments."),
    ("Primary care", "Access to general practice, pharmacy, dental and eye care."),
    ("Maternity", "Safer, more personal maternity care."),
    ("Planned care", "Shorter waits for operations and outpatient care."),
    ("Children and young people", "Joined-up care for children and families."),
    ("Prevention and population health", "Tackling the causes of ill health and inequality."),
)
AGENDA_TOPICS = (
    "Chief executive's report",
    "Integrated performance report",
    "Finance report: month {month}",
    "Quality and safety report",
    "Winter plan",
    "Elective recovery update",
    "Urgent and emergency care plan",
    "Board assurance framework",
    "Corporate risk register",
    "Joint forward plan refresh",
    "Workforce update",
    "Primary care access recovery plan",
    "Mental health investment standard",
    "Health inequalities: progress against Core20PLUS5",
    "Safeguarding annual report",
    "Estates strategy",
    "Digital strategy update",
    "Children and young people's mental health",
    "Cancer performance and faster diagnosis",
    "Pharmacy, optometry and dental commissioning",
    "Patient experience and complaints",
    "Population health management",
    "Annual report and accounts",
    "Terms of reference review",
    "Committee escalation reports",
)
SUMMARY_TEMPLATES = (
    "The paper sets out {topic_l} for {where} and asks the meeting to note progress.",
    "An update on {topic_l} across {where}, with the main risks and the actions in hand.",
    "The meeting is asked to approve the recommendations on {topic_l}.",
    "A report on {topic_l}, including performance against plan and the outlook for the next quarter.",
)
MINUTES_TEMPLATES = (
    "{person} presented the item. Members asked about the effect on waiting times and on staff, and "
    "noted the actions agreed with partners.",
    "{person} introduced the paper. The meeting discussed the risks set out and asked for a further "
    "update at the next meeting.",
    "The item was taken as read. {person} answered questions on funding and on how partners were involved.",
)
RESOLUTIONS = (
    "The meeting noted the report.",
    "The meeting approved the recommendations.",
    "The meeting noted the report and asked for an update in three months.",
    "The meeting approved the plan subject to the comments made.",
    "The meeting endorsed the approach and delegated final approval to the chair.",
)
LOCATIONS = (
    "Council Chamber, Town Hall",
    "Board Room, ICB headquarters",
    "Online (Microsoft Teams)",
    "Committee Room 1, Civic Centre",
    "Conference Centre, Community Hospital",
    "The Hub, Innovation Centre",
)
TITLES = (
    "Chief Executive",
    "Director of Finance",
    "Medical Director",
    "Chief Nurse",
    "Non-executive Director",
    "Councillor",
    "Director of Public Health",
    "Director of Adult Social Services",
    "Director of Children's Services",
    "Chief Operating Officer",
    "Partner Member",
    "Healthwatch Chair",
    "Director of Strategy",
    "Clinical Director",
    "Chief Officer, VCSE Alliance",
)
MOU_TITLES = (
    "{ics} Memorandum of Understanding",
    "Mutual accountability agreement",
    "Data sharing memorandum of understanding",
    "Joint commissioning agreement",
    "Provider collaborative agreement",
    "VCSE partnership memorandum",
    "Estates collaboration agreement",
    "Workforce sharing agreement",
)
INTERESTS = (
    "Partner in a GP practice in the area",
    "Trustee of a local charity",
    "Spouse employed by a partner trust",
    "Shareholder in a health technology company",
    "Governor of a local school",
    "Member of a political party",
    "Director of a community interest company",
)
VCSE_KINDS = (
    (Organisation.Kind.VCSE, Organisation.Sector.VCSE, 45),
    (Organisation.Kind.HOSPICE, Organisation.Sector.VCSE, 3),
    (Organisation.Kind.CARE_PROVIDER, Organisation.Sector.INDEPENDENT, 12),
    (Organisation.Kind.UNIVERSITY, Organisation.Sector.ACADEMIC, 2),
    (Organisation.Kind.OTHER, Organisation.Sector.OTHER, 5),
)
VCSE_NAMES = (
    "{town} Community Voluntary Services",
    "{town} Carers' Centre",
    "Age UK {town}",
    "{town} Mind",
    "{town} Food Bank",
    "{town} Citizens Advice",
    "{town} Youth Trust",
    "{town} Community Transport",
    "{town} Refugee Support",
    "{town} Disability Forum",
    "{town} Wellbeing Network",
    "{town} Men's Sheds",
)
OTHER_NAMES = {
    Organisation.Kind.HOSPICE: ("{town} Hospice", "St {saint}'s Hospice, {town}"),
    Organisation.Kind.CARE_PROVIDER: ("{town} Care Homes Ltd", "{town} Home Care Services", "{town} House Care Home"),
    Organisation.Kind.UNIVERSITY: ("University of {town}", "{town} Metropolitan University"),
    Organisation.Kind.OTHER: ("{town} Fire and Rescue Service", "{town} Housing Association", "{town} Police"),
}
SAINTS = ("Anne", "Catherine", "Gemma", "John", "Luke", "Mary", "Michael", "Peter", "Oswald", "Wilfrid")

# How often each status is drawn for an invented MoU, in percent.
MOU_STATUSES = (
    (MoU.Status.DRAFT,) * 10
    + (MoU.Status.CONSULTATION,) * 5
    + (MoU.Status.AGREED,) * 10
    + (MoU.Status.SIGNED,) * 15
    + (MoU.Status.IN_FORCE,) * 35
    + (MoU.Status.SUPERSEDED,) * 20
    + (MoU.Status.WITHDRAWN,) * 5
)

# England's first reorganisation of ICBs: twelve abolished on 31 March 2026, six created on 1 April 2026, after
# the pairs and threes that would merge had shared leaders in clusters from 9 September 2025. The shapes the
# generator copies, in the order it fills them (at reduced scale, those that fit in 12/42 of the ICSs):
# "split": three ICSs into two new ones, the middle one's places divided between them (boundary changes);
# "merge": whole ICSs into one new ICS (mergers).
CLUSTER_DAY = datetime.date(2025, 9, 9)
MERGER_DAY = datetime.date(2026, 4, 1)
REORGANISATION_SHAPES = (("split", 3), ("merge", 3), ("merge", 2), ("merge", 2), ("merge", 2))
ABOLISHED_SHARE = 12 / 42
# Clusters of ICSs that stayed separate, at national scale (besides one for each group that merged).
OTHER_CLUSTERS = 9
