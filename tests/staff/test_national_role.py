"""The national role (the ODS review queue's deciders) is given and taken on the user's page, by a superuser."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from .conftest import make_staff
from .helpers import admin_form_data

pytestmark = pytest.mark.django_db

QUEUE = "/admin/partners/odschange/"


def _set_national(client, user, on: bool):
    page = reverse("admin:auth_user_change", args=[user.pk])
    data = admin_form_data(client.get(page))
    data.pop("national_reviewer", None)
    if on:
        data["national_reviewer"] = "on"
    return client.post(page, data)


def test_a_superuser_makes_a_user_a_national_reviewer_and_back(client, superuser, ics_a):
    reviewer = make_staff("reviewer", ics_a)
    reviewer_client = type(client)()
    reviewer_client.force_login(reviewer)
    assert reviewer_client.get(QUEUE).status_code == 403

    client.force_login(superuser)
    assert _set_national(client, reviewer, on=True).status_code == 302
    assert reviewer_client.get(QUEUE).status_code == 200
    page = client.get(reverse("admin:auth_user_change", args=[reviewer.pk])).content.decode()
    assert re.search(r'<input[^>]*name="national_reviewer"[^>]*checked', page)

    assert _set_national(client, reviewer, on=False).status_code == 302
    assert reviewer_client.get(QUEUE).status_code == 403


def test_only_a_superuser_opens_a_users_page(client, ics_a):
    editor = make_staff("editor", ics_a)
    other = get_user_model().objects.create_user("someone")
    client.force_login(editor)
    assert client.get(reverse("admin:auth_user_change", args=[other.pk])).status_code == 403
