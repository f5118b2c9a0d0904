"""With the demo data loaded, every admin changelist and change page renders in bounded queries."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from places.models import IntegratedCareSystem
from staff import permissions
from staff.models import StaffRole

from .conftest import make_staff
from .test_admin import KINDS
from .test_admin_queries import CHANGE_PAGE_MAX, CHANGE_PAGE_MAX_OF, CHANGELIST_MAX
from .test_dashboard_queues import PUBLISHER_HOME_QUERIES


@pytest.mark.django_db
def test_every_admin_page_with_demo_data(client, django_assert_max_num_queries, superuser):
    call_command("load_demo", verbosity=0)
    editor = make_staff("demo_editor")
    ics = IntegratedCareSystem.objects.filter(boards__isnull=False).distinct().first()
    StaffRole.objects.create(user=editor, ics=ics, role=StaffRole.Role.PUBLISHER)
    for user in (superuser, editor):
        client.force_login(user)
        with django_assert_max_num_queries(PUBLISHER_HOME_QUERIES):
            assert client.get(reverse("admin:index")).status_code == 200
        for app, model in KINDS:
            with django_assert_max_num_queries(CHANGELIST_MAX):
                assert client.get(reverse(f"admin:{app}_{model}_changelist")).status_code == 200, model
            record = permissions.visible_to(user, apps.get_model(app, model).objects.all()).order_by("-pk").first()
            if record is None:
                continue
            with django_assert_max_num_queries(CHANGE_PAGE_MAX_OF.get(model, CHANGE_PAGE_MAX)):
                response = client.get(reverse(f"admin:{app}_{model}_change", args=[record.pk]))
            assert response.status_code == 200, model
