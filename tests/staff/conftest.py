"""Actors and a small world of records in two ICSs, A and B, for the staff tests."""

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model

from staff.models import StaffRole
from tests import factories as f


@dataclass
class World:
    ics: object
    records: dict


def build_world(ics) -> World:
    """One record of every kind, belonging to (or linked only to) `ics`."""
    place = f.PlaceFactory(ics=ics)
    organisation = f.OrganisationFactory()
    partnership = f.PartnershipFactory(organisation=organisation, ics=ics, place=place)
    board = f.BoardFactory(ics=ics)
    person = f.PersonFactory()
    membership = f.BoardMembershipFactory(board=board, person=person, organisation=organisation)
    meeting = f.MeetingFactory(board=board)
    mou = f.MoUFactory(ics=ics, published_at=None)
    records = {
        "integratedcaresystem": ics,
        "icsstage": f.IcsStageFactory(ics=ics),
        "place": place,
        "organisation": organisation,
        "partnership": partnership,
        "programme": f.ProgrammeFactory(ics=ics),
        "board": board,
        "person": person,
        "boardmembership": membership,
        "meeting": meeting,
        "agendaitem": f.AgendaItemFactory(meeting=meeting),
        "mou": mou,
        "mousignatory": f.MoUSignatoryFactory(mou=mou, organisation=organisation),
        "document": f.DocumentFactory(meeting=meeting, published_at=None),
        "declarationofinterest": f.DeclarationOfInterestFactory(person=person),
    }
    return World(ics=ics, records=records)


@pytest.fixture
def ics_a():
    return f.IntegratedCareSystemFactory(short_name="System A")


@pytest.fixture
def ics_b():
    return f.IntegratedCareSystemFactory(short_name="System B")


@pytest.fixture
def world_a(ics_a):
    return build_world(ics_a)


@pytest.fixture
def world_b(ics_b):
    return build_world(ics_b)


def make_staff(username, ics=None, role=StaffRole.Role.EDITOR, **extra):
    user = get_user_model().objects.create_user(
        username=username, password="a-long-test-password", is_staff=True, **extra
    )
    if ics is not None:
        StaffRole.objects.create(user=user, ics=ics, role=role)
    return user


@pytest.fixture
def editor_a(ics_a):
    return make_staff("editor_a", ics_a)


@pytest.fixture
def publisher_a(ics_a):
    return make_staff("publisher_a", ics_a, StaffRole.Role.PUBLISHER)


@pytest.fixture
def editor_b(ics_b):
    return make_staff("editor_b", ics_b)


@pytest.fixture
def superuser():
    return get_user_model().objects.create_superuser(username="root", password="a-long-test-password")


@pytest.fixture
def actors(editor_a, publisher_a, editor_b, superuser):
    return {
        "anonymous": None,
        "editor_a": editor_a,
        "publisher_a": publisher_a,
        "editor_b": editor_b,
        "superuser": superuser,
    }
