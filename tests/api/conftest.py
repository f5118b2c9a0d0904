"""Actors for the API tests: the public, staff of ICS A, staff of ICS B, a superuser."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from staff.models import StaffRole
from tests import factories as f


def make_user(username, ics=None, role=StaffRole.Role.EDITOR, **extra):
    user = get_user_model().objects.create_user(
        username=username,
        password="a-long-test-password",
        is_staff=ics is not None or extra.get("is_superuser", False),
        **extra,
    )
    if ics is not None:
        StaffRole.objects.create(user=user, ics=ics, role=role)
    return user


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def ics_a():
    return f.IntegratedCareSystemFactory(short_name="System A", slug="system-a")


@pytest.fixture
def ics_b():
    return f.IntegratedCareSystemFactory(short_name="System B", slug="system-b")


@pytest.fixture
def staff_a(ics_a):
    return make_user("staff_a", ics_a, role=StaffRole.Role.PUBLISHER)


@pytest.fixture
def editor_a(ics_a):
    return make_user("editor_a", ics_a, role=StaffRole.Role.EDITOR)


@pytest.fixture
def staff_b(ics_b):
    return make_user("staff_b", ics_b, role=StaffRole.Role.PUBLISHER)


@pytest.fixture
def superuser(db):
    return make_user("root", is_superuser=True)


@pytest.fixture
def anon_client():
    return APIClient()


@pytest.fixture(autouse=True)
def _db(db):
    """Every API test touches the database."""
