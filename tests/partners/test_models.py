import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from partners.models import Organisation, Partnership
from tests.factories import IntegratedCareSystemFactory, OrganisationFactory, PartnershipFactory, PlaceFactory
from tests.factories import PlaceMembershipFactory as MembershipFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2023, 8, 7)


@pytest.mark.parametrize(
    "kind, code",
    [
        ("nhs_trust", "RR8"),
        ("foundation_trust", "TAD"),
        ("nhs_trust", "G6V2S"),
        ("icb", "QWO"),
        ("ccg", "15F"),
        ("local_authority", "212"),
        ("local_authority", "H6X4G"),
        ("pcn", "U12345"),
        ("gp_practice", "B86001"),
        ("vcse", "8JK12"),
    ],
)
def test_accepts_real_ods_code_formats(kind, code):
    organisation = OrganisationFactory.build(kind=kind, ods_code=code)
    organisation.full_clean()
    organisation.save()
    assert Organisation.objects.get(ods_code=code).kind == kind


@pytest.mark.parametrize(
    "kind, code", [("nhs_trust", "12F"), ("local_authority", "2120"), ("pcn", "P12345"), ("icb", "RWO")]
)
def test_bad_ods_code_is_refused_with_a_message_and_by_the_database(kind, code):
    organisation = OrganisationFactory.build(kind=kind, ods_code=code)
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert "ods_code" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        organisation.save()


def test_ods_code_is_unique_when_present_but_many_organisations_may_have_none():
    OrganisationFactory(ods_code="RR8")
    OrganisationFactory(ods_code=None, kind="vcse")
    OrganisationFactory(ods_code=None, kind="vcse")
    duplicate = OrganisationFactory.build(ods_code="RR8")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "ods_code" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_clean_normalises_a_lower_case_code_and_empty_code():
    organisation = OrganisationFactory.build(ods_code=" rr8 ")
    organisation.full_clean()
    assert organisation.ods_code == "RR8"
    nameless = OrganisationFactory.build(ods_code="", kind="vcse")
    nameless.full_clean()
    assert nameless.ods_code is None


def test_slug_is_unique():
    OrganisationFactory(slug="leeds")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(slug="leeds")


def test_partnership_end_before_start_is_refused():
    partnership = PartnershipFactory.build(
        organisation=OrganisationFactory(),
        ics=IntegratedCareSystemFactory(),
        start_date=datetime.date(2023, 1, 2),
        end_date=datetime.date(2023, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        partnership.full_clean()
    assert "end_date" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        partnership.save()


PLACE_NOT_IN_ICS = ["That place was not in this ICS on the partnership's dates."]


def test_partnership_place_must_be_in_its_ics():
    partnership = PartnershipFactory.build(
        organisation=OrganisationFactory(), ics=IntegratedCareSystemFactory(), place=PlaceFactory()
    )
    with pytest.raises(ValidationError) as error:
        partnership.full_clean()
    assert error.value.message_dict["place"] == PLACE_NOT_IN_ICS


def test_partnership_place_must_be_in_its_ics_on_the_partnerships_dates():
    """A place that moved ICS (docs/adr/0007): a partnership with it in its old ICS is valid only on the old dates."""
    old_ics, new_ics = IntegratedCareSystemFactory(), IntegratedCareSystemFactory()
    moved = datetime.date(2024, 4, 1)
    place = PlaceFactory(ics=None)
    MembershipFactory(place=place, ics=old_ics, end_date=moved - datetime.timedelta(days=1))
    MembershipFactory(place=place, ics=new_ics, start_date=moved)
    organisation = OrganisationFactory()

    before = PartnershipFactory.build(
        organisation=organisation, ics=old_ics, place=place, start_date=datetime.date(2022, 7, 1), end_date=DAY
    )
    before.full_clean()
    after = PartnershipFactory.build(organisation=organisation, ics=old_ics, place=place, start_date=moved)
    with pytest.raises(ValidationError) as error:
        after.full_clean()
    assert error.value.message_dict["place"] == PLACE_NOT_IN_ICS
    PartnershipFactory.build(organisation=organisation, ics=new_ics, place=place, start_date=moved).full_clean()


@pytest.mark.parametrize(
    "start, end, in_force",
    [
        (None, DAY - datetime.timedelta(days=1), False),  # ended the day before
        (None, DAY, True),  # ends on the day
        (DAY, None, True),  # starts on the day
        (DAY + datetime.timedelta(days=1), None, False),  # starts the day after
        (None, None, True),  # open-ended both ways
        (datetime.date(2022, 7, 1), None, True),
    ],
)
def test_as_at_edges(start, end, in_force):
    partnership = PartnershipFactory(start_date=start, end_date=end)
    assert (partnership in Partnership.objects.as_at(DAY)) is in_force
    assert partnership.is_current_on(DAY) is in_force
