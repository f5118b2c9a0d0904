"""places/services.py: an ICS's identity is changed by superusers only."""

import pytest
from django.core.exceptions import PermissionDenied

from places.models import IntegratedCareSystem
from places.services import ICS_IDENTITY_FIELDS, ics_identity_check, ics_save
from staff.models import StaffRole
from tests import factories as f


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user(username="ed", password="a-long-test-password", is_staff=True)


@pytest.mark.django_db
def test_staff_change_an_ics_but_not_its_identity(editor, django_user_model):
    ics = f.IntegratedCareSystemFactory()
    StaffRole.objects.create(user=editor, ics=ics, role=StaffRole.Role.PUBLISHER)
    changed = IntegratedCareSystem.objects.get(pk=ics.pk)
    changed.population, changed.slug, changed.name = 5, "renamed", "Renamed"
    with pytest.raises(PermissionDenied, match="Only superusers change these fields: name, slug."):
        ics_identity_check(user=editor, ics=changed, before=ics)
    with pytest.raises(PermissionDenied):
        ics_save(ics=changed, user=editor, before=ics)
    changed.slug, changed.name = ics.slug, ics.name
    assert ics_save(ics=changed, user=editor, before=ics).population == 5
    assert ics.history.first().history_user == editor
    root = django_user_model.objects.create_superuser(username="root", password="a-long-test-password")
    changed.slug = "renamed"
    assert ics_save(ics=changed, user=root, before=ics).slug == "renamed"
    assert set(ICS_IDENTITY_FIELDS) == {"name", "short_name", "slug", "icb_ods_code", "gss_code", "region"}
