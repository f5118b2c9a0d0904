import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from governance.models import BoardMembership, MoU
from tests.factories import (
    BoardFactory,
    BoardMembershipFactory,
    DocumentFactory,
    MoUFactory,
    MoUSignatoryFactory,
    OrganisationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


def chair(board, start, end=None):
    return BoardMembershipFactory.build(
        board=board,
        person=PersonFactory(),
        organisation=OrganisationFactory(),
        role=BoardMembership.Role.CHAIR,
        start_date=start,
        end_date=end,
    )


def test_a_second_chair_at_the_same_time_is_refused():
    board = BoardFactory()
    chair(board, datetime.date(2022, 7, 1)).save()
    second = chair(board, datetime.date(2024, 1, 1))
    with pytest.raises(ValidationError) as error:
        second.full_clean()
    assert "This board already has a chair for part of that period." in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_chairs_in_turn_and_chairs_of_other_boards_are_allowed():
    board = BoardFactory()
    chair(board, datetime.date(2022, 7, 1), datetime.date(2023, 12, 31)).save()
    successor = chair(board, datetime.date(2024, 1, 1))
    successor.full_clean()
    successor.save()
    chair(BoardFactory(), datetime.date(2024, 1, 1)).save()
    vice = BoardMembershipFactory.build(board=board, person=PersonFactory(), organisation=None, role="vice_chair")
    vice.full_clean()
    assert BoardMembership.objects.filter(board=board, role="chair").count() == 2


def test_chair_ending_the_day_another_starts_overlaps():
    board = BoardFactory()
    chair(board, datetime.date(2022, 7, 1), datetime.date(2024, 1, 1)).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        chair(board, datetime.date(2024, 1, 1)).save()


def test_membership_end_before_start_names_the_field():
    membership = BoardMembershipFactory.build(
        board=BoardFactory(),
        person=PersonFactory(),
        organisation=None,
        start_date=datetime.date(2024, 1, 2),
        end_date=datetime.date(2024, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        membership.full_clean()
    assert "end_date" in error.value.message_dict


def test_membership_as_at_edges():
    day = datetime.date(2024, 6, 1)
    ended_day_before = BoardMembershipFactory(start_date=None, end_date=day - datetime.timedelta(days=1))
    starts_day_after = BoardMembershipFactory(start_date=day + datetime.timedelta(days=1))
    open_ended = BoardMembershipFactory(start_date=None, end_date=None)
    ends_on_day = BoardMembershipFactory(start_date=None, end_date=day)
    in_force = set(BoardMembership.objects.as_at(day))
    assert in_force == {open_ended, ends_on_day}
    assert not {ended_day_before, starts_day_after} & in_force


def signed_mou_check():
    """Run the deferred signatory check now, as a commit would."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_a_signed_mou_without_a_signatory_is_refused_by_the_database():
    with pytest.raises(IntegrityError, match="needs at least one signatory"), transaction.atomic():
        MoUFactory(status=MoU.Status.SIGNED)
        signed_mou_check()


def test_a_signed_mou_with_a_signatory_is_accepted_whatever_the_order():
    with transaction.atomic():
        mou = MoUFactory(status=MoU.Status.IN_FORCE)
        MoUSignatoryFactory(mou=mou)
        signed_mou_check()
    assert MoU.objects.get(pk=mou.pk).status == MoU.Status.IN_FORCE


def test_removing_the_last_signatory_of_a_signed_mou_is_refused():
    with transaction.atomic():
        signatory = MoUSignatoryFactory(mou=MoUFactory(status=MoU.Status.SIGNED))
        signed_mou_check()
    with pytest.raises(IntegrityError), transaction.atomic():
        signatory.delete()
        signed_mou_check()


def test_a_draft_mou_needs_no_signatory():
    with transaction.atomic():
        MoUFactory(status=MoU.Status.DRAFT)
        signed_mou_check()


def test_a_document_needs_a_file_or_link_and_a_home():
    document = DocumentFactory.build(url="", meeting=None)
    with pytest.raises(ValidationError) as error:
        document.full_clean()
    assert "Give the document a file or a link." in str(error.value)
    assert "Attach the document to a board, a meeting or an MoU." in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        document.save()


def test_a_board_cannot_report_to_itself():
    board = BoardFactory()
    board.reports_to = board
    with pytest.raises(ValidationError) as error:
        board.full_clean()
    assert "reports_to" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        board.save()
