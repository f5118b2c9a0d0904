"""Factories for every model, shared by all tests."""

import datetime

import factory
from django.utils import timezone

from governance.models import (
    AgendaItem,
    Attendance,
    Board,
    BoardMembership,
    DeclarationOfInterest,
    Document,
    Meeting,
    MoU,
    MoUSignatory,
    Person,
    Programme,
)
from partners.models import Organisation, OrganisationName, Partnership
from places.models import IcsStage, IntegratedCareSystem, Place, PlaceMembership, Region

ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def code_from(prefix: str, n: int, width: int) -> str:
    """A distinct code for sequence number n: prefix plus `width` base-36 characters."""
    chars = []
    for _ in range(width):
        n, digit = divmod(n, 36)
        chars.append(ALPHANUMERIC[digit])
    return prefix + "".join(reversed(chars))


class IntegratedCareSystemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IntegratedCareSystem

    short_name = factory.Sequence(lambda n: f"Test System {n}")
    name = factory.LazyAttribute(lambda o: f"{o.short_name} Integrated Care System")
    slug = factory.Sequence(lambda n: f"test-system-{n}")
    icb_ods_code = factory.Sequence(lambda n: code_from("Q", n, 2))
    region = Region.NORTH_EAST_AND_YORKSHIRE
    population = 1_000_000


class IcsStageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IcsStage

    ics = factory.SubFactory(IntegratedCareSystemFactory)
    stage = IcsStage.Stage.STATUTORY_ICS
    start_date = datetime.date(2022, 7, 1)


class PlaceFactory(factory.django.DjangoModelFactory):
    """A place, in the ICS `ics` (a new one unless given; None for none) for all of the place's dates."""

    class Meta:
        model = Place
        skip_postgeneration_save = True

    class Params:
        ics = factory.SubFactory(IntegratedCareSystemFactory)

    name = factory.Sequence(lambda n: f"Place {n}")
    slug = factory.Sequence(lambda n: f"place-{n}")
    start_date = None
    end_date = None

    membership = factory.Maybe(
        "ics",
        yes_declaration=factory.RelatedFactory(
            "tests.factories.PlaceMembershipFactory",
            factory_related_name="place",
            ics=factory.SelfAttribute("..ics"),
            start_date=factory.SelfAttribute("..start_date"),
            end_date=factory.SelfAttribute("..end_date"),
        ),
        no_declaration=None,
    )


class PlaceMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlaceMembership

    place = factory.SubFactory(PlaceFactory, ics=None)
    ics = factory.SubFactory(IntegratedCareSystemFactory)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Test Hospitals NHS Trust {n}")
    slug = factory.Sequence(lambda n: f"test-hospitals-{n}")
    kind = Organisation.Kind.NHS_TRUST
    sector = Organisation.Sector.NHS
    ods_code = factory.Sequence(lambda n: code_from("R", n, 2) if n < 36 * 36 else code_from("T", n, 4))


class OrganisationNameFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationName

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.LazyAttribute(lambda o: o.organisation.name)
    source = "Test source, as at 1 April 2023"


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    organisation = factory.SubFactory(OrganisationFactory)
    ics = factory.SubFactory(IntegratedCareSystemFactory)
    role = Partnership.Role.CONSTITUTIONAL_PARTNER
    start_date = datetime.date(2022, 7, 1)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    ics = factory.SubFactory(IntegratedCareSystemFactory)
    name = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Board

    ics = factory.SubFactory(IntegratedCareSystemFactory)
    name = factory.Sequence(lambda n: f"Board {n}")
    slug = factory.Sequence(lambda n: f"board-{n}")
    kind = Board.Kind.COMMITTEE


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Alex Example {n}")
    slug = factory.Sequence(lambda n: f"alex-example-{n}")
    title = "Director"


class BoardMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BoardMembership

    board = factory.SubFactory(BoardFactory)
    person = factory.SubFactory(PersonFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = BoardMembership.Role.MEMBER
    start_date = datetime.date(2022, 7, 1)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    board = factory.SubFactory(BoardFactory)
    # Days after 1 January 2024, wrapping before mid-2026 so that a long test run never makes
    # "past" meetings fall after today (a board page then finds none).
    starts_at = factory.Sequence(
        lambda n: timezone.make_aware(datetime.datetime(2024, 1, 1, 10)) + datetime.timedelta(days=n % 900)
    )
    slug = factory.LazyAttribute(lambda o: f"{o.starts_at:%Y-%m-%d}")
    status = Meeting.Status.HELD
    location = "Civic Hall"
    # Published a week before, or on record already when the source gives no date.
    agenda_published_at = factory.LazyAttribute(
        lambda o: min(o.starts_at - datetime.timedelta(days=7), timezone.now()) if o.starts_at else timezone.now()
    )


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Agenda item {n}")


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory)
    membership = factory.SubFactory(BoardMembershipFactory, board=factory.SelfAttribute("..meeting.board"))
    status = Attendance.Status.PRESENT


class MoUFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MoU

    ics = factory.SubFactory(IntegratedCareSystemFactory)
    title = factory.Sequence(lambda n: f"Memorandum of understanding {n}")
    slug = factory.Sequence(lambda n: f"mou-{n}")
    status = MoU.Status.AGREED
    version = "1.0"
    start_date = datetime.date(2023, 4, 1)
    published_at = factory.LazyFunction(timezone.now)


class MoUSignatoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MoUSignatory

    mou = factory.SubFactory(MoUFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    signed_by = "Chief Executive"
    signed_on = datetime.date(2023, 4, 1)


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    title = factory.Sequence(lambda n: f"Document {n}")
    kind = Document.Kind.PAPERS
    url = "https://example.org/papers.pdf"
    meeting = factory.SubFactory(MeetingFactory)
    published_at = factory.LazyFunction(timezone.now)


class DeclarationOfInterestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeclarationOfInterest

    person = factory.SubFactory(PersonFactory)
    interest = "Trustee of a local charity"
    start_date = datetime.date(2022, 1, 1)
