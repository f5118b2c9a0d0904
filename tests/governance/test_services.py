"""governance/services.py: the rules (publishing, signatories, one chair at a time) and the writes that carry them."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from governance.models import Meeting, MoU, MoUSignatory
from governance.services import (
    PUBLISH_REFUSED,
    board_membership_chair_check,
    board_membership_save,
    document_publish,
    may_publish,
    meeting_publish_minutes,
    meeting_save,
    mou_change_status,
    mou_publish,
    mou_restore,
    mou_save,
    mou_signatory_removal_check,
    publish_check,
    publish_stamp_changed,
)
from staff.models import StaffRole
from tests import factories as f


@pytest.fixture
def ics():
    return f.IntegratedCareSystemFactory()


def _user(django_user_model, ics, role, name):
    user = django_user_model.objects.create_user(username=name, password="a-long-test-password", is_staff=True)
    StaffRole.objects.create(user=user, ics=ics, role=role)
    return user


@pytest.mark.django_db
def test_signed_needs_a_signatory(django_user_model, ics):
    editor = _user(django_user_model, ics, "editor", "ed")
    mou = f.MoUFactory(ics=ics, status="agreed")
    with pytest.raises(ValidationError, match="needs at least one signatory"):
        mou_change_status(mou=mou, status="signed", user=editor)
    mou.refresh_from_db()
    assert mou.status == "agreed"
    f.MoUSignatoryFactory(mou=mou)
    assert mou_change_status(mou=mou, status="in_force", user=editor).status == "in_force"
    assert mou.history.first().history_user == editor


@pytest.mark.django_db
def test_status_change_needs_a_role_in_the_mous_ics(django_user_model, ics):
    outsider = _user(django_user_model, f.IntegratedCareSystemFactory(), "publisher", "out")
    mou = f.MoUFactory(ics=ics, status="draft")
    with pytest.raises(PermissionDenied):
        mou_change_status(mou=mou, status="agreed", user=outsider)


@pytest.mark.django_db
def test_unknown_status_is_refused(django_user_model, ics):
    with pytest.raises(ValidationError, match="Unknown status"):
        mou_change_status(mou=f.MoUFactory(ics=ics), status="lost", user=_user(django_user_model, ics, "editor", "e"))


@pytest.mark.django_db
def test_only_publishers_publish(django_user_model, ics):
    editor = _user(django_user_model, ics, "editor", "ed")
    publisher = _user(django_user_model, ics, "publisher", "pub")
    meeting = f.MeetingFactory(board=f.BoardFactory(ics=ics))
    mou = f.MoUFactory(ics=ics, published_at=None)
    document = f.DocumentFactory(meeting=meeting, published_at=None)
    with pytest.raises(PermissionDenied):
        mou_publish(mou=mou, user=editor)
    assert mou_publish(mou=mou, user=publisher).published_at is not None
    assert document_publish(document=document, user=publisher).published_at is not None
    assert meeting_publish_minutes(meeting=meeting, user=publisher).minutes_published_at is not None
    assert meeting_publish_minutes(meeting=meeting, user=publisher, publish=False).minutes_published_at is None


@pytest.mark.django_db
def test_publishing_an_already_published_record_writes_nothing(django_user_model, ics, django_assert_num_queries):
    publisher = _user(django_user_model, ics, "publisher", "pub")
    mou = f.MoUFactory(ics=ics)  # published
    stamp = mou.published_at
    mou_publish(mou=mou, user=publisher)  # loads the publisher's roles: one query, then remembered
    with django_assert_num_queries(0):  # no transaction opened, nothing written
        assert mou_publish(mou=mou, user=publisher).published_at == stamp
    assert mou_publish(mou=mou, user=publisher, publish=False).published_at is None
    assert mou.history.first().history_user == publisher


@pytest.mark.django_db
def test_the_publish_check_and_what_counts_as_a_change(django_user_model, ics):
    editor = _user(django_user_model, ics, "editor", "ed")
    mou = f.MoUFactory(ics=ics, published_at=None)
    assert not publish_stamp_changed(mou, mou)
    assert not publish_stamp_changed(f.MoUFactory.build(ics=ics, published_at=None), None)
    assert publish_stamp_changed(f.MoUFactory.build(ics=ics), None)
    assert not publish_stamp_changed(f.BoardFactory(ics=ics), None)  # boards have no stamp
    with pytest.raises(PermissionDenied, match=PUBLISH_REFUSED):
        publish_check(user=editor, obj=mou)
    assert not may_publish(user=editor) and not may_publish(user=editor, obj=mou)


@pytest.mark.django_db
def test_mou_save_applies_both_rules(django_user_model, ics):
    editor = _user(django_user_model, ics, "editor", "ed")
    publisher = _user(django_user_model, ics, "publisher", "pub")
    before = f.MoUFactory(ics=ics, status="agreed", published_at=None)
    changed = MoU.objects.get(pk=before.pk)
    changed.published_at = timezone.now()
    with pytest.raises(PermissionDenied):
        mou_save(mou=changed, user=editor, before=before)
    changed.status = "signed"
    with pytest.raises(ValidationError, match="needs at least one signatory"):
        mou_save(mou=changed, user=publisher, before=before)
    before.refresh_from_db()
    assert (before.status, before.published_at) == ("agreed", None)  # one transaction: nothing of it saved
    f.MoUSignatoryFactory(mou=before)
    changed = MoU.objects.get(pk=before.pk)
    changed.status, changed.summary = "signed", "Signed by all"
    saved = mou_save(mou=changed, user=editor, before=before)
    assert (saved.status, saved.summary) == ("signed", "Signed by all")
    assert saved.history.first().history_user == editor


@pytest.mark.django_db
def test_mou_restore_checks_the_signatories_on_record(django_user_model, ics):
    editor = _user(django_user_model, ics, "editor", "ed")
    mou = f.MoUFactory(ics=ics, status="withdrawn")
    old = MoU.objects.get(pk=mou.pk)
    old.status = "signed"
    with pytest.raises(ValidationError, match="needs at least one signatory"):
        mou_restore(mou=old, user=editor)
    f.MoUSignatoryFactory(mou=mou)
    assert mou_restore(mou=old, user=editor).status == "signed"
    assert mou.history.first().history_user == editor
    with pytest.raises(PermissionDenied):
        mou_restore(mou=old, user=_user(django_user_model, f.IntegratedCareSystemFactory(), "editor", "out"))


@pytest.mark.django_db
def test_the_last_signatory_of_a_signed_mou_is_not_removable(ics):
    mou = f.MoUFactory(ics=ics, status="agreed")
    first, second = f.MoUSignatoryFactory(mou=mou), f.MoUSignatoryFactory(mou=mou)
    MoU.objects.filter(pk=mou.pk).update(status="in_force")
    first = MoUSignatory.objects.select_related("mou").get(pk=first.pk)
    mou_signatory_removal_check(signatory=first)  # the second remains
    second.delete()
    with pytest.raises(ValidationError, match="needs at least one signatory") as refusal:
        mou_signatory_removal_check(signatory=first)
    assert refusal.value.code == "mou_needs_signatory"
    MoU.objects.filter(pk=mou.pk).update(status="withdrawn")
    first = MoUSignatory.objects.select_related("mou").get(pk=first.pk)
    mou_signatory_removal_check(signatory=first)


def _seat(board, role, start, end=None):
    return f.BoardMembershipFactory.build(board=board, role=role, start_date=start, end_date=end)


def test_chairs_of_one_submit_do_not_overlap():
    board, other = f.BoardFactory.build(pk=1), f.BoardFactory.build(pk=2)
    day = datetime.date
    handover = [_seat(board, "chair", day(2022, 7, 1), day(2024, 3, 31)), _seat(board, "chair", day(2024, 4, 1))]
    assert board_membership_chair_check(memberships=handover) == {}
    same_day = [_seat(board, "chair", day(2022, 7, 1), day(2024, 4, 1)), _seat(board, "chair", day(2024, 4, 1))]
    faults = board_membership_chair_check(memberships=same_day)  # both ends inclusive
    assert list(faults) == [1]
    assert faults[1].messages == ["This board already has a chair for part of that period."]
    assert faults[1].code == "second_chair"
    open_start = [_seat(board, "chair", None, day(2020, 1, 1)), _seat(board, "chair", day(2019, 6, 1))]
    assert list(board_membership_chair_check(memberships=open_start)) == [1]
    elsewhere = [_seat(board, "chair", day(2022, 7, 1)), _seat(other, "chair", day(2022, 7, 1))]
    assert board_membership_chair_check(memberships=elsewhere) == {}
    vice = [_seat(board, "chair", day(2022, 7, 1)), _seat(board, "vice_chair", day(2022, 7, 1))]
    assert board_membership_chair_check(memberships=vice) == {}


@pytest.mark.django_db
def test_board_membership_save_gives_the_chair_rules_message(django_user_model, ics):
    editor = _user(django_user_model, ics, "editor", "ed")
    board = f.BoardFactory(ics=ics)
    f.BoardMembershipFactory(board=board, role="chair", start_date=datetime.date(2022, 7, 1))
    second = _seat(board, "chair", datetime.date(2023, 1, 1))
    second.person, second.organisation = f.PersonFactory(), None
    with pytest.raises(ValidationError, match="already has a chair"):
        board_membership_save(membership=second, user=editor)
    second.role = "vice_chair"
    assert board_membership_save(membership=second, user=editor).pk is not None
    assert second.history.first().history_user == editor


@pytest.mark.django_db
def test_meeting_save_publishes_only_for_publishers(django_user_model, ics):
    editor = _user(django_user_model, ics, "editor", "ed")
    publisher = _user(django_user_model, ics, "publisher", "pub")
    before = f.MeetingFactory(board=f.BoardFactory(ics=ics))
    changed = Meeting.objects.get(pk=before.pk)
    changed.minutes_published_at = timezone.now()
    with pytest.raises(PermissionDenied):
        meeting_save(meeting=changed, user=editor, before=before)
    assert meeting_save(meeting=changed, user=publisher, before=before).minutes_published_at is not None
