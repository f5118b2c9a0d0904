"""governance/services.py: MoU status and publishing, with their rights and rules."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from governance.services import document_publish, meeting_publish_minutes, mou_change_status, mou_publish
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
